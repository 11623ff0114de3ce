#pragma once
// The Redis key layout of RedisStore and RedisIdempotencyStore (documented with the
// reasons in registry/README.md). Pure: names, field and message encodings, the flags
// record. The Lua scripts of redis_store.cpp build the same names from the same escaped
// parts; tests pin both.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "registry/idempotency_store.h"
#include "routing/result.h"

namespace switchboard::registry {

// Ids inside key names and tab-separated values: '%' ':' TAB LF CR become %25 %3A %09 %0A
// %0D, so "org:a" + "b" and "org" + "a:b" never share a key. Ids without those characters
// (the usual case) appear as they are.
std::string escape_key_part(std::string_view part);
// nullopt on a bad escape.
std::optional<std::string> unescape_key_part(std::string_view part);

class RedisKeys {
 public:
  explicit RedisKeys(std::string prefix) : prefix_(std::move(prefix)) {}
  const std::string& prefix() const noexcept { return prefix_; }

  // Hash: integration _id -> stored document (wire JSON, credentials encrypted).
  std::string env_documents(std::string_view org, std::string_view env) const;
  // Hash: integration _id -> flags record (StoredFlags JSON), authoritative for the fields
  // the scripts change.
  std::string env_flags(std::string_view org, std::string_view env) const;
  // List: integration _ids in creation order.
  std::string env_order(std::string_view org, std::string_view env) const;
  // Hash: identifier -> integration _id (identifiers are unique per organization).
  std::string org_identifiers(std::string_view org) const;
  // String: "org\tenv" (escaped) of an integration _id.
  std::string id_location(std::string_view id) const;
  // Hash: "org\tenv" (escaped) -> version (HINCRBY on every write).
  std::string versions() const;
  // Pub/sub channel: messages "org\tenv\tversion" (escaped).
  std::string invalidation_channel() const;
  // String: an idempotency record.
  std::string idempotency(std::string_view scoped_key) const;

 private:
  std::string prefix_;
};

// "org\tenv" with both parts escaped: the field of the versions hash and the value of the
// id location key.
std::string environment_field(std::string_view org, std::string_view env);
std::optional<std::pair<std::string, std::string>> parse_environment_field(std::string_view field);

struct Invalidation {
  std::string organization_id;
  std::string environment_id;
  std::uint64_t version = 0;

  bool operator==(const Invalidation&) const = default;
};
std::string invalidation_message(std::string_view org, std::string_view env, std::uint64_t version);
std::optional<Invalidation> parse_invalidation_message(std::string_view message);

// The per-integration record the Lua scripts read and write (cjson handles a flat object
// of strings and booleans exactly). Merged over the stored document when reading.
struct StoredFlags {
  bool active = false;
  bool primary = false;
  bool deleted = false;
  std::optional<std::string> deleted_at;
  std::optional<std::string> deleted_by;
  std::string bucket;      // primary_bucket(): the (channel, kind) whose primaries it competes with
  std::string identifier;  // to release the identifier when it changes

  bool operator==(const StoredFlags&) const = default;
};

std::string flags_to_json(const StoredFlags& flags);
// Error code kCorrupt; `where` names the key and field.
Result<StoredFlags> flags_from_json(std::string_view text, std::string_view where);
// The fast path of flags_from_json, for records as the scripts (cjson) and flags_to_json
// write them: a compact flat object of strings, booleans and nulls, members in any order.
// nullopt for anything else (whitespace, numbers, duplicate members, a member missing or
// of the wrong type): flags_from_json then accepts it or names the problem. What it
// returns is what flags_from_json returns.
std::optional<StoredFlags> flags_from_json_fast(std::string_view text);

// An idempotency record as stored: "hash\tin_flight(0|1)\tstatus\tbody" (the body last,
// so it may contain anything). The scripts read the hash prefix and the in-flight digit.
std::string encode_idempotency_record(const IdempotencyRecord& record);
std::optional<IdempotencyRecord> decode_idempotency_record(std::string_view text);

}  // namespace switchboard::registry
