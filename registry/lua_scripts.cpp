#include "registry/lua_scripts.h"

#include <array>
#include <memory>

#include <openssl/evp.h>

namespace switchboard::registry {
namespace {

// Shared by the integration scripts. Records (see redis_layout.h): the location of an _id
// is "org\tenv" (escaped parts); flags are small cjson objects. Documents are never
// decoded here: cjson would re-encode them lossily (an empty array becomes {}).
constexpr std::string_view kPrelude = R"lua(
local prefix = ARGV[1]

local function env_base(loc)
  local tab = string.find(loc, '\t', 1, true)
  return prefix .. 'env:' .. string.sub(loc, 1, tab - 1) .. ':' .. string.sub(loc, tab + 1)
end

-- Only email and sms delivery integrations become primary by themselves.
local function eligible(bucket)
  return bucket == 'email' or bucket == 'sms'
end

-- Whether another integration of the bucket is an active, non-deleted primary.
local function has_primary(flags_key, bucket, except_id)
  local all = redis.call('HGETALL', flags_key)
  for i = 1, #all, 2 do
    if all[i] ~= except_id then
      local f = cjson.decode(all[i + 1])
      if f.primary and f.active and not f.deleted and f.bucket == bucket then
        return true
      end
    end
  end
  return false
end

-- Every write: the environment's version, and the invalidation in the same step.
local function bump(loc)
  local version = redis.call('HINCRBY', prefix .. 'versions', loc, 1)
  redis.call('PUBLISH', prefix .. 'invalidate', loc .. '\t' .. version)
  return version
end

-- The location of an integration of the organization, or nil and why not.
local function locate(org, id)
  local loc = redis.call('GET', prefix .. 'id:' .. id)
  if not loc then return nil, 'missing' end
  local tab = string.find(loc, '\t', 1, true)
  if not tab or string.sub(loc, 1, tab - 1) ~= org then return nil, 'missing' end
  return loc
end

local function load_flags(base, id)
  local text = redis.call('HGET', base .. ':flags', id)
  if not text then return nil end
  return cjson.decode(text)
end
)lua";

constexpr std::string_view kCreate = R"lua(
local org, env, id, identifier, doc, flags_json = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local id_key = prefix .. 'id:' .. id
if redis.call('EXISTS', id_key) == 1 then return {'conflict', 'id'} end
local identifiers = prefix .. 'org:' .. org .. ':identifiers'
if redis.call('HEXISTS', identifiers, identifier) == 1 then return {'conflict', 'identifier'} end
local loc = org .. '\t' .. env
local base = env_base(loc)
local f = cjson.decode(flags_json)
if f.deleted then f.active = false end
f.primary = (f.active and not f.deleted and eligible(f.bucket)
             and not has_primary(base .. ':flags', f.bucket, id)) and true or false
f.identifier = identifier
local flags = cjson.encode(f)
redis.call('HSET', identifiers, identifier, id)
redis.call('SET', id_key, loc)
redis.call('HSET', base, id, doc)
redis.call('HSET', base .. ':flags', id, flags)
redis.call('RPUSH', base .. ':order', id)
return {'ok', flags, bump(loc)}
)lua";

constexpr std::string_view kUpdate = R"lua(
local org, env, id, identifier, doc, flags_json = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local loc, why = locate(org, id)
if not loc then return {'not_found', why} end
if loc ~= org .. '\t' .. env then return {'not_found', 'environment'} end
local base = env_base(loc)
local old = load_flags(base, id)
if not old then return {'corrupt', base .. ':flags'} end
if old.deleted then return {'not_found', 'deleted'} end
local identifiers = prefix .. 'org:' .. org .. ':identifiers'
if identifier ~= old.identifier then
  local owner = redis.call('HGET', identifiers, identifier)
  if owner and owner ~= id then return {'conflict', 'identifier'} end
end
local new = cjson.decode(flags_json)
local same_bucket = new.bucket == old.bucket
-- Primary survives only while active in the same bucket; entering a bucket (activation
-- or a channel/kind change) claims it when nobody holds it.
local primary = (old.primary and new.active and same_bucket) and true or false
local entering = new.active and ((not old.active) or (not same_bucket))
if not primary and entering and eligible(new.bucket) and not has_primary(base .. ':flags', new.bucket, id) then
  primary = true
end
if identifier ~= old.identifier then
  if redis.call('HGET', identifiers, old.identifier) == id then
    redis.call('HDEL', identifiers, old.identifier)
  end
  redis.call('HSET', identifiers, identifier, id)
end
old.active = new.active and true or false
old.primary = primary
old.bucket = new.bucket
old.identifier = identifier
local flags = cjson.encode(old)
redis.call('HSET', base, id, doc)
redis.call('HSET', base .. ':flags', id, flags)
return {'ok', flags, bump(loc)}
)lua";

constexpr std::string_view kSetPrimary = R"lua(
local org, id = ARGV[2], ARGV[3]
local loc, why = locate(org, id)
if not loc then return {'not_found', why} end
local base = env_base(loc)
local target = load_flags(base, id)
if not target then return {'corrupt', base .. ':flags'} end
if target.deleted then return {'not_found', 'deleted'} end
local all = redis.call('HGETALL', base .. ':flags')
for i = 1, #all, 2 do
  if all[i] ~= id then
    local f = cjson.decode(all[i + 1])
    if f.primary and f.bucket == target.bucket then
      f.primary = false
      redis.call('HSET', base .. ':flags', all[i], cjson.encode(f))
    end
  end
end
target.active = true
target.primary = true
local flags = cjson.encode(target)
redis.call('HSET', base .. ':flags', id, flags)
local version = bump(loc)
return {'ok', flags, version, redis.call('HGET', base, id), loc}
)lua";

constexpr std::string_view kRemove = R"lua(
local org, id, deleted_by, deleted_at = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local loc, why = locate(org, id)
if not loc then return {'not_found', why} end
local base = env_base(loc)
local target = load_flags(base, id)
if not target then return {'corrupt', base .. ':flags'} end
if target.deleted then return {'not_found', 'deleted'} end
-- The identifier stays taken, as in an integrations file.
target.deleted = true
target.active = false
target.primary = false
target.deletedAt = deleted_at
target.deletedBy = deleted_by
local flags = cjson.encode(target)
redis.call('HSET', base .. ':flags', id, flags)
local version = bump(loc)
return {'ok', flags, version, redis.call('HGET', base, id), loc}
)lua";

constexpr std::string_view kGet = R"lua(
local org, id = ARGV[2], ARGV[3]
local loc, why = locate(org, id)
if not loc then return {'not_found', why} end
local base = env_base(loc)
return {'ok', redis.call('HGET', base, id), redis.call('HGET', base .. ':flags', id), loc}
)lua";

// HMGET in chunks: unpack() of a very long list would overflow Lua's C stack.
constexpr std::string_view kList = R"lua(
local org, env = ARGV[2], ARGV[3]
local base = prefix .. 'env:' .. org .. ':' .. env
local ids = redis.call('LRANGE', base .. ':order', 0, -1)
local out = {'ok'}
local chunk = 500
for first = 1, #ids, chunk do
  local part = {}
  for i = first, math.min(first + chunk - 1, #ids) do part[#part + 1] = ids[i] end
  local docs = redis.call('HMGET', base, unpack(part))
  local flags = redis.call('HMGET', base .. ':flags', unpack(part))
  for i = 1, #part do
    out[#out + 1] = part[i]
    out[#out + 1] = docs[i]
    out[#out + 1] = flags[i]
  end
end
return out
)lua";

constexpr std::string_view kClaim = R"lua(
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 1 end
return redis.call('GET', KEYS[1])
)lua";

// Only the request that claimed the key (same request hash) stores its answer.
constexpr std::string_view kComplete = R"lua(
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local hash = ARGV[2]
if string.sub(current, 1, #hash + 1) ~= hash .. '\t' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
)lua";

// A stored answer is kept; only an in-flight claim is dropped.
constexpr std::string_view kRelease = R"lua(
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local tab = string.find(current, '\t', 1, true)
if tab and string.sub(current, tab + 1, tab + 1) == '1' then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
)lua";

struct DigestCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

LuaScript make(std::string_view name, std::string_view body, bool with_prelude) {
  LuaScript script{name, std::string(with_prelude ? kPrelude : std::string_view{}) + std::string(body), {}};
  script.sha1 = sha1_hex(script.source);
  return script;
}

}  // namespace

std::string sha1_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  std::unique_ptr<EVP_MD_CTX, DigestCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1) {
    // No SHA-1 means a broken OpenSSL; EVAL (below) still works without a digest.
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

namespace lua {
const LuaScript& create_integration() {
  static const LuaScript script = make("create_integration", kCreate, true);
  return script;
}
const LuaScript& update_integration() {
  static const LuaScript script = make("update_integration", kUpdate, true);
  return script;
}
const LuaScript& set_primary() {
  static const LuaScript script = make("set_primary", kSetPrimary, true);
  return script;
}
const LuaScript& remove_integration() {
  static const LuaScript script = make("remove_integration", kRemove, true);
  return script;
}
const LuaScript& get_integration() {
  static const LuaScript script = make("get_integration", kGet, true);
  return script;
}
const LuaScript& list_integrations() {
  static const LuaScript script = make("list_integrations", kList, true);
  return script;
}
const LuaScript& idempotency_claim() {
  static const LuaScript script = make("idempotency_claim", kClaim, false);
  return script;
}
const LuaScript& idempotency_complete() {
  static const LuaScript script = make("idempotency_complete", kComplete, false);
  return script;
}
const LuaScript& idempotency_release() {
  static const LuaScript script = make("idempotency_release", kRelease, false);
  return script;
}
}  // namespace lua

void eval_script(RedisConnection& connection, const LuaScript& script, const std::vector<std::string>& keys,
                 const std::vector<std::string>& args, RedisCallback done) {
  auto build = [](const char* command, const std::string& body, const std::vector<std::string>& keys,
                  const std::vector<std::string>& args) {
    std::vector<std::string> argv{command, body, std::to_string(keys.size())};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  };
  if (script.sha1.empty()) {
    connection.command(build("EVAL", script.source, keys, args), std::move(done));
    return;
  }
  // Scripts are static, and the connection outlives its callbacks (they are dropped with it).
  connection.command(build("EVALSHA", script.sha1, keys, args),
                     [&connection, &script, build, keys, args, done = std::move(done)](Result<RedisReply> result) mutable {
                       if (result.ok() && result.value().is_error() && result.value().text.starts_with("NOSCRIPT")) {
                         connection.command(build("EVAL", script.source, keys, args), std::move(done));
                         return;
                       }
                       done(std::move(result));
                     });
}

}  // namespace switchboard::registry
