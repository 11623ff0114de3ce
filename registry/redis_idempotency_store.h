#pragma once
// IdempotencyStore on Redis: one string key per scoped Idempotency-Key
// ({prefix}idem:{scoped_key}, see registry/README.md). claim is SET NX EX (with the
// existing record read in the same script), complete and release are small scripts that
// act only on the claim they belong to.
//
// Conventions of IdempotencyStore (callbacks posted on the io_context thread, not
// thread-safe); errors kUnavailable / kTimeout as RedisStore's, kCorrupt for a record that
// does not parse (names the key).

#include <memory>
#include <string>

#include "registry/idempotency_store.h"
#include "registry/redis_connection.h"
#include "registry/redis_layout.h"

namespace switchboard::registry {

class RedisIdempotencyStore final : public IdempotencyStore {
 public:
  // Uses its own connection, started at once.
  RedisIdempotencyStore(boost::asio::io_context& io, RedisOptions options, std::string key_prefix);
  ~RedisIdempotencyStore() override;

  void claim(const std::string& scoped_key, const std::string& request_hash, std::uint32_t in_flight_ttl_s,
             std::function<void(Result<std::optional<IdempotencyRecord>>)> done) override;
  // Stores the answer only when the key is still claimed for record.request_hash: true
  // when stored, false when the claim expired or belongs to another request.
  void complete(const std::string& scoped_key, const IdempotencyRecord& record, std::uint32_t ttl_s,
                std::function<void(Result<bool>)> done) override;
  // Drops an in-flight claim (true); a completed record stays (false).
  void release(const std::string& scoped_key, std::function<void(Result<bool>)> done) override;

  bool connected() const noexcept { return connection_->is_up(); }
  void on_state_change(RedisStateHandler handler) { connection_->on_state_change(std::move(handler)); }

 private:
  RedisKeys keys_;
  std::unique_ptr<RedisConnection> connection_;
};

}  // namespace switchboard::registry
