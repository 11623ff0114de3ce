// Retries, failover, circuit breakers and rate limits with a fake clock and scripted
// providers.

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_scheduler.h"
#include "providers/delivery_executor.h"

namespace switchboard::providers {
namespace {

// Answers each send with the next scripted outcome for its provider id.
class ScriptedProviders final : public ProviderRegistry, public Provider {
 public:
  explicit ScriptedProviders(const Scheduler& clock) : clock_(clock) {}
  std::map<std::string, std::deque<DeliveryOutcome>> script;
  std::vector<std::string> calls;
  std::vector<std::chrono::steady_clock::time_point> call_times;

  Provider* find(std::string_view id) const noexcept override {
    return script.count(std::string(id)) ? const_cast<ScriptedProviders*>(this) : nullptr;
  }
  void send(const DeliveryRequest& request, DeliveryCallback done) override {
    calls.push_back(request.integration->identifier + "#" + std::to_string(request.attempt));
    call_times.push_back(clock_.now());
    auto& queue = script[request.integration->provider_id];
    DeliveryOutcome outcome = queue.empty() ? DeliveryOutcome::sent("default") : queue.front();
    if (!queue.empty()) queue.pop_front();
    done(outcome);
  }

 private:
  const Scheduler& clock_;
};

class RecordingObserver final : public DeliveryObserver {
 public:
  std::vector<std::string> events;
  void circuit_changed(std::string_view id, CircuitState state) override {
    events.push_back(std::string(id) + " " + std::string(circuit_state_name(state)));
  }
  void rate_limited(std::string_view id) override { events.push_back(std::string(id) + " waited"); }
  void rate_limit_rejected(std::string_view id) override { events.push_back(std::string(id) + " refused"); }
};

routing::Integration integration(const std::string& identifier, const std::string& provider) {
  routing::Integration i;
  i.id = "id-" + identifier;
  i.identifier = identifier;
  i.provider_id = provider;
  return i;
}

DeliveryOutcome retryable(std::optional<std::chrono::milliseconds> retry_after = std::nullopt) {
  auto o = DeliveryOutcome::failure(OutcomeKind::kRetryable, "503", 503);
  o.retry_after = retry_after;
  return o;
}

class DeliveryExecutorTest : public ::testing::Test {
 protected:
  DeliveryResult run(std::vector<const routing::Integration*> chain, RetryPolicy policy = {}) {
    DeliveryExecutor executor(providers, scheduler, policy, 42);
    std::optional<DeliveryResult> result;
    DeliveryRequest request;
    request.event_id = "e1";
    executor.execute(request, std::move(chain), [&](DeliveryResult r) { result = std::move(r); });
    scheduler.drain();
    EXPECT_TRUE(result.has_value());
    return result.value_or(DeliveryResult{});
  }
  // One executor for several deliveries, so that breakers and buckets carry over.
  void use(DeliveryPolicy policy) {
    executor_ = std::make_unique<DeliveryExecutor>(providers, scheduler, std::move(policy), &observer, 42);
  }
  // Starts a delivery on that executor; its result is there once the clock has run.
  std::shared_ptr<std::optional<DeliveryResult>> start(std::vector<const routing::Integration*> chain) {
    auto result = std::make_shared<std::optional<DeliveryResult>>();
    DeliveryRequest request;
    request.event_id = "e1";
    executor_->execute(request, std::move(chain), [result](DeliveryResult r) { *result = std::move(r); });
    return result;
  }
  DeliveryResult deliver(std::vector<const routing::Integration*> chain) {
    auto result = start(std::move(chain));
    scheduler.drain();
    EXPECT_TRUE(result->has_value());
    return result->value_or(DeliveryResult{});
  }

  testing::FakeScheduler scheduler;
  ScriptedProviders providers{scheduler};
  routing::Integration sg = integration("sg", "sendgrid");
  routing::Integration mg = integration("mg", "mailgun");
  routing::Integration pm = integration("pm", "postmark");
  RecordingObserver observer;
  std::unique_ptr<DeliveryExecutor> executor_;
};

TEST_F(DeliveryExecutorTest, SentOnFirstAttempt) {
  providers.script["sendgrid"] = {DeliveryOutcome::sent("m-1")};
  auto r = run({&sg, &mg});
  EXPECT_TRUE(r.sent);
  EXPECT_EQ(r.provider_message_id, "m-1");
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_TRUE(r.failed_over.empty());
  EXPECT_EQ(r.integration, &sg);
}

TEST_F(DeliveryExecutorTest, RetryableIsRetriedThenFailsOver) {
  providers.script["sendgrid"] = {retryable(), retryable(), retryable()};
  providers.script["mailgun"] = {DeliveryOutcome::sent("m-2")};
  auto r = run({&sg, &mg});
  EXPECT_TRUE(r.sent);
  EXPECT_EQ(r.attempts, 4u);
  EXPECT_EQ(r.failed_over, (std::vector<std::string>{"sg"}));
  EXPECT_EQ(providers.calls, (std::vector<std::string>{"sg#1", "sg#2", "sg#3", "mg#1"}));
  ASSERT_EQ(scheduler.delays.size(), 2u);
  // Full jitter: within [0, base * 2^(n-1)].
  EXPECT_LE(scheduler.delays[0].count(), 100);
  EXPECT_LE(scheduler.delays[1].count(), 200);
}

TEST_F(DeliveryExecutorTest, PermanentFailsOverWithoutRetry) {
  providers.script["sendgrid"] = {DeliveryOutcome::failure(OutcomeKind::kPermanent, "401", 401)};
  providers.script["mailgun"] = {DeliveryOutcome::sent("m")};
  auto r = run({&sg, &mg});
  EXPECT_TRUE(r.sent);
  EXPECT_EQ(providers.calls, (std::vector<std::string>{"sg#1", "mg#1"}));
  EXPECT_TRUE(scheduler.delays.empty());
}

TEST_F(DeliveryExecutorTest, RejectedStopsTheChain) {
  providers.script["sendgrid"] = {DeliveryOutcome::failure(OutcomeKind::kRejected, "no email address")};
  auto r = run({&sg, &mg});
  EXPECT_FALSE(r.sent);
  EXPECT_EQ(r.last_kind, OutcomeKind::kRejected);
  EXPECT_EQ(r.error, "no email address");
  EXPECT_EQ(providers.calls, (std::vector<std::string>{"sg#1"}));
}

TEST_F(DeliveryExecutorTest, ExhaustedChainReportsTheLastError) {
  providers.script["sendgrid"] = {DeliveryOutcome::failure(OutcomeKind::kPermanent, "401", 401)};
  providers.script["mailgun"] = {DeliveryOutcome::failure(OutcomeKind::kPermanent, "403", 403)};
  auto r = run({&sg, &mg});
  EXPECT_FALSE(r.sent);
  EXPECT_EQ(r.error, "403");
  EXPECT_EQ(r.failed_over, (std::vector<std::string>{"sg"}));
  EXPECT_EQ(r.integration, &mg);
  EXPECT_EQ(r.attempts, 2u);
}

TEST_F(DeliveryExecutorTest, RetryAfterIsHonoured) {
  providers.script["sendgrid"] = {retryable(std::chrono::milliseconds(1500)), DeliveryOutcome::sent("m")};
  auto r = run({&sg});
  EXPECT_TRUE(r.sent);
  ASSERT_EQ(scheduler.delays.size(), 1u);
  EXPECT_EQ(scheduler.delays[0], std::chrono::milliseconds(1500));
}

TEST_F(DeliveryExecutorTest, RetryAfterBeyondTheCeilingFailsOverAtOnce) {
  providers.script["sendgrid"] = {retryable(std::chrono::milliseconds(60000))};
  providers.script["mailgun"] = {DeliveryOutcome::sent("m")};
  auto r = run({&sg, &mg});
  EXPECT_TRUE(r.sent);
  EXPECT_TRUE(scheduler.delays.empty());
  EXPECT_EQ(r.failed_over, (std::vector<std::string>{"sg"}));
}

TEST_F(DeliveryExecutorTest, UnknownProviderIsPermanent) {
  routing::Integration odd = integration("odd", "carrier-pigeon");
  providers.script["mailgun"] = {DeliveryOutcome::sent("m")};
  auto r = run({&odd, &mg});
  EXPECT_TRUE(r.sent);
  EXPECT_EQ(r.failed_over, (std::vector<std::string>{"odd"}));
}

TEST_F(DeliveryExecutorTest, BudgetStopsRetries) {
  providers.script["sendgrid"] = {retryable(std::chrono::milliseconds(400)), retryable(std::chrono::milliseconds(400)),
                                  DeliveryOutcome::sent("m")};
  RetryPolicy policy;
  policy.budget = std::chrono::milliseconds(500);
  auto r = run({&sg}, policy);
  EXPECT_FALSE(r.sent);
  EXPECT_EQ(r.attempts, 2u);
}

TEST_F(DeliveryExecutorTest, BackoffGrowsAndIsCapped) {
  RetryPolicy policy;
  policy.base = std::chrono::milliseconds(100);
  policy.max = std::chrono::milliseconds(1000);
  DeliveryExecutor executor(providers, scheduler, policy, 7);
  std::int64_t max_seen_late = 0;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_LE(executor.backoff(1).count(), 100);
    max_seen_late = std::max<std::int64_t>(max_seen_late, executor.backoff(20).count());
  }
  EXPECT_LE(max_seen_late, 1000);
  EXPECT_GT(max_seen_late, 500);  // jitter spans the range, not a constant
}

DeliveryPolicy breaker_after(std::uint32_t failures) {
  DeliveryPolicy policy;
  policy.retry.max_attempts = failures;
  policy.breaker.failure_threshold = failures;
  policy.breaker.cooldown = std::chrono::milliseconds(30000);
  return policy;
}

TEST_F(DeliveryExecutorTest, OpenBreakerFailsOverAtOnceWithoutCallingTheProvider) {
  use(breaker_after(2));
  providers.script["sendgrid"] = {retryable(), retryable()};
  providers.script["mailgun"] = {};
  EXPECT_TRUE(deliver({&sg, &mg}).sent);
  EXPECT_EQ(observer.events, (std::vector<std::string>{"id-sg open"}));
  providers.calls.clear();
  scheduler.delays.clear();

  auto r = deliver({&sg, &mg});
  EXPECT_TRUE(r.sent);
  EXPECT_EQ(providers.calls, (std::vector<std::string>{"mg#1"}));
  EXPECT_EQ(r.failed_over, (std::vector<std::string>{"sg"}));
  EXPECT_EQ(r.attempts, 1u) << "the skipped integration is not an attempt";
  EXPECT_TRUE(scheduler.delays.empty()) << "no waiting for an open breaker";

  r = deliver({&sg});
  EXPECT_FALSE(r.sent);
  EXPECT_EQ(r.last_kind, OutcomeKind::kRetryable);
  EXPECT_EQ(r.error, "circuit open for integration \"sg\"");
  EXPECT_EQ(r.attempts, 0u);
  EXPECT_EQ(providers.calls.size(), 1u);
}

TEST_F(DeliveryExecutorTest, AfterTheCooldownOneProbeDecides) {
  use(breaker_after(1));
  providers.script["sendgrid"] = {retryable(), retryable()};
  providers.script["mailgun"] = {};
  deliver({&sg, &mg});
  scheduler.advance(std::chrono::milliseconds(30000));
  deliver({&sg, &mg});  // the probe fails: open again
  EXPECT_EQ(providers.calls, (std::vector<std::string>{"sg#1", "mg#1", "sg#1", "mg#1"}));
  scheduler.advance(std::chrono::milliseconds(29999));
  deliver({&sg, &mg});
  EXPECT_EQ(providers.calls.size(), 5u) << "still cooling down";
  scheduler.advance(std::chrono::milliseconds(1));
  EXPECT_TRUE(deliver({&sg, &mg}).sent);
  EXPECT_EQ(providers.calls.back(), "sg#1");
  EXPECT_EQ(observer.events, (std::vector<std::string>{"id-sg open", "id-sg half-open", "id-sg open",
                                                       "id-sg half-open", "id-sg closed"}));
}

TEST_F(DeliveryExecutorTest, ThrottledSendWaitsTheExactTokenTime) {
  sg.configurations = routing::Configurations{};
  sg.configurations->rate_limit = routing::RateLimit{4, 1};
  use({});
  providers.script["sendgrid"] = {};
  auto first = start({&sg});
  auto second = start({&sg});
  auto third = start({&sg});
  ASSERT_EQ(providers.call_times.size(), 1u);
  const auto t0 = providers.call_times[0];
  scheduler.drain();
  ASSERT_TRUE(second->has_value() && third->has_value());
  EXPECT_TRUE((*third)->sent);
  ASSERT_EQ(providers.call_times.size(), 3u);
  EXPECT_EQ(providers.call_times[1] - t0, std::chrono::milliseconds(250));
  EXPECT_EQ(providers.call_times[2] - t0, std::chrono::milliseconds(500));
  EXPECT_EQ(observer.events, (std::vector<std::string>{"id-sg waited", "id-sg waited"}));
}

TEST_F(DeliveryExecutorTest, FullRateLimitQueueIsRetryableThenFailsOver) {
  sg.configurations = routing::Configurations{};
  sg.configurations->rate_limit = routing::RateLimit{1, 1};
  DeliveryPolicy policy = breaker_after(2);
  policy.rate_limit.max_queue = std::chrono::milliseconds(500);
  use(policy);
  providers.script["sendgrid"] = {};
  providers.script["mailgun"] = {};
  EXPECT_TRUE(deliver({&sg, &mg}).sent);  // takes the token for the next second
  auto r = deliver({&sg, &mg});
  EXPECT_TRUE(r.sent);
  EXPECT_EQ(providers.calls, (std::vector<std::string>{"sg#1", "mg#1"}));
  EXPECT_EQ(r.failed_over, (std::vector<std::string>{"sg"}));
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(scheduler.delays.size(), 1u) << "one retry back-off, no token wait";
  // Throttling is not the provider failing: the breaker did not count it.
  EXPECT_EQ(observer.events, (std::vector<std::string>{"id-sg refused", "id-sg refused"}));

  r = deliver({&sg});
  EXPECT_FALSE(r.sent);
  EXPECT_EQ(r.last_kind, OutcomeKind::kRetryable);
  EXPECT_EQ(r.error.rfind("rate limited: integration \"sg\" queue full", 0), 0u) << r.error;
}

TEST_F(DeliveryExecutorTest, ConfiguredRateLimitBeatsTheProviderDefault) {
  routing::Integration own = integration("own", "sendgrid");
  own.configurations = routing::Configurations{};
  own.configurations->rate_limit = routing::RateLimit{10, 1};
  DeliveryPolicy policy;
  policy.rate_limit.provider_defaults["sendgrid"] = routing::RateLimit{1, 1};
  use(policy);
  providers.script["sendgrid"] = {};
  providers.script["mailgun"] = {};
  // Two sends each at the same moment: the second one shows the integration's limit.
  for (const routing::Integration* i : {&own, &own, &sg, &sg, &mg, &mg}) start({i});
  scheduler.drain();
  ASSERT_EQ(providers.call_times.size(), 6u);
  const auto t0 = providers.call_times[0];
  std::vector<std::string> order;
  std::vector<std::chrono::milliseconds> offsets;
  for (std::size_t i = 0; i < 6; ++i) {
    order.push_back(providers.calls[i]);
    offsets.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(providers.call_times[i] - t0));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"own#1", "sg#1", "mg#1", "mg#1", "own#1", "sg#1"}));
  EXPECT_EQ(offsets, (std::vector<std::chrono::milliseconds>{
                         std::chrono::milliseconds(0), std::chrono::milliseconds(0), std::chrono::milliseconds(0),
                         std::chrono::milliseconds(0), std::chrono::milliseconds(100),
                         std::chrono::milliseconds(1000)}));
}

}  // namespace
}  // namespace switchboard::providers
