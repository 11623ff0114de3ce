#include "registry/redis_reply.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>

#include <hiredis/hiredis.h>

#include "registry/integration_store.h"
#include "registry/redis_reply_hiredis.h"

namespace switchboard::registry {
namespace {

struct ReaderDeleter {
  void operator()(redisReader* reader) const noexcept { redisReaderFree(reader); }
};
struct ReplyDeleter {
  void operator()(void* reply) const noexcept { freeReplyObject(reply); }
};

constexpr const char* kBadRedisUrl = "bad_redis_url";

Error bad_url(std::string_view shown, const std::string& what) {
  return Error{kBadRedisUrl, "registry.redis_url " + std::string(shown) + ": " + what +
                                 " (expected redis://[[user]:password@]host[:port][/db])"};
}

template <typename Int>
bool parse_int(std::string_view text, Int& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

RedisReply convert_reply(const redisReply& reply) {
  RedisReply out;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = reply.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i) {
        out.elements.push_back(reply.element[i] != nullptr ? convert_reply(*reply.element[i]) : RedisReply{});
      }
      break;
    default:  // REDIS_REPLY_NIL and anything a newer server could send
      out.type = RedisReply::Type::kNil;
      break;
  }
  return out;
}

std::string_view reply_type_name(RedisReply::Type type) noexcept {
  switch (type) {
    case RedisReply::Type::kNil:
      return "nil";
    case RedisReply::Type::kString:
      return "string";
    case RedisReply::Type::kInteger:
      return "integer";
    case RedisReply::Type::kArray:
      return "array";
    case RedisReply::Type::kStatus:
      return "status";
    case RedisReply::Type::kError:
      return "error";
  }
  return "unknown";
}

Result<RedisReply> parse_resp(std::string_view bytes) {
  std::unique_ptr<redisReader, ReaderDeleter> reader(redisReaderCreate());
  if (!reader) return Error{kCorrupt, "could not create a RESP reader"};
  if (redisReaderFeed(reader.get(), bytes.data(), bytes.size()) != REDIS_OK) {
    return Error{kCorrupt, "RESP reader refused the input"};
  }
  void* raw = nullptr;
  if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK) {
    return Error{kCorrupt, std::string("not valid RESP: ") + reader->errstr};
  }
  std::unique_ptr<void, ReplyDeleter> reply(raw);
  if (!reply) return Error{kCorrupt, "incomplete RESP reply"};
  return convert_reply(*static_cast<const redisReply*>(reply.get()));
}

Result<RedisEndpoint> parse_redis_url(std::string_view url) {
  RedisEndpoint endpoint;
  std::string_view rest = url;
  std::string shown(url);
  if (rest.starts_with("redis://")) {
    rest.remove_prefix(8);
  } else if (rest.find("://") != std::string_view::npos) {
    return bad_url(shown.substr(0, shown.find("://") + 3) + "...", "only the redis:// scheme is supported (no TLS)");
  }
  // userinfo: everything up to the last '@' (a password may contain '@').
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    shown = "redis://***@" + std::string(rest);
    if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      endpoint.username = std::string(userinfo.substr(0, colon));
      endpoint.password = std::string(userinfo.substr(colon + 1));
    } else {
      endpoint.password = std::string(userinfo);
    }
  }
  std::string_view hostport = rest;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && (!parse_int(db, endpoint.db) || endpoint.db < 0)) {
      return bad_url(shown, "the database must be a non-negative integer");
    }
  }
  std::string_view host = hostport;
  if (hostport.starts_with('[')) {  // [::1]:6379
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return bad_url(shown, "unclosed [ in the host");
    host = hostport.substr(1, close - 1);
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':') || !parse_int(after.substr(1), endpoint.port) || endpoint.port == 0) {
        return bad_url(shown, "the port must be an integer from 1 to 65535");
      }
    }
  } else if (const auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    if (!parse_int(hostport.substr(colon + 1), endpoint.port) || endpoint.port == 0) {
      return bad_url(shown, "the port must be an integer from 1 to 65535");
    }
  }
  if (host.empty()) return bad_url(shown, "the host is missing");
  endpoint.host = std::string(host);
  return endpoint;
}

std::string redact_redis_url(const RedisEndpoint& endpoint) {
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  std::string out = "redis://";
  if (!endpoint.password.empty() || !endpoint.username.empty()) out += "***@";
  out += v6 ? "[" + endpoint.host + "]" : endpoint.host;
  out += ":" + std::to_string(endpoint.port) + "/" + std::to_string(endpoint.db);
  return out;
}

std::chrono::milliseconds backoff_delay(unsigned attempt, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, double unit_random) noexcept {
  const auto initial_ms = std::max<std::int64_t>(1, initial.count());
  const auto max_ms = std::max<std::int64_t>(initial_ms, max.count());
  std::int64_t delay = initial_ms;
  // Doubling stops at the cap (and long before the shift could overflow).
  for (unsigned i = 0; i < attempt && delay < max_ms; ++i) delay *= 2;
  delay = std::min(delay, max_ms);
  const double unit = std::clamp(unit_random, 0.0, 1.0);
  const auto half = delay / 2;
  return std::chrono::milliseconds(half + static_cast<std::int64_t>(std::floor(unit * static_cast<double>(delay - half))));
}

}  // namespace switchboard::registry
