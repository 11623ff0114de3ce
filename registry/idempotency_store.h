#pragma once
// Records of Idempotency-Key requests (POST/PUT/DELETE on the API), scoped per API key.
// Same asynchronous conventions as IntegrationStore.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "routing/result.h"

namespace switchboard::registry {

struct IdempotencyRecord {
  std::string request_hash;  // SHA-256 hex of method + path + body
  bool in_flight = true;     // the first request has not answered yet
  int status = 0;            // the stored answer, once not in flight
  std::string body;
};

class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;

  // Atomically claims `key` for `request_hash` (marks it in flight for at most
  // `in_flight_ttl_s`). Returns nullopt when claimed; else the existing record.
  virtual void claim(const std::string& scoped_key, const std::string& request_hash, std::uint32_t in_flight_ttl_s,
                     std::function<void(Result<std::optional<IdempotencyRecord>>)> done) = 0;
  // Stores the answer for `ttl_s` (24 h by default).
  virtual void complete(const std::string& scoped_key, const IdempotencyRecord& record, std::uint32_t ttl_s,
                        std::function<void(Result<bool>)> done) = 0;
  // Drops a claim whose request failed before answering (e.g. the store was down).
  virtual void release(const std::string& scoped_key, std::function<void(Result<bool>)> done) = 0;
};

}  // namespace switchboard::registry
