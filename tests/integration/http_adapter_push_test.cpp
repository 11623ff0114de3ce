// The push adapters over real sockets against the real `switchboard sink` process (TLS,
// 127.0.0.1 only): FCM's token fetch and its reuse, and every HTTP push adapter.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "providers/adapters/push_expo.h"
#include "providers/adapters/push_fcm.h"
#include "providers/adapters/push_onesignal.h"
#include "providers/adapters/push_webhook.h"
#include "providers/http/http_client.h"
#include "tests/integration/http_test_support.h"
#include "tests/integration/sink_process.h"
#include "tests/unit/adapter_test_support.h"
#include "tests/unit/fcm_test_support.h"

namespace switchboard::providers {
namespace {

using nlohmann::json;
using providers::testing::integration_with;

const char* kEvent = R"({"id":"evt-push-1","organizationId":"org-1","environmentId":"env-1","channel":"push",
  "subscriber":{"subscriberId":"sub-1"},"payload":{"orderId":42},
  "content":{"title":"Order shipped","body":"It is on its way","data":{"deepLink":"app://o/42","count":2}}})";

DeliveryRequest push_request(const routing::Integration& integration, const std::string& provider_id) {
  DeliveryRequest request;
  request.event_json = std::make_shared<const std::string>(kEvent);
  request.event_id = "evt-push-1";
  request.channel = routing::Channel::kPush;
  request.target = provider_id + ":0";
  request.subscriber_channel_json =
      R"({"providerId":")" + provider_id + R"(","credentials":{"deviceTokens":["tok-a","tok-b"]}})";
  request.integration = &integration;
  return request;
}

class PushOverSockets : public ::testing::Test {
 protected:
  PushOverSockets() : client_(io_, options()) {}
  HttpClientOptions options() {
    HttpClientOptions o;
    o.ca_file = sink_.cert();
    return o;
  }

  integration::SinkProcess sink_;
  boost::asio::io_context io_;
  HttpClient client_;
};

TEST_F(PushOverSockets, FcmMintsOneTokenAndReusesIt) {
  const routing::Integration integration = integration_with(
      "fcm", routing::Channel::kPush,
      {{"serviceAccount", providers::testing::service_account_json(sink_.tls_url("/token"))}, {"baseUrl", sink_.tls_url()}});
  FcmProvider fcm(client_);
  const DeliveryRequest request = push_request(integration, "fcm");

  // Two deliveries at once share the one token fetch; a later one reuses the cached token.
  std::vector<std::optional<DeliveryOutcome>> outcomes(3);
  fcm.send(request, [&](DeliveryOutcome o) { outcomes[0].emplace(std::move(o)); });
  fcm.send(request, [&](DeliveryOutcome o) { outcomes[1].emplace(std::move(o)); });
  ASSERT_TRUE(integration::run_until(io_, [&] { return outcomes[0] && outcomes[1]; }));
  fcm.send(request, [&](DeliveryOutcome o) { outcomes[2].emplace(std::move(o)); });
  ASSERT_TRUE(integration::run_until(io_, [&] { return outcomes[2].has_value(); }));

  for (const auto& outcome : outcomes) {
    EXPECT_EQ(outcome->kind, OutcomeKind::kSent) << outcome->error;
    // One message name per device token: "projects/acme-app/messages/0:…,projects/…".
    const std::string& ids = outcome->provider_message_id;
    EXPECT_EQ(ids.rfind("projects/acme-app/messages/0:", 0), 0u) << ids;
    EXPECT_NE(ids.find(",projects/acme-app/messages/0:"), std::string::npos) << ids;
  }
  const json stats = integration::sink_stats(io_, client_, sink_.tls_url("/_sink/stats"));
  EXPECT_EQ(stats["by_endpoint"].value("google-token", 0), 1) << stats.dump();
  EXPECT_EQ(stats["by_endpoint"].value("fcm", 0), 6) << stats.dump();
  EXPECT_EQ(stats["by_status"].value("400", 0), 0) << stats.dump();
}

TEST_F(PushOverSockets, ExpoOneSignalAndPushWebhookAreSentThroughTheSink) {
  struct Case {
    std::shared_ptr<const HttpAdapter> adapter;
    std::vector<std::pair<std::string, std::string>> credentials;
    std::string endpoint;  // the sink's by_endpoint key
  };
  const std::vector<Case> cases = {
      {std::make_shared<ExpoAdapter>(), {{"apiKey", "expo-access"}, {"baseUrl", sink_.tls_url()}}, "expo"},
      {std::make_shared<OneSignalAdapter>(),
       {{"apiKey", "os-rest-key"}, {"applicationId", "app-1"}, {"baseUrl", sink_.tls_url()}},
       "one-signal"},
      {std::make_shared<PushWebhookAdapter>(),
       {{"webhookUrl", sink_.tls_url("/webhook/push")}, {"secretKey", "whsec-1"}},
       "webhook"},
  };
  for (const Case& c : cases) {
    const std::string id(c.adapter->provider_id());
    SCOPED_TRACE(id);
    const routing::Integration integration = integration_with(id, routing::Channel::kPush, c.credentials);
    HttpAdapterProvider provider(client_, c.adapter);
    std::optional<DeliveryOutcome> outcome;
    provider.send(push_request(integration, id), [&outcome](DeliveryOutcome o) { outcome.emplace(std::move(o)); });
    ASSERT_TRUE(integration::run_until(io_, [&outcome] { return outcome.has_value(); }));
    EXPECT_EQ(outcome->kind, OutcomeKind::kSent) << outcome->error;
    EXPECT_FALSE(outcome->provider_message_id.empty());
  }
  const json stats = integration::sink_stats(io_, client_, sink_.tls_url("/_sink/stats"));
  for (const Case& c : cases) EXPECT_EQ(stats["by_endpoint"].value(c.endpoint, 0), 1) << c.endpoint << stats.dump();
  EXPECT_EQ(stats["by_status"].value("400", 0), 0) << stats.dump();
}

}  // namespace
}  // namespace switchboard::providers
