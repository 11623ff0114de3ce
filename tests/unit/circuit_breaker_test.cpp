// The circuit breaker's state machine on a fake clock.

#include <gtest/gtest.h>

#include "providers/circuit_breaker.h"

namespace switchboard::providers {
namespace {

using std::chrono::milliseconds;
using TimePoint = CircuitBreaker::TimePoint;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreakerTest() {
    policy.failure_threshold = 3;
    policy.window = milliseconds(1000);
    policy.cooldown = milliseconds(5000);
  }
  // One call at the current time, ending with `kind`; whether it was let through.
  bool call(OutcomeKind kind) {
    const auto permit = breaker.admit(policy, now);
    if (permit.allowed) breaker.record(policy, permit, kind, now);
    return permit.allowed;
  }
  void fail_times(int n, milliseconds apart = milliseconds(10)) {
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(call(OutcomeKind::kRetryable));
      now += apart;
    }
  }

  BreakerPolicy policy;
  CircuitBreaker breaker;
  TimePoint now{std::chrono::hours(1)};
};

TEST_F(CircuitBreakerTest, OpensAfterThresholdConsecutiveFailuresWithinTheWindow) {
  fail_times(2);
  EXPECT_EQ(breaker.state(), CircuitState::kClosed);
  fail_times(1);
  EXPECT_EQ(breaker.state(), CircuitState::kOpen);
  EXPECT_FALSE(call(OutcomeKind::kSent));
}

TEST_F(CircuitBreakerTest, FailuresOlderThanTheWindowDoNotCount) {
  fail_times(2, milliseconds(600));  // at 0 and 600 ms
  now += milliseconds(500);
  fail_times(2);  // at 1700 and 1710 ms: more than 1000 ms after both earlier ones
  EXPECT_EQ(breaker.state(), CircuitState::kClosed);
  fail_times(1);  // 1700, 1710, 1720
  EXPECT_EQ(breaker.state(), CircuitState::kOpen);
}

TEST_F(CircuitBreakerTest, SentResetsTheStreakAndPermanentOrRejectedNeitherCountNorReset) {
  fail_times(2);
  EXPECT_TRUE(call(OutcomeKind::kSent));
  fail_times(2);
  EXPECT_EQ(breaker.state(), CircuitState::kClosed);
  EXPECT_TRUE(call(OutcomeKind::kPermanent));
  EXPECT_TRUE(call(OutcomeKind::kRejected));
  EXPECT_EQ(breaker.state(), CircuitState::kClosed);
  fail_times(1);  // the streak survived the permanent and rejected outcomes
  EXPECT_EQ(breaker.state(), CircuitState::kOpen);
}

TEST_F(CircuitBreakerTest, HalfOpenAfterTheCooldownLetsOneProbeThroughAndSuccessCloses) {
  fail_times(3);               // at 0, 10 and 20 ms; the clock is at 30 ms
  now += milliseconds(4980);  // opened at 20 ms: 10 ms of cool-down left
  EXPECT_FALSE(breaker.admit(policy, now).allowed);
  now += milliseconds(10);
  const auto probe = breaker.admit(policy, now);
  ASSERT_TRUE(probe.allowed);
  EXPECT_EQ(breaker.state(), CircuitState::kHalfOpen);
  EXPECT_FALSE(breaker.admit(policy, now).allowed) << "only one probe at a time";
  breaker.record(policy, probe, OutcomeKind::kSent, now);
  EXPECT_EQ(breaker.state(), CircuitState::kClosed);
  EXPECT_TRUE(breaker.idle());
  EXPECT_TRUE(call(OutcomeKind::kSent));
}

TEST_F(CircuitBreakerTest, FailedProbeReopensForAnotherCooldown) {
  fail_times(3);
  now += milliseconds(5000);
  const auto probe = breaker.admit(policy, now);
  ASSERT_TRUE(probe.allowed);
  breaker.record(policy, probe, OutcomeKind::kRetryable, now);
  EXPECT_EQ(breaker.state(), CircuitState::kOpen);
  now += milliseconds(4999);
  EXPECT_FALSE(breaker.admit(policy, now).allowed);
  now += milliseconds(1);
  EXPECT_TRUE(breaker.admit(policy, now).allowed);
  EXPECT_EQ(breaker.state(), CircuitState::kHalfOpen);
}

TEST_F(CircuitBreakerTest, ProbeWithoutAVerdictFreesTheSlot) {
  fail_times(3);
  now += milliseconds(5000);
  auto probe = breaker.admit(policy, now);
  breaker.record(policy, probe, OutcomeKind::kPermanent, now);
  EXPECT_EQ(breaker.state(), CircuitState::kHalfOpen);
  probe = breaker.admit(policy, now);
  ASSERT_TRUE(probe.allowed);
  breaker.release(probe);  // e.g. throttled before reaching the provider
  EXPECT_TRUE(breaker.admit(policy, now).allowed);
}

TEST_F(CircuitBreakerTest, OutcomesAdmittedBeforeAStateChangeAreIgnored) {
  const auto slow = breaker.admit(policy, now);  // still in flight when the breaker opens
  fail_times(3);
  now += milliseconds(5000);
  const auto probe = breaker.admit(policy, now);
  breaker.record(policy, slow, OutcomeKind::kSent, now);
  EXPECT_EQ(breaker.state(), CircuitState::kHalfOpen) << "only the probe decides";
  breaker.record(policy, probe, OutcomeKind::kRetryable, now);
  EXPECT_EQ(breaker.state(), CircuitState::kOpen);
}

TEST(CircuitBreakers, KeepOneBreakerPerIntegrationAndReportChanges) {
  BreakerPolicy policy;
  policy.failure_threshold = 1;
  policy.cooldown = milliseconds(100);
  CircuitBreakers breakers(policy);
  TimePoint now{std::chrono::hours(1)};
  auto a = breakers.admit("a", now);
  EXPECT_FALSE(a.changed);
  EXPECT_EQ(breakers.record("a", a.permit, OutcomeKind::kRetryable, now), CircuitState::kOpen);
  EXPECT_EQ(breakers.state("a"), CircuitState::kOpen);
  EXPECT_EQ(breakers.state("b"), CircuitState::kClosed);
  EXPECT_TRUE(breakers.admit("b", now).permit.allowed);
  EXPECT_FALSE(breakers.admit("a", now).permit.allowed);
  now += milliseconds(100);
  a = breakers.admit("a", now);
  EXPECT_TRUE(a.permit.allowed);
  EXPECT_EQ(a.changed, CircuitState::kHalfOpen);
  EXPECT_EQ(breakers.record("a", a.permit, OutcomeKind::kSent, now), CircuitState::kClosed);
  EXPECT_EQ(breakers.record("b", a.permit, OutcomeKind::kSent, now), std::nullopt);
}

TEST(CircuitBreakers, IdleBreakersAreDroppedButOpenOnesStay) {
  BreakerPolicy policy;
  policy.failure_threshold = 1;
  CircuitBreakers breakers(policy);
  const TimePoint now{std::chrono::hours(1)};
  const auto open = breakers.admit("open", now);
  breakers.record("open", open.permit, OutcomeKind::kRetryable, now);
  for (int i = 0; i < 3000; ++i) breakers.admit("i" + std::to_string(i), now);
  EXPECT_LE(breakers.size(), 1024u);
  EXPECT_EQ(breakers.state("open"), CircuitState::kOpen);
}

}  // namespace
}  // namespace switchboard::providers
