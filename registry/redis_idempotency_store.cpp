#include "registry/redis_idempotency_store.h"

#include <algorithm>

#include "registry/integration_store.h"
#include "registry/lua_scripts.h"

namespace switchboard::registry {
namespace {

// EX 0 is an error in Redis; a zero TTL means "as short as possible".
std::string ttl_text(std::uint32_t seconds) { return std::to_string(std::max<std::uint32_t>(1, seconds)); }

std::optional<Error> reply_error(const Result<RedisReply>& result, const std::string& key) {
  if (!result.ok()) return result.error();
  if (result.value().is_error()) return Error{kUnavailable, "redis refused an idempotency script on " + key + ": " + result.value().text};
  return std::nullopt;
}

Result<bool> to_bool(const Result<RedisReply>& result, const std::string& key) {
  if (auto error = reply_error(result, key)) return *error;
  if (!result.value().is_integer()) return Error{kCorrupt, "redis key " + key + ": unexpected script answer"};
  return result.value().integer == 1;
}

}  // namespace

RedisIdempotencyStore::RedisIdempotencyStore(boost::asio::io_context& io, RedisOptions options, std::string key_prefix)
    : keys_(std::move(key_prefix)) {
  if (options.name.empty() || options.name == "redis") options.name = "idempotency";
  connection_ = std::make_unique<RedisConnection>(io, std::move(options));
  connection_->start();
}

RedisIdempotencyStore::~RedisIdempotencyStore() = default;

void RedisIdempotencyStore::claim(const std::string& scoped_key, const std::string& request_hash,
                                  std::uint32_t in_flight_ttl_s,
                                  std::function<void(Result<std::optional<IdempotencyRecord>>)> done) {
  const std::string key = keys_.idempotency(scoped_key);
  const IdempotencyRecord claim{request_hash, true, 0, {}};
  eval_script(*connection_, lua::idempotency_claim(), {key}, {encode_idempotency_record(claim), ttl_text(in_flight_ttl_s)},
              [key, done = std::move(done)](Result<RedisReply> result) {
                if (auto error = reply_error(result, key)) return done(*error);
                const RedisReply& reply = result.value();
                if (reply.is_integer() && reply.integer == 1) return done(std::optional<IdempotencyRecord>{});
                auto record = reply.is_string() ? decode_idempotency_record(reply.text) : std::nullopt;
                if (!record) return done(Error{kCorrupt, "redis key " + key + ": idempotency record does not parse"});
                done(std::optional<IdempotencyRecord>(std::move(*record)));
              });
}

void RedisIdempotencyStore::complete(const std::string& scoped_key, const IdempotencyRecord& record,
                                     std::uint32_t ttl_s, std::function<void(Result<bool>)> done) {
  const std::string key = keys_.idempotency(scoped_key);
  IdempotencyRecord stored = record;
  stored.in_flight = false;
  eval_script(*connection_, lua::idempotency_complete(), {key},
              {encode_idempotency_record(stored), record.request_hash, ttl_text(ttl_s)},
              [key, done = std::move(done)](Result<RedisReply> result) { done(to_bool(result, key)); });
}

void RedisIdempotencyStore::release(const std::string& scoped_key, std::function<void(Result<bool>)> done) {
  const std::string key = keys_.idempotency(scoped_key);
  eval_script(*connection_, lua::idempotency_release(), {key}, {},
              [key, done = std::move(done)](Result<RedisReply> result) { done(to_bool(result, key)); });
}

}  // namespace switchboard::registry
