#pragma once
// An owned Redis reply (RESP2) and the connection settings, free of hiredis types.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "routing/result.h"

namespace switchboard::registry {

struct RedisReply {
  enum class Type : std::uint8_t { kNil, kString, kInteger, kArray, kStatus, kError };

  Type type = Type::kNil;
  std::string text;              // kString, kStatus, kError
  std::int64_t integer = 0;      // kInteger
  std::vector<RedisReply> elements;  // kArray

  bool is_nil() const noexcept { return type == Type::kNil; }
  bool is_error() const noexcept { return type == Type::kError; }
  bool is_string() const noexcept { return type == Type::kString; }
  bool is_array() const noexcept { return type == Type::kArray; }
  bool is_integer() const noexcept { return type == Type::kInteger; }
  bool is_status() const noexcept { return type == Type::kStatus; }

  bool operator==(const RedisReply&) const = default;
};

// "string", "integer", ... for messages (never the reply's content, which may be a secret).
std::string_view reply_type_name(RedisReply::Type type) noexcept;

// Parses one complete reply from RESP2 bytes (with hiredis's reader, as the connection
// does). For tests and tools; an error names what is wrong, not the bytes.
Result<RedisReply> parse_resp(std::string_view bytes);

// Where and how to connect: redis://[[user]:password@]host[:port][/db]. Also accepts
// "host:port" without a scheme.
struct RedisEndpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  int db = 0;
  std::string username;  // Redis 6 ACL user; empty: AUTH with the password only
  std::string password;  // secret: never in messages

  bool operator==(const RedisEndpoint&) const = default;
};

// Error code "bad_redis_url"; the message repeats the URL without its password.
Result<RedisEndpoint> parse_redis_url(std::string_view url);
// "redis://host:port/db" with any password removed, for logs.
std::string redact_redis_url(const RedisEndpoint& endpoint);

struct RedisOptions {
  RedisEndpoint endpoint;
  std::string name = "redis";  // names the connection in state messages ("registry", "subscriber")
  // A command whose reply has not arrived after this fails with kTimeout and the
  // connection is dropped and reconnected. Also bounds resolve + connect + handshake.
  std::chrono::milliseconds command_timeout{2000};
  std::chrono::milliseconds reconnect_initial{100};
  std::chrono::milliseconds reconnect_max{5000};
};

// The delay before reconnect attempt `attempt` (0-based): initial * 2^attempt capped at
// `max`, then "equal jitter": a point in [delay/2, delay] chosen by `unit_random` in [0, 1).
// Pure; the connection passes a random number.
std::chrono::milliseconds backoff_delay(unsigned attempt, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, double unit_random) noexcept;

}  // namespace switchboard::registry
