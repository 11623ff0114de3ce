// The pipeline with an in-memory outbox, dedup store and scripted providers: every message
// ends in status events and/or a dead letter, and `finished` comes only after every ack.

#include <deque>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "providers/null_provider.h"
#include "routing/integration_json.h"
#include "worker/pipeline/pipeline.h"

namespace switchboard::worker {
namespace {

using nlohmann::json;

class ManualScheduler final : public providers::Scheduler {
 public:
  std::chrono::steady_clock::time_point now() const override { return now_; }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    tasks_.emplace_back(now_ + delay, std::move(fn));
  }
  void drain() {
    while (!tasks_.empty()) {
      auto [at, fn] = std::move(tasks_.front());
      tasks_.pop_front();
      now_ = std::max(now_, at);
      fn();
    }
  }

 private:
  std::chrono::steady_clock::time_point now_{};
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::function<void()>>> tasks_;
};

struct Record {
  std::string topic, key, value;
  RecordHeaders headers;
};

// Acks are held until release(), so tests can check that `finished` waits for them.
class FakeOutbox final : public Outbox {
 public:
  void produce(const std::string& topic, const std::string& key, const std::string& value, const RecordHeaders& headers,
               std::function<void(bool, const std::string&)> acked) override {
    records.push_back({topic, key, value, headers});
    pending.push_back(std::move(acked));
  }
  void release(bool ok = true) {
    auto acks = std::move(pending);
    pending.clear();
    for (auto& ack : acks) ack(ok, ok ? "" : "broker down");
  }
  std::vector<json> statuses() const {
    std::vector<json> out;
    for (const auto& r : records) {
      if (r.topic == "status") out.push_back(json::parse(r.value));
    }
    return out;
  }
  std::vector<Record> records;
  std::vector<std::function<void(bool, const std::string&)>> pending;
};

class FakeDedup final : public DedupStore {
 public:
  void seen(const std::string& id, std::function<void(Result<bool>)> done) override {
    if (down) return done(Error{"unavailable", "redis down"});
    done(ids.count(id) > 0);
  }
  void record(const std::string& id, std::uint32_t, std::function<void(Result<bool>)> done) override {
    if (down) return done(Error{"unavailable", "redis down"});
    ids.insert(id);
    done(true);
  }
  std::set<std::string> ids;
  bool down = false;
};

class ScriptedProvider final : public providers::Provider {
 public:
  std::deque<providers::DeliveryOutcome> outcomes;
  void send(const providers::DeliveryRequest&, providers::DeliveryCallback done) override {
    auto o = outcomes.empty() ? providers::DeliveryOutcome::sent("ok") : outcomes.front();
    if (!outcomes.empty()) outcomes.pop_front();
    done(o);
  }
};

class Providers final : public providers::ProviderRegistry {
 public:
  providers::Provider* find(std::string_view id) const noexcept override {
    if (id == "mailgun") return const_cast<ScriptedProvider*>(&scripted);
    return const_cast<providers::NullProvider*>(&null);
  }
  providers::NullProvider null;
  ScriptedProvider scripted;
};

constexpr const char* kIntegrations = R"([
  {"_id": "i-sg", "_environmentId": "e", "_organizationId": "o", "name": "sg", "identifier": "sg",
   "providerId": "sendgrid", "channel": "email", "active": true, "deleted": false, "primary": true},
  {"_id": "i-mg", "_environmentId": "e", "_organizationId": "o", "name": "mg", "identifier": "mg",
   "providerId": "mailgun", "channel": "email", "active": true, "deleted": false, "primary": false, "priority": 5,
   "conditions": [{"value": "AND", "children": [{"on": "payload", "field": "via", "operator": "EQUAL", "value": "mg"}]}]},
  {"_id": "i-fcm", "_environmentId": "e", "_organizationId": "o", "name": "fcm", "identifier": "fcm",
   "providerId": "fcm", "channel": "push", "active": true, "deleted": false, "primary": false}
])";

std::string event(const std::string& id, const std::string& channel = "email", const std::string& extra = "") {
  return R"({"id":")" + id + R"(","organizationId":"o","environmentId":"e","channel":")" + channel +
         R"(","transactionId":"t1","subscriber":{"subscriberId":"s1","email":"a@b.c"})" + extra + "}";
}

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() {
    auto file = routing::parse_integrations_file(kIntegrations);
    EXPECT_TRUE(file.errors.empty());
    snapshot = routing::IntegrationSnapshot::build(std::move(file.integrations));
  }
  Pipeline& pipeline(bool with_dedup = false) {
    PipelineOptions options;
    options.status_topic = "status";
    options.dlq_topic = "dlq";
    options.max_event_bytes = 4096;
    pipeline_ = std::make_unique<Pipeline>(
        options, [this] { return snapshot; }, executor, scheduler, outbox, with_dedup ? &dedup : nullptr, registry,
        [] { return std::int64_t{1764000000000}; });
    return *pipeline_;
  }
  // Processes one message; returns whether `finished` ran after acks were released.
  bool process(const std::string& payload) {
    bool finished = false;
    pipeline_->process(InboundMessage{payload, "events/3/42", {{"trace", "t"}}, {}}, [&] { finished = true; });
    EXPECT_FALSE(finished && !outbox.pending.empty());
    scheduler.drain();
    outbox.release();
    scheduler.drain();
    return finished;
  }

  std::shared_ptr<const routing::IntegrationSnapshot> snapshot;
  ManualScheduler scheduler;
  Providers providers;
  providers::DeliveryExecutor executor{providers, scheduler, providers::RetryPolicy{}, 1};
  FakeOutbox outbox;
  FakeDedup dedup;
  metrics::Registry registry;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(PipelineTest, ValidEventIsSentWithOneStatus) {
  pipeline();
  ASSERT_TRUE(process(event("ev-1")));
  auto statuses = outbox.statuses();
  ASSERT_EQ(statuses.size(), 1u);
  const json& s = statuses[0];
  EXPECT_EQ(s["eventId"], "ev-1");
  EXPECT_EQ(s["transactionId"], "t1");
  EXPECT_EQ(s["target"], "default");
  EXPECT_EQ(s["status"], "sent");
  EXPECT_EQ(s["integrationIdentifier"], "sg");
  EXPECT_EQ(s["integrationId"], "i-sg");
  EXPECT_EQ(s["providerId"], "sendgrid");
  EXPECT_EQ(s["reason"], "primary");
  EXPECT_EQ(s["attempts"], 1);
  EXPECT_TRUE(s["error"].is_null());
  EXPECT_EQ(s["ts"], "2025-11-24T16:00:00.000Z");
  EXPECT_EQ(outbox.records[0].key, "ev-1");
  EXPECT_EQ(pipeline_->in_flight(), 0u);
}

TEST_F(PipelineTest, FinishedWaitsForTheBrokerAck) {
  pipeline();
  bool finished = false;
  pipeline_->process(InboundMessage{event("ev-2"), "events/0/1", {}, {}}, [&] { finished = true; });
  EXPECT_FALSE(finished);
  EXPECT_EQ(pipeline_->in_flight(), 1u);
  outbox.release();
  EXPECT_TRUE(finished);
}

TEST_F(PipelineTest, FailedProduceIsRetriedNeverDropped) {
  pipeline();
  bool finished = false;
  pipeline_->process(InboundMessage{event("ev-3"), "events/0/2", {}, {}}, [&] { finished = true; });
  outbox.release(false);
  EXPECT_FALSE(finished);
  scheduler.drain();  // the retry produces again
  ASSERT_EQ(outbox.statuses().size(), 2u);
  outbox.release(true);
  EXPECT_TRUE(finished);
}

TEST_F(PipelineTest, NotJsonGoesToTheDeadLetterTopicWithoutStatus) {
  pipeline();
  ASSERT_TRUE(process("{not json"));
  ASSERT_EQ(outbox.records.size(), 1u);
  const Record& r = outbox.records[0];
  EXPECT_EQ(r.topic, "dlq");
  EXPECT_EQ(r.value, "{not json");
  std::map<std::string, std::string> headers(r.headers.begin(), r.headers.end());
  EXPECT_EQ(headers["trace"], "t");
  EXPECT_EQ(headers["x-switchboard-source"], "events/3/42");
  EXPECT_EQ(headers["x-switchboard-error"].rfind("invalid_json: ", 0), 0u);
}

TEST_F(PipelineTest, InvalidEventWithReadableIdsAlsoGetsAnInvalidStatus) {
  pipeline();
  ASSERT_TRUE(process(R"({"id":"ev-4","organizationId":"o","environmentId":"e","channel":"email"})"));
  ASSERT_EQ(outbox.records.size(), 2u);
  auto statuses = outbox.statuses();
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0]["status"], "invalid");
  EXPECT_EQ(statuses[0]["reason"], "missing_field");
  EXPECT_NE(statuses[0]["error"].get<std::string>().find("subscriber"), std::string::npos);
}

TEST_F(PipelineTest, OversizedEventIsRejectedUnparsed) {
  pipeline();
  ASSERT_TRUE(process(event("ev-5", "email", R"(,"payload":{"blob":")" + std::string(5000, 'x') + R"("})")));
  ASSERT_EQ(outbox.records.size(), 1u);
  EXPECT_EQ(outbox.records[0].topic, "dlq");
  EXPECT_EQ(outbox.records[0].value.size(), 4096u);  // truncated to max_event_bytes
  std::map<std::string, std::string> headers(outbox.records[0].headers.begin(), outbox.records[0].headers.end());
  EXPECT_EQ(headers["x-switchboard-truncated"], "true");
  EXPECT_GT(std::stoul(headers["x-switchboard-original-bytes"]), 4096u);
  EXPECT_NE(registry.render().find("switchboard_events_invalid_total{reason=\"too_large\"} 1"), std::string::npos);
}

TEST_F(PipelineTest, NoIntegrationIsReported) {
  pipeline();
  ASSERT_TRUE(process(event("ev-6", "sms")));
  auto statuses = outbox.statuses();
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0]["status"], "no_integration");
  EXPECT_EQ(statuses[0]["reason"], "no_eligible_integration");
  EXPECT_TRUE(statuses[0]["integrationId"].is_null());
}

TEST_F(PipelineTest, FanOutGivesOneStatusPerTarget) {
  pipeline();
  const std::string extra = R"(,"overrides":{})";
  std::string e = R"({"id":"ev-7","organizationId":"o","environmentId":"e","channel":"push",
    "subscriber":{"subscriberId":"s","channels":[{"providerId":"fcm","credentials":{"deviceTokens":["a"]}},
    {"providerId":"expo"}]}})";
  ASSERT_TRUE(process(e));
  auto statuses = outbox.statuses();
  ASSERT_EQ(statuses.size(), 2u);
  std::map<std::string, std::string> by_target;
  for (const auto& s : statuses) by_target[s["target"]] = s["status"];
  EXPECT_EQ(by_target["fcm:0"], "sent");
  EXPECT_EQ(by_target["expo:1"], "no_integration");
}

TEST_F(PipelineTest, FailoverIsVisibleInTheStatus) {
  pipeline();
  providers.scripted.outcomes = {providers::DeliveryOutcome::failure(providers::OutcomeKind::kPermanent, "401", 401)};
  ASSERT_TRUE(process(event("ev-8", "email", R"(,"payload":{"via":"mg"})")));
  auto statuses = outbox.statuses();
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0]["status"], "sent");
  EXPECT_EQ(statuses[0]["integrationIdentifier"], "sg");
  EXPECT_EQ(statuses[0]["failedOver"], json::array({"mg"}));
  EXPECT_EQ(statuses[0]["reason"], "primary");
  EXPECT_EQ(statuses[0]["attempts"], 2);
}

TEST_F(PipelineTest, ExhaustedDeliveryReportsFailed) {
  pipeline();
  providers.scripted.outcomes = {providers::DeliveryOutcome::failure(providers::OutcomeKind::kRejected, "bad address")};
  ASSERT_TRUE(process(event("ev-9", "email", R"(,"payload":{"via":"mg"})")));
  auto statuses = outbox.statuses();
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0]["status"], "failed");
  EXPECT_EQ(statuses[0]["error"], "bad address");
}

TEST_F(PipelineTest, DuplicatesAreSkippedAfterCompletion) {
  pipeline(true);
  ASSERT_TRUE(process(event("ev-10")));
  EXPECT_EQ(dedup.ids.count("ev-10"), 1u);
  ASSERT_TRUE(process(event("ev-10")));
  auto statuses = outbox.statuses();
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(statuses[1]["status"], "duplicate");
}

TEST_F(PipelineTest, DedupOutageDoesNotBlockDelivery) {
  pipeline(true);
  dedup.down = true;
  ASSERT_TRUE(process(event("ev-11")));
  ASSERT_EQ(outbox.statuses().size(), 1u);
  EXPECT_EQ(outbox.statuses()[0]["status"], "sent");
  EXPECT_NE(registry.render().find("switchboard_dedup_errors_total 2"), std::string::npos);
}

}  // namespace
}  // namespace switchboard::worker
