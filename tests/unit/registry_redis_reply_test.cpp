#include "registry/redis_reply.h"

#include <gtest/gtest.h>

#include "registry/lua_scripts.h"

namespace switchboard::registry {
namespace {

using Type = RedisReply::Type;

TEST(RegistryRedisReply, ParsesEveryRespType) {
  EXPECT_EQ(parse_resp("+OK\r\n").value(), (RedisReply{Type::kStatus, "OK", 0, {}}));
  EXPECT_EQ(parse_resp("-NOSCRIPT No matching script\r\n").value(),
            (RedisReply{Type::kError, "NOSCRIPT No matching script", 0, {}}));
  EXPECT_EQ(parse_resp(":-42\r\n").value(), (RedisReply{Type::kInteger, "", -42, {}}));
  EXPECT_EQ(parse_resp("$-1\r\n").value(), RedisReply{});
  EXPECT_EQ(parse_resp(std::string_view("$5\r\na\0b\tc\r\n", 11)).value().text, std::string("a\0b\tc", 5));

  const auto array = parse_resp("*4\r\n$2\r\nok\r\n$-1\r\n:7\r\n*1\r\n+x\r\n");
  ASSERT_TRUE(array.ok());
  ASSERT_TRUE(array.value().is_array());
  ASSERT_EQ(array.value().elements.size(), 4u);
  EXPECT_EQ(array.value().elements[0].text, "ok");
  EXPECT_TRUE(array.value().elements[1].is_nil());
  EXPECT_EQ(array.value().elements[2].integer, 7);
  EXPECT_EQ(array.value().elements[3].elements.at(0), (RedisReply{Type::kStatus, "x", 0, {}}));
}

TEST(RegistryRedisReply, RejectsBrokenInput) {
  EXPECT_FALSE(parse_resp("").ok());            // incomplete
  EXPECT_FALSE(parse_resp("$10\r\nabc").ok());  // incomplete
  EXPECT_FALSE(parse_resp("?what\r\n").ok());   // unknown type byte
}

TEST(RegistryRedisReply, TypeNames) {
  EXPECT_EQ(reply_type_name(Type::kArray), "array");
  EXPECT_EQ(reply_type_name(Type::kNil), "nil");
}

TEST(RegistryRedisUrl, ParsesTheForms) {
  auto endpoint = parse_redis_url("redis://127.0.0.1:6380/2");
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint.value(), (RedisEndpoint{"127.0.0.1", 6380, 2, "", ""}));

  EXPECT_EQ(parse_redis_url("redis://cache").value(), (RedisEndpoint{"cache", 6379, 0, "", ""}));
  EXPECT_EQ(parse_redis_url("redis://cache/").value(), (RedisEndpoint{"cache", 6379, 0, "", ""}));
  EXPECT_EQ(parse_redis_url("localhost:7000").value(), (RedisEndpoint{"localhost", 7000, 0, "", ""}));
  EXPECT_EQ(parse_redis_url("redis://:s3cr@t@h:1/0").value(), (RedisEndpoint{"h", 1, 0, "", "s3cr@t"}));
  EXPECT_EQ(parse_redis_url("redis://app:pw@h:1").value(), (RedisEndpoint{"h", 1, 0, "app", "pw"}));
  EXPECT_EQ(parse_redis_url("redis://[::1]:6390/1").value(), (RedisEndpoint{"::1", 6390, 1, "", ""}));
}

TEST(RegistryRedisUrl, ErrorsNameTheKeyButNotThePassword) {
  for (const std::string& bad : {std::string("rediss://:pw@h:1"), std::string("redis://:pw@h:0"),
                                std::string("redis://:pw@h:99999"), std::string("redis://:pw@h:1/x"),
                                std::string("redis://:pw@:1"), std::string("redis://:pw@[::1:1")}) {
    const auto endpoint = parse_redis_url(bad);
    ASSERT_FALSE(endpoint.ok()) << bad;
    EXPECT_NE(endpoint.error().message.find("registry.redis_url"), std::string::npos);
    EXPECT_EQ(endpoint.error().message.find("pw"), std::string::npos) << endpoint.error().message;
  }
}

TEST(RegistryRedisUrl, RedactsForLogs) {
  EXPECT_EQ(redact_redis_url({"h", 1, 2, "", "secret"}), "redis://***@h:1/2");
  EXPECT_EQ(redact_redis_url({"127.0.0.1", 6379, 0, "", ""}), "redis://127.0.0.1:6379/0");
  EXPECT_EQ(redact_redis_url({"::1", 6379, 0, "", ""}), "redis://[::1]:6379/0");
}

TEST(RegistryBackoff, DoublesFromTheInitialDelayUpToTheCapWithJitter) {
  using std::chrono::milliseconds;
  const milliseconds initial(100);
  const milliseconds max(5000);
  // unit_random 1.0 (just under) gives the full delay, 0 gives half of it.
  EXPECT_EQ(backoff_delay(0, initial, max, 0.999999), milliseconds(99));
  EXPECT_EQ(backoff_delay(0, initial, max, 0.0), milliseconds(50));
  EXPECT_EQ(backoff_delay(1, initial, max, 0.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(3, initial, max, 0.0), milliseconds(400));
  EXPECT_EQ(backoff_delay(6, initial, max, 0.0), milliseconds(2500));  // 6400 capped at 5000
  EXPECT_EQ(backoff_delay(1000, initial, max, 0.0), milliseconds(2500));
  EXPECT_EQ(backoff_delay(1000, initial, max, 1.0), milliseconds(5000));
  for (unsigned attempt = 0; attempt < 40; ++attempt) {
    for (const double unit : {0.0, 0.3, 0.7, 0.99}) {
      const auto delay = backoff_delay(attempt, initial, max, unit);
      EXPECT_GE(delay, milliseconds(50));
      EXPECT_LE(delay, max);
    }
  }
}

TEST(RegistryLuaScripts, CarryTheirSha1) {
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(sha1_hex("return 1"), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  for (const LuaScript* script : {&lua::create_integration(), &lua::update_integration(), &lua::set_primary(),
                                  &lua::remove_integration(), &lua::get_integration(), &lua::list_integrations(),
                                  &lua::idempotency_claim(), &lua::idempotency_complete(),
                                  &lua::idempotency_release()}) {
    EXPECT_EQ(script->sha1, sha1_hex(script->source)) << script->name;
    EXPECT_EQ(script->sha1.size(), 40u);
    // Documents are passed through, never decoded by cjson (lossy re-encoding).
    EXPECT_EQ(script->source.find("cjson.decode(doc"), std::string::npos) << script->name;
  }
}

}  // namespace
}  // namespace switchboard::registry
