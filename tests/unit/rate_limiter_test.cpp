// Token buckets per integration on a fake clock.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_scheduler.h"
#include "providers/rate_limiter.h"

namespace switchboard::providers {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using Verdict = RateLimiter::Verdict;

class RateLimiterTest : public ::testing::Test {
 protected:
  // Acquires for `key`; a queued send appends `name` to `ran` when it goes.
  RateLimiter::Admission acquire(const std::string& name, routing::RateLimit limit, const std::string& key = "i-1") {
    return limiter.acquire(key, limit, [this, name] { ran.push_back(name); });
  }

  testing::FakeScheduler scheduler;
  RateLimiter limiter{scheduler, milliseconds(1000)};
  std::vector<std::string> ran;
};

TEST_F(RateLimiterTest, BurstGoesAtOnceThenOneTokenPerInterval) {
  const routing::RateLimit limit{10, 2};
  EXPECT_EQ(acquire("a", limit).verdict, Verdict::kNow);
  EXPECT_EQ(acquire("b", limit).verdict, Verdict::kNow);
  const auto c = acquire("c", limit);
  EXPECT_EQ(c.verdict, Verdict::kQueued);
  EXPECT_EQ(c.wait, milliseconds(100));
  EXPECT_EQ(acquire("d", limit).wait, milliseconds(200));
  EXPECT_TRUE(ran.empty());
  scheduler.advance(milliseconds(99));
  EXPECT_TRUE(ran.empty());
  scheduler.advance(milliseconds(1));
  EXPECT_EQ(ran, (std::vector<std::string>{"c"}));
  scheduler.advance(milliseconds(100));
  EXPECT_EQ(ran, (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(scheduler.pending(), 0u);
}

TEST_F(RateLimiterTest, TokensRefillUpToTheBurstOnly) {
  const routing::RateLimit limit{4, 3};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(acquire("x", limit).verdict, Verdict::kNow);
  scheduler.advance(milliseconds(250));  // one token back
  EXPECT_EQ(acquire("x", limit).verdict, Verdict::kNow);
  EXPECT_EQ(acquire("y", limit).wait, milliseconds(250));
  scheduler.drain();
  scheduler.advance(std::chrono::hours(1));  // far more than the burst's worth
  for (int i = 0; i < 3; ++i) EXPECT_EQ(acquire("x", limit).verdict, Verdict::kNow);
  EXPECT_EQ(acquire("z", limit).verdict, Verdict::kQueued);
}

TEST_F(RateLimiterTest, WaitBeyondMaxIsRejectedAndReservesNothing) {
  const routing::RateLimit limit{2, 1};  // a token every 500 ms; max wait 1000 ms
  EXPECT_EQ(acquire("a", limit).verdict, Verdict::kNow);
  EXPECT_EQ(acquire("b", limit).wait, milliseconds(500));
  EXPECT_EQ(acquire("c", limit).wait, milliseconds(1000));
  const auto d = acquire("d", limit);
  EXPECT_EQ(d.verdict, Verdict::kRejected);
  EXPECT_EQ(d.wait, milliseconds(1500));
  EXPECT_EQ(acquire("e", limit).verdict, Verdict::kRejected);
  scheduler.advance(milliseconds(500));
  EXPECT_EQ(acquire("f", limit).wait, milliseconds(1000)) << "the refused ones took no token";
  scheduler.drain();
  EXPECT_EQ(ran, (std::vector<std::string>{"b", "c", "f"}));
}

TEST_F(RateLimiterTest, QueuedSendsGoInOrderOfArrival) {
  const routing::RateLimit slow{1, 1};
  acquire("first", slow);
  acquire("second", slow);  // due in 1 s
  // The integration's limit is raised: a later send must still not overtake "second".
  const auto third = acquire("third", routing::RateLimit{1000, 1});
  EXPECT_EQ(third.verdict, Verdict::kQueued);
  EXPECT_GE(third.wait, milliseconds(1000));
  scheduler.drain();
  EXPECT_EQ(ran, (std::vector<std::string>{"second", "third"}));
}

TEST_F(RateLimiterTest, NewParametersAreAdoptedAndOwedTokensRepriced) {
  EXPECT_EQ(acquire("a", routing::RateLimit{10, 1}).verdict, Verdict::kNow);  // one token owed for 100 ms
  // Slower now: the owed token takes a whole second to come back.
  EXPECT_EQ(acquire("b", routing::RateLimit{1, 1}).wait, milliseconds(1000));
  scheduler.drain();
  // Faster with a bigger burst: the next ones go at once.
  scheduler.advance(milliseconds(1000));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(acquire("c", routing::RateLimit{100, 5}).verdict, Verdict::kNow);
  EXPECT_EQ(acquire("d", routing::RateLimit{100, 5}).wait, milliseconds(10));
}

TEST_F(RateLimiterTest, IntegrationsHaveTheirOwnBuckets) {
  const routing::RateLimit limit{1, 1};
  EXPECT_EQ(acquire("a", limit, "i-1").verdict, Verdict::kNow);
  EXPECT_EQ(acquire("b", limit, "i-2").verdict, Verdict::kNow);
  EXPECT_EQ(acquire("c", limit, "i-1").verdict, Verdict::kQueued);
}

TEST_F(RateLimiterTest, TimersRoundUpToWholeMillisecondsButNeverRunEarly) {
  const routing::RateLimit limit{3, 1};  // a token every 333.333333 ms
  acquire("a", limit);
  const auto b = acquire("b", limit);
  EXPECT_EQ(b.wait, nanoseconds(333'333'333));
  ASSERT_EQ(scheduler.delays.size(), 1u);
  EXPECT_EQ(scheduler.delays[0], milliseconds(334));
  scheduler.advance(milliseconds(333));
  EXPECT_TRUE(ran.empty());
  scheduler.advance(milliseconds(1));
  EXPECT_EQ(ran, (std::vector<std::string>{"b"}));
}

TEST_F(RateLimiterTest, ASendThatGoesMayAcquireAgain) {
  const routing::RateLimit limit{10, 1};
  acquire("a", limit);
  limiter.acquire("i-1", limit, [&] {
    ran.push_back("b");
    acquire("c", limit);  // e.g. a retry right away
  });
  scheduler.drain();
  EXPECT_EQ(ran, (std::vector<std::string>{"b", "c"}));
}

TEST_F(RateLimiterTest, IdleBucketsAreDropped) {
  const routing::RateLimit limit{1000, 1};
  for (int i = 0; i < 3000; ++i) {
    acquire("x", limit, "i-" + std::to_string(i));
    scheduler.advance(milliseconds(1));
  }
  EXPECT_LE(limiter.size(), 1024u);
}

}  // namespace
}  // namespace switchboard::providers
