#include "registry/redis_layout.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/integration_store.h"

namespace switchboard::registry {
namespace {

TEST(RegistryLayout, KeyNames) {
  const RedisKeys keys("sb:");
  EXPECT_EQ(keys.env_documents("org-1", "env-1"), "sb:env:org-1:env-1");
  EXPECT_EQ(keys.env_flags("org-1", "env-1"), "sb:env:org-1:env-1:flags");
  EXPECT_EQ(keys.env_order("org-1", "env-1"), "sb:env:org-1:env-1:order");
  EXPECT_EQ(keys.org_identifiers("org-1"), "sb:org:org-1:identifiers");
  EXPECT_EQ(keys.id_location("64b0"), "sb:id:64b0");
  EXPECT_EQ(keys.versions(), "sb:versions");
  EXPECT_EQ(keys.invalidation_channel(), "sb:invalidate");
  EXPECT_EQ(keys.idempotency("key-1:abc"), "sb:idem:key-1:abc");
  EXPECT_EQ(RedisKeys("test:7:").env_documents("o", "e"), "test:7:env:o:e");
}

TEST(RegistryLayout, EscapingKeepsLocationsApart) {
  const RedisKeys keys("sb:");
  EXPECT_NE(keys.env_documents("a:b", "c"), keys.env_documents("a", "b:c"));
  EXPECT_EQ(keys.env_documents("a:b", "c"), "sb:env:a%3Ab:c");
  EXPECT_EQ(escape_key_part("100%\t\n\r:"), "100%25%09%0A%0D%3A");
  for (const std::string& part : {std::string("plain"), std::string("a:b%c\td"), std::string(""), std::string("%%::")}) {
    EXPECT_EQ(unescape_key_part(escape_key_part(part)), part);
  }
  EXPECT_FALSE(unescape_key_part("%").has_value());
  EXPECT_FALSE(unescape_key_part("%2").has_value());
  EXPECT_FALSE(unescape_key_part("%zz").has_value());
  EXPECT_EQ(unescape_key_part("%3a"), ":");
}

TEST(RegistryLayout, EnvironmentFieldsRoundTrip) {
  EXPECT_EQ(environment_field("org-1", "env-1"), "org-1\tenv-1");
  const auto parsed = parse_environment_field(environment_field("o\tx:1", "e%2"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->first, "o\tx:1");
  EXPECT_EQ(parsed->second, "e%2");
  EXPECT_FALSE(parse_environment_field("no-tab").has_value());
  EXPECT_FALSE(parse_environment_field("a\tb\tc").has_value());
  EXPECT_FALSE(parse_environment_field("\tb").has_value());
  EXPECT_FALSE(parse_environment_field("a\t%q1").has_value());
}

TEST(RegistryLayout, InvalidationMessages) {
  EXPECT_EQ(invalidation_message("org-1", "env-1", 42), "org-1\tenv-1\t42");
  EXPECT_EQ(parse_invalidation_message("org-1\tenv-1\t42"), (Invalidation{"org-1", "env-1", 42}));
  EXPECT_EQ(parse_invalidation_message(invalidation_message("a:b", "c\td", 7)), (Invalidation{"a:b", "c\td", 7}));
  EXPECT_FALSE(parse_invalidation_message("org-1\tenv-1").has_value());
  EXPECT_FALSE(parse_invalidation_message("org-1\tenv-1\t").has_value());
  EXPECT_FALSE(parse_invalidation_message("org-1\tenv-1\t4x").has_value());
  EXPECT_FALSE(parse_invalidation_message("hello").has_value());
}

TEST(RegistryLayout, FlagsRecordRoundTrips) {
  const StoredFlags flags{true, false, true, "2026-11-22T10:00:00Z", "user-1", "email", "sg-eu"};
  const std::string text = flags_to_json(flags);
  EXPECT_EQ(text,
            R"({"active":true,"primary":false,"deleted":true,"deletedAt":"2026-11-22T10:00:00Z",)"
            R"("deletedBy":"user-1","bucket":"email","identifier":"sg-eu"})");
  const auto parsed = flags_from_json(text, "here");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value(), flags);

  const StoredFlags minimal{false, false, false, std::nullopt, std::nullopt, "agent:", "x"};
  EXPECT_EQ(flags_from_json(flags_to_json(minimal), "here").value(), minimal);
}

TEST(RegistryLayout, FlagsAsLuaCjsonWritesThem) {
  // cjson: any key order, "/" escaped, deletedAt may be absent.
  const auto parsed = flags_from_json(
      R"({"identifier":"a\/b","bucket":"sms","deleted":false,"primary":true,"active":true})", "here");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().identifier, "a/b");
  EXPECT_TRUE(parsed.value().primary);
  EXPECT_FALSE(parsed.value().deleted_at.has_value());
}

TEST(RegistryLayout, CorruptFlagsNameTheirPlace) {
  for (const std::string& bad : {std::string("nope"), std::string("[]"), std::string(R"({"active":1})"),
                                std::string(R"({"active":true,"primary":true,"deleted":false})"),
                                std::string(R"({"active":true,"primary":true,"deleted":false,"bucket":"email",)"
                                            R"("identifier":"x","deletedAt":5})")}) {
    const auto parsed = flags_from_json(bad, "redis hash sb:env:o:e:flags field 1");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, kCorrupt);
    EXPECT_NE(parsed.error().message.find("sb:env:o:e:flags field 1"), std::string::npos);
  }
}

// flags_from_json as it was before its fast path: the reference the fast path must match.
std::optional<StoredFlags> reference_flags(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  StoredFlags flags;
  for (const auto& [name, target] : {std::pair{"active", &flags.active}, std::pair{"primary", &flags.primary},
                                     std::pair{"deleted", &flags.deleted}}) {
    const auto it = json.find(name);
    if (it == json.end() || !it->is_boolean()) return std::nullopt;
    *target = it->get<bool>();
  }
  for (const auto& [name, target] : {std::pair{"bucket", &flags.bucket}, std::pair{"identifier", &flags.identifier}}) {
    const auto it = json.find(name);
    if (it == json.end() || !it->is_string()) return std::nullopt;
    *target = it->get<std::string>();
  }
  for (const auto& [name, target] : {std::pair{"deletedAt", &flags.deleted_at}, std::pair{"deletedBy", &flags.deleted_by}}) {
    const auto it = json.find(name);
    if (it == json.end() || it->is_null()) continue;
    if (!it->is_string()) return std::nullopt;
    *target = it->get<std::string>();
  }
  return flags;
}

void expect_flags_agree(const std::string& text) {
  const auto reference = reference_flags(text);
  const auto fast = flags_from_json_fast(text);
  if (fast) {
    ASSERT_TRUE(reference.has_value()) << "fast path accepted what flags_from_json refuses: " << text;
    EXPECT_EQ(*fast, *reference) << text;
  }
  const auto parsed = flags_from_json(text, "here");
  ASSERT_EQ(parsed.ok(), reference.has_value()) << text;
  if (parsed.ok()) {
    EXPECT_EQ(parsed.value(), *reference) << text;
  }
}

TEST(RegistryLayout, FlagsFastPathReadsWhatTheWritersWrite) {
  const std::vector<std::string> written = {
      flags_to_json({true, false, true, "2026-11-22T10:00:00Z", "user-1", "email", "sg-eu"}),
      flags_to_json({false, false, false, std::nullopt, std::nullopt, "agent:", "x \"q\" caf\xc3\xa9"}),
      R"({"identifier":"a\/b","bucket":"sms","deleted":false,"primary":true,"active":true})",
      R"({"deletedAt":null,"identifier":"id\u00e9\t","bucket":"chat","deleted":false,"primary":false,"active":true,"extra":"x","more":true,"none":null})",
  };
  for (const std::string& text : written) {
    ASSERT_TRUE(flags_from_json_fast(text).has_value()) << text;
    expect_flags_agree(text);
  }
  EXPECT_EQ(flags_from_json_fast(written[2])->identifier, "a/b");
  // Left to the full parser: whitespace, numbers, nested values, duplicates.
  for (const std::string& other : {std::string(R"({ "active":true,"primary":false,"deleted":false,"bucket":"b","identifier":"i"})"),
                                   std::string(R"({"active":true,"primary":false,"deleted":false,"bucket":"b","identifier":"i","n":1})"),
                                   std::string(R"({"active":true,"primary":false,"deleted":false,"bucket":"b","identifier":"i","o":{}})"),
                                   std::string(R"({"active":true,"active":false,"primary":false,"deleted":false,"bucket":"b","identifier":"i"})")}) {
    EXPECT_FALSE(flags_from_json_fast(other).has_value()) << other;
    expect_flags_agree(other);
  }
  // Every one-character damage: never accepted when flags_from_json would refuse it.
  const std::string replacements[] = {"", "\"", "\\", ",", "}", " ", "x", "0", "n", "\x80"};
  for (const std::string& text : written) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      for (const std::string& with : replacements) {
        std::string damaged = text;
        expect_flags_agree(damaged.replace(i, 1, with));
      }
    }
  }
}

TEST(RegistryLayout, IdempotencyRecords) {
  const IdempotencyRecord record{"abc123", false, 201, "{\"a\":\"x\ty\nz\"}"};
  const std::string text = encode_idempotency_record(record);
  EXPECT_EQ(text.substr(0, 13), "abc123\t0\t201\t");
  const auto parsed = decode_idempotency_record(text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->request_hash, record.request_hash);
  EXPECT_EQ(parsed->in_flight, record.in_flight);
  EXPECT_EQ(parsed->status, record.status);
  EXPECT_EQ(parsed->body, record.body);

  const auto in_flight = decode_idempotency_record(encode_idempotency_record({"h", true, 0, ""}));
  ASSERT_TRUE(in_flight.has_value());
  EXPECT_TRUE(in_flight->in_flight);
  EXPECT_EQ(in_flight->body, "");

  EXPECT_FALSE(decode_idempotency_record("h\t2\t0\t").has_value());
  EXPECT_FALSE(decode_idempotency_record("h\t1\tx\t").has_value());
  EXPECT_FALSE(decode_idempotency_record("h\t1\t0").has_value());
  EXPECT_FALSE(decode_idempotency_record("").has_value());
}

}  // namespace
}  // namespace switchboard::registry
