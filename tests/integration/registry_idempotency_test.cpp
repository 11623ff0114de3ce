// One suite, two idempotency stores (memory, Redis): same semantics.

#include <gtest/gtest.h>

#include "registry/memory_idempotency_store.h"
#include "registry/redis_idempotency_store.h"
#include "registry_test_support.h"

namespace switchboard::registry::testing {
namespace {

// The memory store's clock, moved by hand.
struct FakeClock {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
};

class MemoryBackend {
 public:
  static constexpr const char* kName = "memory";
  std::unique_ptr<IdempotencyStore> open(TestLoop& loop) {
    return std::make_unique<MemoryIdempotencyStore>(loop.io(), [this] { return clock_.now; });
  }
  void expire(TestLoop&, std::chrono::seconds by) { clock_.now += by; }

 private:
  FakeClock clock_;
};

class RedisBackend {
 public:
  static constexpr const char* kName = "redis";
  std::unique_ptr<IdempotencyStore> open(TestLoop& loop) {
    RedisOptions options;
    options.endpoint = redis_endpoint();
    auto store = std::make_unique<RedisIdempotencyStore>(loop.io(), options, unique_prefix());
    EXPECT_TRUE(loop.run_until([&] { return store->connected(); }, 5s));
    return store;
  }
  // Real time: TTLs are whole seconds in Redis.
  void expire(TestLoop& loop, std::chrono::seconds by) { loop.run_for(by + 200ms); }
};

template <typename Backend>
class IdempotencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (std::is_same_v<Backend, RedisBackend>) {
      ASSERT_TRUE(redis_available());
    }
    store_ = backend_.open(loop_);
  }

  Result<std::optional<IdempotencyRecord>> claim(const std::string& key, const std::string& hash,
                                                 std::uint32_t ttl = 60) {
    return loop_.await<std::optional<IdempotencyRecord>>(
        [&](auto done) { store_->claim(key, hash, ttl, done); });
  }
  Result<bool> complete(const std::string& key, const IdempotencyRecord& record, std::uint32_t ttl = 60) {
    return loop_.await<bool>([&](auto done) { store_->complete(key, record, ttl, done); });
  }
  Result<bool> release(const std::string& key) {
    return loop_.await<bool>([&](auto done) { store_->release(key, done); });
  }

  TestLoop loop_;
  Backend backend_;
  std::unique_ptr<IdempotencyStore> store_;
};

using Backends = ::testing::Types<MemoryBackend, RedisBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};
TYPED_TEST_SUITE(IdempotencyTest, Backends, BackendNames);

TYPED_TEST(IdempotencyTest, ClaimCompleteReplay) {
  const auto first = this->claim("k1", "hash-a");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first.value().has_value());

  const auto again = this->claim("k1", "hash-a");
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again.value().has_value());
  EXPECT_TRUE(again.value()->in_flight);
  EXPECT_EQ(again.value()->request_hash, "hash-a");

  const IdempotencyRecord answer{"hash-a", true, 201, "{\"_id\":\"x\",\"note\":\"tab\there\"}\n"};
  EXPECT_TRUE(this->complete("k1", answer).value());
  const auto replay = this->claim("k1", "hash-a");
  ASSERT_TRUE(replay.ok());
  ASSERT_TRUE(replay.value().has_value());
  EXPECT_FALSE(replay.value()->in_flight);
  EXPECT_EQ(replay.value()->status, 201);
  EXPECT_EQ(replay.value()->body, answer.body);

  // Another request body under the same key sees the record (the API answers 422).
  const auto other = this->claim("k1", "hash-b");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other.value().has_value());
  EXPECT_EQ(other.value()->request_hash, "hash-a");
}

TYPED_TEST(IdempotencyTest, CompleteOnlyForTheClaimingRequest) {
  ASSERT_FALSE(this->claim("k2", "hash-a").value().has_value());
  EXPECT_FALSE(this->complete("k2", {"hash-b", false, 200, "x"}).value());
  EXPECT_FALSE(this->complete("never-claimed", {"hash-a", false, 200, "x"}).value());
  EXPECT_TRUE(this->claim("k2", "hash-a").value()->in_flight);
}

TYPED_TEST(IdempotencyTest, ReleaseDropsOnlyInFlightClaims) {
  ASSERT_FALSE(this->claim("k3", "hash-a").value().has_value());
  EXPECT_TRUE(this->release("k3").value());
  EXPECT_FALSE(this->claim("k3", "hash-a").value().has_value());  // claimable again
  EXPECT_TRUE(this->complete("k3", {"hash-a", false, 204, ""}).value());
  EXPECT_FALSE(this->release("k3").value());  // a stored answer stays
  EXPECT_EQ(this->claim("k3", "hash-a").value()->status, 204);
  EXPECT_FALSE(this->release("absent").value());
}

TYPED_TEST(IdempotencyTest, InFlightClaimsExpire) {
  ASSERT_FALSE(this->claim("k4", "hash-a", 1).value().has_value());
  this->backend_.expire(this->loop_, std::chrono::seconds(1));
  EXPECT_FALSE(this->claim("k4", "hash-b", 1).value().has_value());  // expired: claimed anew
  EXPECT_FALSE(this->complete("k4", {"hash-a", false, 200, ""}).value());  // the old request lost it
}

}  // namespace
}  // namespace switchboard::registry::testing
