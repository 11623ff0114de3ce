// Retries and failover with a fake clock and scripted providers.

#include <deque>
#include <map>

#include <gtest/gtest.h>

#include "providers/delivery_executor.h"

namespace switchboard::providers {
namespace {

class FakeScheduler final : public Scheduler {
 public:
  std::chrono::steady_clock::time_point now() const override { return now_; }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    delays.push_back(delay);
    pending_.emplace_back(now_ + delay, std::move(fn));
  }
  // Runs everything scheduled, advancing the clock to each task's time.
  void drain() {
    while (!pending_.empty()) {
      auto [at, fn] = std::move(pending_.front());
      pending_.pop_front();
      now_ = std::max(now_, at);
      fn();
    }
  }
  std::vector<std::chrono::milliseconds> delays;

 private:
  std::chrono::steady_clock::time_point now_{};
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::function<void()>>> pending_;
};

// Answers each send with the next scripted outcome for its provider id.
class ScriptedProviders final : public ProviderRegistry, public Provider {
 public:
  std::map<std::string, std::deque<DeliveryOutcome>> script;
  std::vector<std::string> calls;

  Provider* find(std::string_view id) const noexcept override {
    return script.count(std::string(id)) ? const_cast<ScriptedProviders*>(this) : nullptr;
  }
  void send(const DeliveryRequest& request, DeliveryCallback done) override {
    calls.push_back(request.integration->identifier + "#" + std::to_string(request.attempt));
    auto& queue = script[request.integration->provider_id];
    DeliveryOutcome outcome = queue.empty() ? DeliveryOutcome::sent("default") : queue.front();
    if (!queue.empty()) queue.pop_front();
    done(outcome);
  }
};

routing::Integration integration(const std::string& identifier, const std::string& provider) {
  routing::Integration i;
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
  FakeScheduler scheduler;
  ScriptedProviders providers;
  routing::Integration sg = integration("sg", "sendgrid");
  routing::Integration mg = integration("mg", "mailgun");
  routing::Integration pm = integration("pm", "postmark");
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

}  // namespace
}  // namespace switchboard::providers
