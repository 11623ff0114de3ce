// Mix files: errors name the key; TOML equals JSON; generated events pass (or, when meant
// to, fail) the worker's own event validation.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "routing/event_parser.h"
#include "worker/loadgen/event_generator.h"
#include "worker/loadgen/mix.h"

namespace switchboard::loadgen {
namespace {

std::string error_of(const char* json) { return parse_mix(json, MixFormat::kJson).error; }

TEST(LoadgenMix, ErrorsNameTheKey) {
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[]").find("mix: expected an object"), std::string::npos);
  EXPECT_NE(error_of("{}").find("mix.channels: required"), std::string::npos);
  EXPECT_NE(error_of(R"({"channels": {"fax": 1}})").find("mix.channels.fax: unknown channel"), std::string::npos);
  EXPECT_NE(error_of(R"({"channels": {"email": -1}})").find("mix.channels.email"), std::string::npos);
  EXPECT_NE(error_of(R"({"channels": {"email": 0}})").find("at least one weight"), std::string::npos);
  EXPECT_NE(error_of(R"({"channels": {"email": 1}, "chanels": {}})").find("mix.chanels: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"channels": {"email": 1}, "invalidShare": 2})").find("mix.invalidShare"), std::string::npos);
  EXPECT_NE(error_of(R"({"channels": {"chat": 1}, "chat": {"minTargets": 3, "maxTargets": 1, "providers": {"slack": 1}}})")
                .find("mix.chat.maxTargets"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"channels": {"push": 1}, "push": {"maxTargets": 2}})").find("mix.push.providers"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"channels": {"email": 1}, "payloads": [{"payload": 3}]})").find("mix.payloads[0].payload"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"channels": {"email": 1}, "subscribers": {"count": 0}})").find("mix.subscribers.count"),
            std::string::npos);
  EXPECT_EQ(error_of(R"({"_doc": "comments are keys with _", "channels": {"email": 1}})"), "");
}

TEST(LoadgenMix, TomlMatchesJson) {
  const MixResult json = parse_mix(R"({"organizationId": "o", "channels": {"email": 3, "sms": 1},
      "tenants": [{"identifier": "acme", "weight": 2, "data": {"plan": "pro"}}],
      "subscribers": {"count": 50, "phones": ["+49151"]}, "invalidShare": 0.25})",
                                   MixFormat::kJson);
  const MixResult toml = parse_mix(R"(organizationId = "o"
invalidShare = 0.25
[channels]
email = 3
sms = 1
[[tenants]]
identifier = "acme"
weight = 2
data = { plan = "pro" }
[subscribers]
count = 50
phones = ["+49151"]
)",
                                   MixFormat::kToml);
  ASSERT_EQ(json.error, "");
  ASSERT_EQ(toml.error, "");
  EXPECT_EQ(toml.mix.organization_id, json.mix.organization_id);
  ASSERT_EQ(toml.mix.channels.size(), 2u);
  EXPECT_EQ(toml.mix.channels[0].value, json.mix.channels[0].value);
  EXPECT_EQ(toml.mix.channels[0].weight, json.mix.channels[0].weight);
  EXPECT_EQ(toml.mix.tenants.at(0).data_json, json.mix.tenants.at(0).data_json);
  EXPECT_EQ(toml.mix.subscribers, 50u);
  EXPECT_EQ(toml.mix.phones, json.mix.phones);
  EXPECT_EQ(toml.mix.invalid_share, 0.25);
  EXPECT_NE(parse_mix("channels = {", MixFormat::kToml).error.find("not valid TOML"), std::string::npos);
}

TEST(LoadgenMix, TheExampleMixParses) {
  const MixResult r = read_mix_file(std::string(SWITCHBOARD_SOURCE_DIR) + "/bench/scenarios/mix.json");
  ASSERT_EQ(r.error, "");
  EXPECT_GE(r.mix.channels.size(), 3u);
  EXPECT_NE(read_mix_file("/nonexistent/mix.json").error.find("cannot read"), std::string::npos);
}

TEST(LoadgenGenerator, EventsPassTheWorkersValidationUnlessMeantInvalid) {
  const MixResult r = parse_mix(R"({"channels": {"email": 2, "sms": 1, "chat": 1, "push": 1, "in_app": 1},
      "tenants": [{"identifier": "acme", "weight": 1}, {"identifier": "", "weight": 1}],
      "payloads": [{"name": "small", "payload": {"amount": 5}, "bodyBytes": 10},
                   {"name": "big", "payload": {"amount": 999, "q": "\"quoted\""}, "bodyBytes": 3000}],
      "subscribers": {"count": 100, "locales": {"de": 1, "en": 1}, "tiers": {"gold": 1}},
      "chat": {"minTargets": 1, "maxTargets": 2, "providers": {"slack": 1}},
      "push": {"minTargets": 0, "maxTargets": 3, "providers": {"fcm": 1, "apns": 1}},
      "invalidShare": 0.1})",
                                MixFormat::kJson);
  ASSERT_EQ(r.error, "");
  EventGenerator gen(r.mix, EventIds("lg-t-"), 42);
  routing::EventParser parser;
  std::string json;
  int invalid = 0, fan_out = 0;
  for (std::uint64_t seq = 0; seq < 2000; ++seq) {
    const GeneratedEvent g = gen.next(seq, 1'767'225'600'123, json);
    const auto doc = nlohmann::json::parse(json);  // always JSON, also when invalid
    EXPECT_EQ(doc["id"], "lg-t-" + std::to_string(seq));
    EXPECT_EQ(doc["createdAt"], "2026-01-01T00:00:00.123Z");
    routing::EventView view;
    Error error;
    EXPECT_EQ(parser.parse(json, nullptr, view, error), !g.invalid) << json << " " << error.message;
    if (g.invalid) {
      ++invalid;
      EXPECT_EQ(gen.channel_names()[g.channel], "invalid");
    } else {
      EXPECT_EQ(doc["channel"], gen.channel_names()[g.channel]);
      const auto& subscriber = doc["subscriber"];
      if (doc["channel"] == "chat") {
        ASSERT_TRUE(subscriber.contains("channels")) << json;
        EXPECT_GE(subscriber["channels"].size(), 1u);
        EXPECT_LE(subscriber["channels"].size(), 2u);
        ++fan_out;
      } else if (doc["channel"] == "push") {
        ASSERT_TRUE(subscriber.contains("channels")) << json;
        EXPECT_LE(subscriber["channels"].size(), 3u);
        ++fan_out;
      } else {
        EXPECT_FALSE(subscriber.contains("channels")) << json;
      }
    }
  }
  EXPECT_GT(fan_out, 400);
  EXPECT_GT(invalid, 120);
  EXPECT_LT(invalid, 280);
}

TEST(LoadgenGenerator, SameSeedSameEvents) {
  const MixResult r = parse_mix(R"({"channels": {"email": 1, "sms": 1}})", MixFormat::kJson);
  ASSERT_EQ(r.error, "");
  EventGenerator a(r.mix, EventIds("x-"), 7), b(r.mix, EventIds("x-"), 7);
  std::string ja, jb;
  for (std::uint64_t i = 0; i < 50; ++i) {
    a.next(i, 0, ja);
    b.next(i, 0, jb);
    ASSERT_EQ(ja, jb);
  }
}

}  // namespace
}  // namespace switchboard::loadgen
