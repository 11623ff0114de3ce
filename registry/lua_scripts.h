#pragma once
// The Lua scripts of RedisStore and RedisIdempotencyStore, and how they are run.
//
// Every script returns an array whose first element is a status: "ok", "not_found",
// "conflict" or "corrupt", then status-specific values (see each script's comment in
// lua_scripts.cpp). Integration scripts take no KEYS: they build key names from the
// prefix and the escaped ids they are given (ARGV), and from the location record of an
// _id, which only a script can read atomically with the rest (standalone Redis only).

#include <string>
#include <string_view>
#include <vector>

#include "registry/redis_connection.h"

namespace switchboard::registry {

struct LuaScript {
  std::string_view name;
  std::string source;
  std::string sha1;  // lowercase hex, what SCRIPT LOAD returns
};

namespace lua {
// ARGV: prefix, org, env (escaped), id, identifier, document, flags JSON.
// -> {"ok", flags JSON, version} | {"conflict", "id"|"identifier"}
const LuaScript& create_integration();
// ARGV: prefix, org, env (escaped), id, identifier, document, flags JSON (active, bucket, identifier used).
// -> {"ok", flags JSON, version} | {"not_found", "missing"|"environment"|"deleted"} | {"conflict", "identifier"}
const LuaScript& update_integration();
// ARGV: prefix, org (escaped), id.
// -> {"ok", flags JSON, version, document, location} | {"not_found", ...}
const LuaScript& set_primary();
// ARGV: prefix, org (escaped), id, deletedBy, deletedAt.
// -> {"ok", flags JSON, version, document, location} | {"not_found", ...}
const LuaScript& remove_integration();
// ARGV: prefix, org (escaped), id.  -> {"ok", document, flags JSON, location} | {"not_found", "missing"}
const LuaScript& get_integration();
// ARGV: prefix, org, env (escaped).  -> {"ok", id1, document1, flags1, id2, ...} in creation order
const LuaScript& list_integrations();
// KEYS: record. ARGV: new record, ttl seconds.  -> 1 when claimed, else the existing record
const LuaScript& idempotency_claim();
// KEYS: record. ARGV: record, request hash, ttl seconds.  -> 1 stored, 0 not ours or gone
const LuaScript& idempotency_complete();
// KEYS: record.  -> 1 dropped, 0 absent or already completed
const LuaScript& idempotency_release();
}  // namespace lua

// Lowercase hex SHA-1 (OpenSSL EVP).
std::string sha1_hex(std::string_view data);

// EVALSHA; when Redis answers NOSCRIPT (a restarted server, SCRIPT FLUSH), EVAL with the
// source, which also caches it again. `done` gets what RedisConnection::command gives.
void eval_script(RedisConnection& connection, const LuaScript& script, const std::vector<std::string>& keys,
                 const std::vector<std::string>& args, RedisCallback done);

}  // namespace switchboard::registry
