#include "registry/memory_idempotency_store.h"

#include <algorithm>

#include "registry/redis_connection.h"  // post_to

namespace switchboard::registry {
namespace {

std::chrono::seconds ttl(std::uint32_t seconds) { return std::chrono::seconds(std::max<std::uint32_t>(1, seconds)); }

}  // namespace

MemoryIdempotencyStore::MemoryIdempotencyStore(boost::asio::io_context& io, Clock clock)
    : io_(io), clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {}

MemoryIdempotencyStore::~MemoryIdempotencyStore() = default;

template <typename T>
void MemoryIdempotencyStore::finish(std::function<void(Result<T>)> done, Result<T> result) {
  post_to(io_, [alive = std::weak_ptr<bool>(alive_), done = std::move(done), result = std::move(result)]() mutable {
    if (alive.lock()) done(std::move(result));
  });
}

MemoryIdempotencyStore::Entry* MemoryIdempotencyStore::find(const std::string& key) {
  const auto it = records_.find(key);
  if (it == records_.end()) return nullptr;
  if (it->second.expires <= clock_()) {
    records_.erase(it);
    return nullptr;
  }
  return &it->second;
}

void MemoryIdempotencyStore::tick() {
  if (++operations_ % 1024 != 0) return;
  const auto now = clock_();
  std::erase_if(records_, [now](const auto& item) { return item.second.expires <= now; });
}

void MemoryIdempotencyStore::claim(const std::string& scoped_key, const std::string& request_hash,
                                   std::uint32_t in_flight_ttl_s,
                                   std::function<void(Result<std::optional<IdempotencyRecord>>)> done) {
  tick();
  if (const Entry* entry = find(scoped_key)) {
    finish<std::optional<IdempotencyRecord>>(std::move(done), std::optional<IdempotencyRecord>(entry->record));
    return;
  }
  records_[scoped_key] = Entry{IdempotencyRecord{request_hash, true, 0, {}}, clock_() + ttl(in_flight_ttl_s)};
  finish<std::optional<IdempotencyRecord>>(std::move(done), std::optional<IdempotencyRecord>{});
}

void MemoryIdempotencyStore::complete(const std::string& scoped_key, const IdempotencyRecord& record,
                                      std::uint32_t ttl_s, std::function<void(Result<bool>)> done) {
  tick();
  Entry* entry = find(scoped_key);
  if (entry == nullptr || entry->record.request_hash != record.request_hash) {
    finish<bool>(std::move(done), false);
    return;
  }
  entry->record = record;
  entry->record.in_flight = false;
  entry->expires = clock_() + ttl(ttl_s);
  finish<bool>(std::move(done), true);
}

void MemoryIdempotencyStore::release(const std::string& scoped_key, std::function<void(Result<bool>)> done) {
  tick();
  const Entry* entry = find(scoped_key);
  if (entry == nullptr || !entry->record.in_flight) {
    finish<bool>(std::move(done), false);
    return;
  }
  records_.erase(scoped_key);
  finish<bool>(std::move(done), true);
}

}  // namespace switchboard::registry
