// The management API refuses integrations the worker cannot deliver through: apns (HTTP/2,
// see providers/adapters/push_apns.h), on create and on update.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/api_fakes.h"
#include "worker/api/integrations_api.h"

namespace switchboard::api {
namespace {

using http::HttpRequest;
using http::HttpResponse;
using Json = nlohmann::json;

constexpr const char* kKey = "key-org-a-env-a";

class UnsupportedProviderTest : public ::testing::Test {
 protected:
  UnsupportedProviderTest() : api_(store_, idempotency_, options()) {}

  static IntegrationsApiOptions options() {
    IntegrationsApiOptions o;
    o.keys = {{kKey, "org-a", "env-a"}};
    o.now_millis = [] { return std::int64_t{1795860000123}; };
    o.random_hex = [](std::size_t n) { return std::string(n, 'a'); };
    return o;
  }

  HttpResponse send(const std::string& method, const std::string& target, const std::string& body) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.headers = {{"authorization", std::string("ApiKey ") + kKey}, {"content-type", "application/json"}};
    std::optional<HttpResponse> out;
    api_.handle(std::move(request), [&](HttpResponse r) { out = std::move(r); });
    store_.queue.drain();
    idempotency_.queue.drain();
    return out.value_or(HttpResponse{});
  }

  static void expect_refused(const HttpResponse& r) {
    ASSERT_EQ(r.status, 400) << r.body;
    const Json j = Json::parse(r.body);
    ASSERT_TRUE(j["errors"].is_array()) << r.body;
    EXPECT_EQ(j["errors"][0]["path"], "providerId");
    EXPECT_NE(j["errors"][0]["message"].get<std::string>().find("HTTP/2"), std::string::npos) << r.body;
  }

  testing::FakeIntegrationStore store_;
  testing::FakeIdempotencyStore idempotency_;
  IntegrationsApi api_;
};

TEST_F(UnsupportedProviderTest, CreatingAnApnsIntegrationIs400OnProviderId) {
  expect_refused(send("POST", "/v1/integrations",
                      R"({"providerId":"apns","channel":"push","credentials":{"secretKey":"p8","apiKey":"KEYID"}})"));
  EXPECT_EQ(store_.writes, 0);
  // Other push providers are accepted.
  EXPECT_EQ(send("POST", "/v1/integrations", R"({"providerId":"expo","channel":"push"})").status, 201);
}

TEST_F(UnsupportedProviderTest, UpdatingAnApnsIntegrationIs400OnProviderId) {
  // One that exists already (imported, or written before this check).
  routing::Integration apns;
  apns.id = "aaaaaaaaaaaaaaaaaaaaaaa1";
  apns.identifier = "apns-store";
  apns.name = "apns-store";
  apns.provider_id = "apns";
  apns.channel = routing::Channel::kPush;
  apns.organization_id = "org-a";
  apns.environment_id = "env-a";
  ASSERT_TRUE(store_.table().create(apns)) << "fixture";
  expect_refused(send("PUT", "/v1/integrations/" + apns.id, R"({"name":"renamed"})"));
  EXPECT_EQ(store_.writes, 0);
}

}  // namespace
}  // namespace switchboard::api
