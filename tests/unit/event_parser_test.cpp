// EventParser on malformed input, including the second pass taken when payload/subscriber/
// tenant come before the bucket keys. Every case must end in an error, never a crash.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "routing/event_parser.h"
#include "routing/integration_json.h"
#include "routing/integration_snapshot.h"

namespace switchboard::routing {
namespace {

std::shared_ptr<const IntegrationSnapshot> snapshot_with_condition() {
  auto file = parse_integrations_file(R"([{"_id": "1", "_environmentId": "e", "_organizationId": "o", "name": "n",
    "identifier": "i", "providerId": "sendgrid", "channel": "email", "active": true, "deleted": false,
    "primary": false, "conditions": [{"value": "AND", "children": [
      {"on": "payload", "field": "a", "operator": "EQUAL", "value": "1"},
      {"on": "tenant", "field": "data.x", "operator": "IS_DEFINED"},
      {"on": "subscriber", "field": "channels[0].providerId", "operator": "EQUAL", "value": "{{payload.a}}"}]}]}])");
  EXPECT_TRUE(file.errors.empty());
  return IntegrationSnapshot::build(std::move(file.integrations));
}

class EventParserMalformedTest : public ::testing::TestWithParam<const char*> {};

TEST_P(EventParserMalformedTest, IsAnErrorNotACrash) {
  auto snapshot = snapshot_with_condition();
  EventParser parser;
  EventView view;
  Error error;
  EXPECT_FALSE(parser.parse(GetParam(), snapshot.get(), view, error)) << GetParam();
  EXPECT_FALSE(error.code.empty());
  EXPECT_FALSE(error.message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, EventParserMalformedTest,
    ::testing::Values(
        "", " ", "[]", "null", "\"x\"", "{", "}", "{\"id\"", "{\"id\":}", "{\"payload\": {\"a\": 1}, \"id\": tru",
        "{\"payload\": {\"a\": 1}, \"id\": \"x\", \"organizationId\": \"o\"",
        "{\"payload\": {\"a\": [1,2}, \"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\"}",
        "{\"tenant\": 5, \"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\"",
        "{\"payload\": {}, \"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\", \"id\": \"z\", "
        "\"subscriber\": {\"subscriberId\": \"s\"}} trailing",
        "{\"subscriber\": {\"subscriberId\": \"s\", \"channels\": [{\"providerId\": 1}]}, \"organizationId\":\"o\","
        "\"environmentId\":\"e\",\"channel\":\"email\", \"id\": \"z\"}",
        "{\"payload\": {\"a\": \"\\uZZZZ\"}, \"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\","
        "\"id\": \"z\", \"subscriber\": {\"subscriberId\": \"s\"}}",
        "{\"payload\": {\"a\": 01}, \"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\","
        "\"id\": \"z\", \"subscriber\": {\"subscriberId\": \"s\"}}",
        "{\"payload\": {\"a\": 1,}, \"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\","
        "\"id\": \"z\", \"subscriber\": {\"subscriberId\": \"s\"}}",
        "{\"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\",\"id\": \"z\","
        "\"subscriber\": {\"subscriberId\": \"s\"}, \"content\": {\"x\": nul}}",
        "{\"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\",\"id\": \"z\","
        "\"subscriber\": {\"subscriberId\": \"s\"}, \"unknown\": [1 2]}",
        // Values no condition reads are skipped without capture, but checked as strictly.
        "{\"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\",\"id\": \"z\","
        "\"subscriber\": {\"subscriberId\": \"s\"}, \"content\": {\"html\": \"bad \\q escape\"}}",
        "{\"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\",\"id\": \"z\","
        "\"subscriber\": {\"subscriberId\": \"s\"}, \"content\": {\"n\": [1.]}}",
        "{\"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\",\"id\": \"z\","
        "\"subscriber\": {\"subscriberId\": \"s\"}, \"payload\": {\"unread\": {\"k\\u12\": 1}}}",
        "{\"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\",\"id\": \"z\","
        "\"subscriber\": {\"subscriberId\": \"s\"}, \"payload\": {\"unread\": [true, fals]}}",
        "{\"organizationId\":\"o\",\"environmentId\":\"e\",\"channel\":\"email\",\"id\": \"z\","
        "\"subscriber\": {\"subscriberId\": \"s\"}, \"unknown\": {\"a\": {\"b\" 1}}}"));

// Exactly kMaxEventNesting containers inside the event object are fine, one more is not,
// wherever they are (the syntax check sees values nothing reads).
TEST(EventParserTest, NestingLimitIsExact) {
  auto snapshot = snapshot_with_condition();
  auto event_with = [](int arrays) {
    std::string deep = "0";
    for (int i = 0; i < arrays; ++i) deep = "[" + deep + "]";
    return R"({"organizationId":"o","environmentId":"e","channel":"email","id":"z",)"
           R"("subscriber":{"subscriberId":"s"},"content":{"deep":)" + deep + "}}";
  };
  EventParser parser;
  EventView view;
  Error error;
  EXPECT_TRUE(parser.parse(event_with(kMaxEventNesting - 1), snapshot.get(), view, error)) << error.message;
  EXPECT_FALSE(parser.parse(event_with(kMaxEventNesting), snapshot.get(), view, error));
  EXPECT_EQ(error.code, kInvalidJson);
}

// Skipped subtrees still count towards the nesting limit.
TEST(EventParserTest, NestingLimitAppliesToSkippedValues) {
  auto snapshot = snapshot_with_condition();
  std::string deep;
  for (int i = 0; i < kMaxEventNesting + 1; ++i) deep += "[";
  for (int i = 0; i < kMaxEventNesting + 1; ++i) deep += "]";
  const std::string event = R"({"organizationId":"o","environmentId":"e","channel":"email","id":"z",)"
                            R"("subscriber":{"subscriberId":"s"},"content":{"deep":)" + deep + "}}";
  EventParser parser;
  EventView view;
  Error error;
  EXPECT_FALSE(parser.parse(event, snapshot.get(), view, error));
  const std::string shallow = R"({"organizationId":"o","environmentId":"e","channel":"email","id":"z",)"
                              R"("subscriber":{"subscriberId":"s"},"content":{"ok":[[{"a":[1,"é",null]}]]}})";
  EXPECT_TRUE(parser.parse(shallow, snapshot.get(), view, error)) << error.message;
}

TEST(EventParserTest, FieldsBeforeTheBucketKeysAreStillCaptured) {
  auto snapshot = snapshot_with_condition();
  EventParser parser;
  EventView view;
  Error error;
  ASSERT_TRUE(parser.parse(R"({"payload": {"a": "slack"}, "tenant": {"data": {"x": null}},
      "subscriber": {"subscriberId": "s", "channels": [{"providerId": "slack"}]},
      "organizationId": "o", "environmentId": "e", "channel": "email", "id": "z"})",
                           snapshot.get(), view, error))
      << error.message;
  ASSERT_EQ(view.fields.size(), 3u);
  int strings = 0, nulls = 0;
  for (const FieldValue& f : view.fields) {
    if (f.kind == ValueKind::kString) {
      ++strings;
      EXPECT_EQ(f.text, "slack");
    }
    if (f.kind == ValueKind::kNull) ++nulls;
  }
  EXPECT_EQ(strings, 2);
  EXPECT_EQ(nulls, 1);
  ASSERT_EQ(view.subscriber_channels.size(), 1u);
  EXPECT_EQ(view.subscriber_channels[0].json, R"({"providerId":"slack"})");
}

// Keys and strings are used in place when they hold no backslash and unescaped otherwise;
// both must read the same, at any length (the scan goes eight bytes at a time).
TEST(EventParserTest, EscapedKeysAndStringsReadUnescaped) {
  auto snapshot = snapshot_with_condition();
  EventParser parser;
  EventView view;
  Error error;
  struct Case {
    std::string json;  // the string as written in the event, without its quotes
    std::string text;  // what a condition sees
  };
  const std::vector<Case> cases = {{"1234567", "1234567"},
                                   {"12345678", "12345678"},
                                   {R"(123456789012345\\)", R"(123456789012345\)"},
                                   {R"(x\"y)", R"(x"y)"},
                                   {R"(\u0031)", "1"},
                                   {"", ""}};
  for (const Case& c : cases) {
    const std::string event = R"({"organization\u0049d":"o","environmentId":"e","ch\u0061nnel":"email","id":"z",)"
                              R"("subscriber":{"subscriber\u0049d":"s\u00e9"},"payload":{"\u0061":")" +
                              c.json + R"("}})";
    ASSERT_TRUE(parser.parse(event, snapshot.get(), view, error)) << event << ": " << error.message;
    EXPECT_EQ(view.organization_id, "o");
    EXPECT_EQ(view.channel, Channel::kEmail);
    EXPECT_EQ(view.subscriber_id, "s\xC3\xA9");
    int captured = 0;
    for (const FieldValue& f : view.fields) {
      if (f.kind != ValueKind::kString) continue;
      ++captured;
      EXPECT_EQ(f.text, c.text) << c.json;
    }
    EXPECT_EQ(captured, 1) << c.json;
  }
}

}  // namespace
}  // namespace switchboard::routing
