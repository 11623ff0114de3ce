#pragma once
// IdempotencyStore in process memory, for the file backend and tests: same semantics as
// RedisIdempotencyStore (claims expire after their in-flight TTL, answers after theirs;
// complete stores only for the claiming request; release drops only in-flight claims).
// Records are lost on restart and not shared between processes.
//
// Conventions of IdempotencyStore: callbacks posted on the io_context, never inline; not
// thread-safe. Expired records are removed lazily (on access, and a sweep every 1024
// operations), so memory is bounded by the keys of the last TTL.

#include <chrono>
#include <functional>
#include <map>
#include <memory>

#include "registry/idempotency_store.h"

namespace boost::asio {
class io_context;
}

namespace switchboard::registry {

class MemoryIdempotencyStore final : public IdempotencyStore {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `clock` defaults to steady_clock::now (tests inject their own).
  explicit MemoryIdempotencyStore(boost::asio::io_context& io, Clock clock = {});
  ~MemoryIdempotencyStore() override;

  void claim(const std::string& scoped_key, const std::string& request_hash, std::uint32_t in_flight_ttl_s,
             std::function<void(Result<std::optional<IdempotencyRecord>>)> done) override;
  void complete(const std::string& scoped_key, const IdempotencyRecord& record, std::uint32_t ttl_s,
                std::function<void(Result<bool>)> done) override;
  void release(const std::string& scoped_key, std::function<void(Result<bool>)> done) override;

  std::size_t size() const noexcept { return records_.size(); }

 private:
  struct Entry {
    IdempotencyRecord record;
    std::chrono::steady_clock::time_point expires;
  };

  // The live entry of `key`, erasing it when expired.
  Entry* find(const std::string& key);
  void tick();
  template <typename T>
  void finish(std::function<void(Result<T>)> done, Result<T> result);

  boost::asio::io_context& io_;
  Clock clock_;
  std::map<std::string, Entry> records_;
  std::uint32_t operations_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace switchboard::registry
