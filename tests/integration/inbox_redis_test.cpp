// The in-app inbox against a real Redis (scripts/with_redis.sh): delivery through the
// in_app provider, read back through the management API's handler (ApiKey auth, the
// environment from the key), paging, isolation between environments, and the failures
// (Redis down, a key that is not a stream).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "registry/redis_reply.h"
#include "tests/integration/registry_test_support.h"
#include "tests/unit/api_fakes.h"
#include "worker/api/inbox_api.h"
#include "worker/api/integrations_api.h"
#include "worker/inbox/inbox_provider.h"
#include "worker/inbox/inbox_stream.h"

namespace switchboard::worker {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using providers::DeliveryOutcome;
using providers::OutcomeKind;
using registry::testing::TestLoop;

registry::RedisOptions test_redis(std::string name) {
  registry::RedisOptions options;
  options.endpoint = registry::testing::redis_endpoint();
  options.name = std::move(name);
  options.command_timeout = 2000ms;
  return options;
}

routing::Integration inbox_integration() {
  routing::Integration integration;
  integration.id = "int-inbox";
  integration.identifier = "novu-inbox";
  integration.provider_id = "novu";
  integration.channel = routing::Channel::kInApp;
  integration.organization_id = "org-1";
  integration.environment_id = "env-1";
  integration.active = true;
  return integration;
}

std::string event_json(const std::string& id, const std::string& subscriber, const std::string& env = "env-1") {
  return json{{"id", id},
              {"organizationId", "org-1"},
              {"environmentId", env},
              {"channel", "in_app"},
              {"transactionId", "txn-" + id},
              {"subscriber", {{"subscriberId", subscriber}}},
              {"content", {{"subject", "Subject " + id}, {"body", "Body " + id}, {"data", {{"url", "/x/" + id}}}}}}
      .dump();
}

class InboxRedis : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(registry::testing::redis_available()); }

  DeliveryOutcome deliver(providers::Provider& provider, const std::string& event) {
    providers::DeliveryRequest request;
    request.event_json = std::make_shared<const std::string>(event);
    request.event_id = json::parse(event).value("id", "");
    request.channel = routing::Channel::kInApp;
    request.target = "default";
    request.integration = &integration_;
    std::optional<DeliveryOutcome> out;
    provider.send(request, [&](DeliveryOutcome outcome) { out = std::move(outcome); });
    loop_.run_until([&] { return out.has_value(); }, 5s);
    return out.value_or(DeliveryOutcome::failure(OutcomeKind::kPermanent, "no callback"));
  }

  // GET through the whole management API handler, as `switchboard api` serves it.
  http::HttpResponse get(api::IntegrationsApi& api, const std::string& target, const std::string& key = "key-env-1") {
    http::HttpRequest request;
    request.method = "GET";
    request.target = target;
    request.headers.push_back({"authorization", "ApiKey " + key});
    std::optional<http::HttpResponse> out;
    api.handle(std::move(request), [&](http::HttpResponse response) { out = std::move(response); });
    loop_.run_until([&] { return out.has_value(); }, 5s);
    return out.value_or(http::HttpResponse::json(599, "no answer"));
  }

  template <typename... Connections>
  void wait_up(const Connections&... connections) {
    ASSERT_TRUE(loop_.run_until([&] { return (connections.is_up() && ...); }, 5s)) << "redis not connected";
  }

  api::IntegrationsApiOptions api_options(api::InboxApi* inbox) {
    api::IntegrationsApiOptions options;
    options.keys = {{"key-env-1", "org-1", "env-1"}, {"key-env-2", "org-1", "env-2"}, {"key-org-2", "org-2", "env-1"}};
    if (inbox) options.inbox = inbox->handler();
    return options;
  }

  TestLoop loop_;
  routing::Integration integration_ = inbox_integration();
  std::string prefix_ = registry::testing::unique_prefix();
  api::testing::FakeIntegrationStore store_;
  api::testing::FakeIdempotencyStore idempotency_;
};

TEST_F(InboxRedis, DeliveredMessagesAreReadBackNewestFirstInPages) {
  InboxProvider provider(loop_.io(), test_redis("inbox"), prefix_);
  api::InboxApi inbox(loop_.io(), test_redis("inbox-api"), prefix_);
  api::IntegrationsApi api(store_, idempotency_, api_options(&inbox));
  wait_up(provider, inbox);

  std::vector<std::string> ids;
  for (const char* id : {"evt-1", "evt-2", "evt-3"}) {
    const DeliveryOutcome outcome = deliver(provider, event_json(id, "sub:1"));
    ASSERT_EQ(outcome.kind, OutcomeKind::kSent) << outcome.error;
    ASSERT_FALSE(outcome.provider_message_id.empty());
    ids.push_back(outcome.provider_message_id);
  }
  EXPECT_EQ(registry::testing::redis_cli("XLEN " + inbox_key(prefix_, "org-1", "env-1", "sub:1")), "3");

  // The subscriber id percent-encoded in the path, as clients send ':'.
  const auto first = get(api, "/v1/inbox/sub%3A1?limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  const json page = json::parse(first.body);
  ASSERT_EQ(page["data"].size(), 2u);
  EXPECT_EQ(page["data"][0]["id"], ids[2]);
  EXPECT_EQ(page["data"][1]["id"], ids[1]);
  EXPECT_EQ(page["next"], ids[1]);
  const json& newest = page["data"][0];
  EXPECT_EQ(newest["eventId"], "evt-3");
  EXPECT_EQ(newest["transactionId"], "txn-evt-3");
  EXPECT_EQ(newest["subject"], "Subject evt-3");
  EXPECT_EQ(newest["body"], "Body evt-3");
  EXPECT_EQ(newest["data"], json({{"url", "/x/evt-3"}}));
  EXPECT_EQ(newest["integration"], "novu-inbox");
  EXPECT_EQ(newest["createdAt"].get<std::string>().size(), std::string("2026-11-22T10:00:00.000Z").size());

  const auto second = get(api, "/v1/inbox/sub%3A1?limit=2&before=" + page["next"].get<std::string>());
  ASSERT_EQ(second.status, 200) << second.body;
  const json rest = json::parse(second.body);
  ASSERT_EQ(rest["data"].size(), 1u);
  EXPECT_EQ(rest["data"][0]["id"], ids[0]);
  EXPECT_TRUE(rest["next"].is_null());
}

TEST_F(InboxRedis, TenantsAndSubscribersDoNotSeeEachOthersInbox) {
  InboxProvider provider(loop_.io(), test_redis("inbox"), prefix_);
  api::InboxApi inbox(loop_.io(), test_redis("inbox-api"), prefix_);
  api::IntegrationsApi api(store_, idempotency_, api_options(&inbox));
  wait_up(provider, inbox);
  ASSERT_EQ(deliver(provider, event_json("evt-9", "sub-1")).kind, OutcomeKind::kSent);

  const auto other_env = get(api, "/v1/inbox/sub-1", "key-env-2");
  ASSERT_EQ(other_env.status, 200);
  EXPECT_EQ(json::parse(other_env.body), json::parse(R"({"data":[],"next":null})"));
  const auto other_org = get(api, "/v1/inbox/sub-1", "key-org-2");
  EXPECT_EQ(json::parse(other_org.body)["data"].size(), 0u);
  const auto other_subscriber = get(api, "/v1/inbox/sub-2");
  EXPECT_EQ(json::parse(other_subscriber.body)["data"].size(), 0u);
  EXPECT_EQ(json::parse(get(api, "/v1/inbox/sub-1").body)["data"].size(), 1u);
  EXPECT_EQ(get(api, "/v1/inbox/sub-1", "wrong-key").status, 401);
}

TEST_F(InboxRedis, BadQueriesAreRefused) {
  api::InboxApi inbox(loop_.io(), test_redis("inbox-api"), prefix_);
  api::IntegrationsApi api(store_, idempotency_, api_options(&inbox));
  wait_up(inbox);
  EXPECT_EQ(get(api, "/v1/inbox/sub-1?limit=0").status, 400);
  EXPECT_EQ(get(api, "/v1/inbox/sub-1?limit=101").status, 400);
  EXPECT_EQ(get(api, "/v1/inbox/sub-1?before=abc").status, 400);
  EXPECT_EQ(get(api, "/v1/inbox/sub-1?limit=100&before=1-0").status, 200);
}

TEST_F(InboxRedis, WithoutAnInboxTheRouteAnswers501) {
  api::IntegrationsApi api(store_, idempotency_, api_options(nullptr));
  const auto answer = get(api, "/v1/inbox/sub-1");
  EXPECT_EQ(answer.status, 501);
  EXPECT_NE(answer.body.find("redis"), std::string::npos);
}

TEST_F(InboxRedis, AKeyThatIsNotAStreamIsRetryableAndReadsAs500) {
  InboxProvider provider(loop_.io(), test_redis("inbox"), prefix_);
  api::InboxApi inbox(loop_.io(), test_redis("inbox-api"), prefix_);
  api::IntegrationsApi api(store_, idempotency_, api_options(&inbox));
  wait_up(provider, inbox);
  registry::testing::redis_cli("SET " + inbox_key(prefix_, "org-1", "env-1", "sub-1") + " x");
  const DeliveryOutcome outcome = deliver(provider, event_json("evt-1", "sub-1"));
  EXPECT_EQ(outcome.kind, OutcomeKind::kRetryable);
  EXPECT_NE(outcome.error.find("WRONGTYPE"), std::string::npos) << outcome.error;
  EXPECT_EQ(get(api, "/v1/inbox/sub-1").status, 500);
}

TEST_F(InboxRedis, RedisDownIsRetryableAndReadsAs503) {
  registry::RedisOptions nowhere = test_redis("inbox");
  nowhere.endpoint.port = 1;  // nothing listens there
  InboxProvider provider(loop_.io(), nowhere, prefix_);
  api::InboxApi inbox(loop_.io(), nowhere, prefix_);
  api::IntegrationsApi api(store_, idempotency_, api_options(&inbox));
  EXPECT_FALSE(provider.is_up());
  const DeliveryOutcome outcome = deliver(provider, event_json("evt-1", "sub-1"));
  EXPECT_EQ(outcome.kind, OutcomeKind::kRetryable) << outcome.error;
  EXPECT_EQ(get(api, "/v1/inbox/sub-1").status, 503);
}

TEST_F(InboxRedis, TheStreamIsCapped) {
  InboxProvider provider(loop_.io(), test_redis("inbox"), prefix_);
  wait_up(provider);
  const std::string key = inbox_key(prefix_, "org-1", "env-1", "sub-cap");
  // Fill past the cap quickly with redis-cli, then one delivery trims.
  registry::testing::redis_cli("EVAL \"for i=1,1300 do redis.call('XADD', KEYS[1], '*', 'eventId', i) end\" 1 " + key);
  ASSERT_EQ(deliver(provider, event_json("evt-last", "sub-cap")).kind, OutcomeKind::kSent);
  const int length = std::stoi(registry::testing::redis_cli("XLEN " + key));
  EXPECT_LT(length, 1301);
  EXPECT_GE(length, static_cast<int>(kInboxMaxLen));
}

}  // namespace
}  // namespace switchboard::worker
