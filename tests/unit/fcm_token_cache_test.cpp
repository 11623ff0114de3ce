// The FCM token cache: one fetch per account, waiters, expiry with the 60 s margin,
// failures not cached, invalidation after a 401.
#include <gtest/gtest.h>

#include "providers/adapters/push_fcm_token_cache.h"

namespace switchboard::providers {
namespace {

using Clock = FcmTokenCache::Clock;
using std::chrono::seconds;

const Clock::time_point kT0{seconds(1000)};

struct Recorder {
  std::vector<std::string> got;
  FcmTokenCache::Waiter waiter() {
    return [this](const FcmTokenCache::TokenResult& r) {
      got.push_back(std::holds_alternative<std::string>(r) ? std::get<std::string>(r)
                                                           : "failed: " + std::get<DeliveryOutcome>(r).error);
    };
  }
};

TEST(FcmTokenCache, OneFetchServesEveryWaiterAndIsReused) {
  FcmTokenCache cache;
  Recorder a, b;
  auto wa = a.waiter();
  auto wb = b.waiter();
  const auto first = cache.acquire("acct", kT0, wa);
  EXPECT_FALSE(first.token);
  EXPECT_TRUE(first.fetch);
  const auto second = cache.acquire("acct", kT0, wb);
  EXPECT_FALSE(second.token);
  EXPECT_FALSE(second.fetch);  // queued behind the running fetch

  auto [waiters, result] = cache.complete("acct", FcmAccessToken{"tok-1", seconds(3599)}, kT0);
  ASSERT_EQ(waiters.size(), 2u);
  for (auto& w : waiters) w(result);
  EXPECT_EQ(a.got, std::vector<std::string>{"tok-1"});
  EXPECT_EQ(b.got, std::vector<std::string>{"tok-1"});

  FcmTokenCache::Waiter unused = a.waiter();
  const auto hit = cache.acquire("acct", kT0 + seconds(3538), unused);
  EXPECT_EQ(hit.token.value_or(""), "tok-1");
  EXPECT_TRUE(unused);  // not taken on a hit
}

TEST(FcmTokenCache, RefreshesSixtySecondsBeforeExpiry) {
  FcmTokenCache cache;
  Recorder r;
  auto w = r.waiter();
  cache.acquire("acct", kT0, w);
  cache.complete("acct", FcmAccessToken{"tok-1", seconds(3599)}, kT0);
  auto late = r.waiter();
  const auto acquired = cache.acquire("acct", kT0 + seconds(3539), late);
  EXPECT_FALSE(acquired.token);
  EXPECT_TRUE(acquired.fetch);
}

TEST(FcmTokenCache, FailuresReachTheWaitersAndAreNotCached) {
  FcmTokenCache cache;
  Recorder r;
  auto w = r.waiter();
  cache.acquire("acct", kT0, w);
  auto [waiters, result] =
      cache.complete("acct", DeliveryOutcome::failure(OutcomeKind::kRetryable, "token endpoint 503"), kT0);
  for (auto& waiter : waiters) waiter(result);
  EXPECT_EQ(r.got, std::vector<std::string>{"failed: token endpoint 503"});
  auto again = r.waiter();
  EXPECT_TRUE(cache.acquire("acct", kT0, again).fetch);
}

TEST(FcmTokenCache, InvalidateDropsOnlyTheRefusedToken) {
  FcmTokenCache cache;
  Recorder r;
  auto w = r.waiter();
  cache.acquire("acct", kT0, w);
  cache.complete("acct", FcmAccessToken{"tok-2", seconds(3600)}, kT0);
  cache.invalidate("acct", "tok-1");  // an older token: the current one stays
  auto probe = r.waiter();
  EXPECT_EQ(cache.acquire("acct", kT0, probe).token.value_or(""), "tok-2");
  cache.invalidate("acct", "tok-2");
  EXPECT_TRUE(cache.acquire("acct", kT0, probe).fetch);
}

TEST(FcmTokenCache, AccountsAreIndependent) {
  FcmTokenCache cache;
  Recorder r;
  auto w1 = r.waiter();
  auto w2 = r.waiter();
  EXPECT_TRUE(cache.acquire("a", kT0, w1).fetch);
  EXPECT_TRUE(cache.acquire("b", kT0, w2).fetch);
}

}  // namespace
}  // namespace switchboard::providers
