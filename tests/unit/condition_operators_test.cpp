// Operator semantics of contract 3.1-3.4, evaluated end to end: one conditioned email
// integration, one event, Router. A condition "passes" when that integration is chosen
// with reason conditions_matched.

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/condition.h"
#include "routing/decision.h"
#include "routing/integration.h"
#include "routing/integration_json.h"
#include "routing/integration_snapshot.h"
#include "routing/router.h"
#include "routing/value_list.h"

#include <nlohmann/json.hpp>

namespace switchboard::routing {
namespace {

ConditionChild child(ConditionOn on, std::string field, std::string_view op, std::optional<std::string> value) {
  ConditionChild c;
  c.on = on;
  c.field = std::move(field);
  const auto parsed = parse_operator(op);
  EXPECT_TRUE(parsed.has_value()) << "unknown operator in test: " << op;
  c.op = parsed.value_or(Operator::kEqual);
  c.value = std::move(value);
  return c;
}

ConditionChild pay(std::string field, std::string_view op, std::optional<std::string> value) {
  return child(ConditionOn::kPayload, std::move(field), op, std::move(value));
}

ConditionGroup group(std::vector<ConditionChild> children, GroupLogic logic = GroupLogic::kAnd, bool negated = false) {
  ConditionGroup g;
  g.is_negated = negated;
  g.type = "GROUP";
  g.logic = logic;
  g.children = std::move(children);
  return g;
}

Integration conditioned_integration(std::vector<ConditionGroup> groups) {
  Integration i;
  i.id = "id-cond";
  i.environment_id = "e";
  i.organization_id = "o";
  i.name = "cond";
  i.identifier = "cond";
  i.provider_id = "sendgrid";
  i.channel = Channel::kEmail;
  i.active = true;
  i.conditions = std::move(groups);
  return i;
}

struct EventParts {
  std::string payload = "{}";
  std::string subscriber = R"({"subscriberId":"sub-1"})";
  std::optional<std::string> tenant;
};

std::string event_json(const EventParts& e) {
  std::string out = R"({"id":"x","organizationId":"o","environmentId":"e","channel":"email","subscriber":)";
  out += e.subscriber;
  out += R"(,"payload":)";
  out += e.payload;
  if (e.tenant) {
    out += R"(,"tenant":)";
    out += *e.tenant;
  }
  out += "}";
  return out;
}

std::string describe(const ConditionGroup& g) {
  std::string s = g.is_negated ? "NOT(" : "(";
  for (std::size_t k = 0; k < g.children.size(); ++k) {
    const auto& c = g.children[k];
    if (k > 0) s += g.logic == GroupLogic::kAnd ? " AND " : " OR ";
    s += std::string(condition_on_name(c.on)) + "." + c.field + " " + std::string(operator_name(c.op));
    s += c.value ? " \"" + *c.value + "\"" : " <no value>";
  }
  return s + ")";
}

// Success when the single conditioned integration is chosen with reason conditions_matched.
testing::AssertionResult Chosen(std::vector<ConditionGroup> groups, const std::string& event) {
  std::string what;
  for (const auto& g : groups) what += (what.empty() ? "" : " ANY ") + describe(g);
  what += " on event " + event;
  auto snapshot = IntegrationSnapshot::build({conditioned_integration(std::move(groups))});
  Router router;
  Decision decision;
  Error error;
  bool ok = false;
  try {
    ok = router.route(event, *snapshot, RouteOptions{2, true}, decision, error);
  } catch (const std::exception& e) {
    return testing::AssertionFailure() << "route threw " << e.what() << ": " << what;
  }
  if (!ok) return testing::AssertionFailure() << "event rejected (" << error.code << ": " << error.message << "): " << what;
  if (decision.size() != 1) return testing::AssertionFailure() << decision.size() << " targets: " << what;
  const TargetDecision& t = decision[0];
  if (t.candidates.empty()) {
    if (t.rejected.size() != 1 || t.rejected[0].why != RejectWhy::kConditions) {
      return testing::AssertionFailure() << "not chosen, and not rejected for its conditions: " << what;
    }
    return testing::AssertionFailure() << "conditions fail: " << what;
  }
  if (t.candidates.size() != 1 || t.reason != RouteReason::kConditionsMatched ||
      t.candidates[0].reason != RouteReason::kConditionsMatched || t.status != TargetStatus::kRouted) {
    return testing::AssertionFailure() << "chosen with an unexpected decision shape: " << what;
  }
  return testing::AssertionSuccess() << "conditions pass: " << what;
}

testing::AssertionResult Chosen(ConditionChild c, const EventParts& e) {
  return Chosen(std::vector<ConditionGroup>{group({std::move(c)})}, event_json(e));
}

// One payload child against a payload.
testing::AssertionResult P(std::string_view op, std::string field, std::optional<std::string> value,
                           std::string payload) {
  EventParts e;
  e.payload = std::move(payload);
  return Chosen(pay(std::move(field), op, std::move(value)), e);
}

// ---- EQUAL / NOT_EQUAL --------------------------------------------------------------------

TEST(ConditionEqual, StringsCompareAsExactBytes) {
  EXPECT_TRUE(P("EQUAL", "s", "gold", R"({"s":"gold"})"));
  EXPECT_FALSE(P("EQUAL", "s", "Gold", R"({"s":"gold"})"));
  EXPECT_FALSE(P("EQUAL", "s", "gold ", R"({"s":"gold"})"));
  EXPECT_FALSE(P("EQUAL", "s", "", R"({"s":"gold"})"));
  EXPECT_TRUE(P("EQUAL", "s", "", R"({"s":""})"));
  EXPECT_TRUE(P("EQUAL", "s", "caf\xC3\xA9", R"({"s":"caf\u00e9"})"));
  EXPECT_TRUE(P("EQUAL", "s", "a\"b\\c", R"({"s":"a\"b\\c"})"));
}

TEST(ConditionEqual, NumericStringsAreNotEqualAsNumbers) {
  EXPECT_FALSE(P("EQUAL", "s", "10.0", R"({"s":"10"})"));
  EXPECT_FALSE(P("EQUAL", "s", "7", R"({"s":"007"})"));
  EXPECT_TRUE(P("EQUAL", "s", "007", R"({"s":"007"})"));
  EXPECT_TRUE(P("EQUAL", "s", "10", R"({"s":"10"})"));
  EXPECT_FALSE(P("EQUAL", "s", "10", R"({"s":" 10"})"));
  EXPECT_FALSE(P("EQUAL", "s", "1e1", R"({"s":"10"})"));
}

TEST(ConditionEqual, NumbersCompareNumericallyWithNumberLiterals) {
  EXPECT_TRUE(P("EQUAL", "n", "10.0", R"({"n":10})"));
  EXPECT_TRUE(P("EQUAL", "n", "10", R"({"n":10})"));
  EXPECT_TRUE(P("EQUAL", "n", "1e1", R"({"n":10})"));
  EXPECT_TRUE(P("EQUAL", "n", "10", R"({"n":10.000})"));
  EXPECT_TRUE(P("EQUAL", "n", "100", R"({"n":1E+2})"));
  EXPECT_TRUE(P("EQUAL", "n", "1.50", R"({"n":1.5})"));
  EXPECT_TRUE(P("EQUAL", "n", "0", R"({"n":-0})"));
  EXPECT_TRUE(P("EQUAL", "n", "-2.5", R"({"n":-2.5})"));
  // A number literal is the value after trimming ASCII whitespace.
  EXPECT_TRUE(P("EQUAL", "n", " 10 ", R"({"n":10})"));
  EXPECT_TRUE(P("EQUAL", "n", "\t10\n", R"({"n":10})"));
  EXPECT_FALSE(P("EQUAL", "n", "11", R"({"n":10})"));
  EXPECT_FALSE(P("EQUAL", "n", "ten", R"({"n":10})"));
  EXPECT_FALSE(P("EQUAL", "n", "", R"({"n":10})"));
  EXPECT_FALSE(P("EQUAL", "n", "0x0A", R"({"n":10})"));
  EXPECT_FALSE(P("EQUAL", "n", "+10", R"({"n":10})"));
  EXPECT_FALSE(P("EQUAL", "n", "010", R"({"n":10})"));
  EXPECT_FALSE(P("EQUAL", "n", "10.", R"({"n":10})"));
  EXPECT_FALSE(P("EQUAL", "n", "10a", R"({"n":10})"));
  EXPECT_FALSE(P("EQUAL", "n", "Infinity", R"({"n":1e999})"));
}

TEST(ConditionEqual, LargeIntegersCompareExactly) {
  // 2^53 + 1 and 2^53 are the same double but different numbers.
  EXPECT_FALSE(P("EQUAL", "n", "9007199254740992", R"({"n":9007199254740993})"));
  EXPECT_TRUE(P("EQUAL", "n", "9007199254740993", R"({"n":9007199254740993})"));
  EXPECT_TRUE(P("LARGER", "n", "9007199254740992", R"({"n":9007199254740993})"));
}

// BUG (contract 3.4 "numerically equal", "numeric order"): an integer beyond 2^53 against a
// literal with a fraction or exponent is compared as doubles, so 2^53 + 1 equals 2^53.
TEST(ConditionEqual, IntegersBeyondDoublePrecisionAgainstDecimalLiterals) {
  EXPECT_FALSE(P("EQUAL", "n", "9007199254740992.0", R"({"n":9007199254740993})"));
  EXPECT_TRUE(P("NOT_EQUAL", "n", "9007199254740992.0", R"({"n":9007199254740993})"));
  EXPECT_TRUE(P("LARGER", "n", "9007199254740992.0", R"({"n":9007199254740993})"));
  EXPECT_FALSE(P("EQUAL", "n", "9007199254740993", R"({"n":9007199254740992.0})"));
}

// BUG (contract 3.4 "numerically equal"): numbers beyond the double range all become
// infinity (or zero), so 1e400 "equals" 1e401 and 1e-400 "equals" 0.
TEST(ConditionEqual, NumbersOutsideTheDoubleRangeAreNotAllEqual) {
  EXPECT_FALSE(P("EQUAL", "n", "1e401", R"({"n":1e400})"));
  EXPECT_TRUE(P("SMALLER", "n", "1e401", R"({"n":1e400})"));
  EXPECT_FALSE(P("EQUAL", "n", "0", R"({"n":1e-400})"));
  EXPECT_TRUE(P("LARGER", "n", "0", R"({"n":1e-400})"));
}

TEST(ConditionEqual, BooleansMatchTheirName) {
  EXPECT_TRUE(P("EQUAL", "b", "true", R"({"b":true})"));
  EXPECT_TRUE(P("EQUAL", "b", "false", R"({"b":false})"));
  EXPECT_FALSE(P("EQUAL", "b", "false", R"({"b":true})"));
  EXPECT_FALSE(P("EQUAL", "b", "true", R"({"b":false})"));
  EXPECT_FALSE(P("EQUAL", "b", "TRUE", R"({"b":true})"));
  EXPECT_FALSE(P("EQUAL", "b", "1", R"({"b":true})"));
  EXPECT_FALSE(P("EQUAL", "b", "", R"({"b":false})"));
  // A string "true" is a string.
  EXPECT_TRUE(P("EQUAL", "s", "true", R"({"s":"true"})"));
}

TEST(ConditionEqual, NullMissingAndContainersNeverEqual) {
  EXPECT_FALSE(P("EQUAL", "n", "null", R"({"n":null})"));
  EXPECT_FALSE(P("EQUAL", "n", "", R"({"n":null})"));
  EXPECT_FALSE(P("EQUAL", "nope", "", R"({})"));
  EXPECT_FALSE(P("EQUAL", "a", "a", R"({"a":["a"]})"));
  EXPECT_FALSE(P("EQUAL", "a", "[\"a\"]", R"({"a":["a"]})"));
  EXPECT_FALSE(P("EQUAL", "o", "{}", R"({"o":{}})"));
}

TEST(ConditionNotEqual, IsTheNegationOfEqual) {
  EXPECT_TRUE(P("NOT_EQUAL", "nope", "x", R"({})"));     // missing passes, as in Novu
  EXPECT_TRUE(P("NOT_EQUAL", "nope", "", R"({})"));
  EXPECT_TRUE(P("NOT_EQUAL", "n", "null", R"({"n":null})"));
  EXPECT_TRUE(P("NOT_EQUAL", "s", "10.0", R"({"s":"10"})"));
  EXPECT_TRUE(P("NOT_EQUAL", "s", "7", R"({"s":"007"})"));
  EXPECT_FALSE(P("NOT_EQUAL", "s", "gold", R"({"s":"gold"})"));
  EXPECT_FALSE(P("NOT_EQUAL", "n", "10.0", R"({"n":10})"));
  EXPECT_FALSE(P("NOT_EQUAL", "b", "true", R"({"b":true})"));
  EXPECT_TRUE(P("NOT_EQUAL", "a", "a", R"({"a":["a"]})"));
  EXPECT_TRUE(P("NOT_EQUAL", "o", "{}", R"({"o":{}})"));
}

// ---- ordering -----------------------------------------------------------------------------

TEST(ConditionOrder, NumbersAgainstNumberLiterals) {
  EXPECT_TRUE(P("LARGER", "n", "200", R"({"n":250})"));
  EXPECT_FALSE(P("LARGER", "n", "250", R"({"n":250})"));
  EXPECT_FALSE(P("LARGER", "n", "300", R"({"n":250})"));
  EXPECT_TRUE(P("LARGER_EQUAL", "n", "250.0", R"({"n":250})"));
  EXPECT_FALSE(P("LARGER_EQUAL", "n", "250.5", R"({"n":250})"));
  EXPECT_TRUE(P("SMALLER", "n", "300", R"({"n":250})"));
  EXPECT_FALSE(P("SMALLER", "n", "250", R"({"n":250})"));
  EXPECT_TRUE(P("SMALLER_EQUAL", "n", "2.5e2", R"({"n":250})"));
  EXPECT_FALSE(P("SMALLER_EQUAL", "n", "249.99", R"({"n":250})"));
  EXPECT_TRUE(P("LARGER", "n", "-10", R"({"n":-5})"));
  EXPECT_TRUE(P("SMALLER", "n", "10", R"({"n":9})"));
}

TEST(ConditionOrder, NumberAgainstNonNumberFails) {
  EXPECT_FALSE(P("LARGER", "n", "abc", R"({"n":250})"));
  EXPECT_FALSE(P("SMALLER", "n", "abc", R"({"n":250})"));
  EXPECT_FALSE(P("LARGER_EQUAL", "n", "", R"({"n":250})"));
  EXPECT_FALSE(P("SMALLER_EQUAL", "n", "99a", R"({"n":100})"));
}

TEST(ConditionOrder, NumericStringsOrderAsNumbers) {
  EXPECT_TRUE(P("LARGER_EQUAL", "s", "10.0", R"({"s":"10"})"));
  EXPECT_TRUE(P("SMALLER_EQUAL", "s", "10.0", R"({"s":"10"})"));
  EXPECT_FALSE(P("LARGER", "s", "10.0", R"({"s":"10"})"));
  EXPECT_FALSE(P("SMALLER", "s", "10.0", R"({"s":"10"})"));
  EXPECT_TRUE(P("LARGER", "s", "99", R"({"s":"100"})"));     // byte-wise would say smaller
  EXPECT_TRUE(P("SMALLER", "s", "10", R"({"s":"2.5"})"));    // byte-wise would say larger
  EXPECT_TRUE(P("LARGER_EQUAL", "s", "7", R"({"s":"7.0"})"));
  EXPECT_TRUE(P("SMALLER_EQUAL", "s", "7", R"({"s":"7.0"})"));
  // Leading zeros are not JSON number syntax: byte-wise ("007" < "7").
  EXPECT_TRUE(P("SMALLER", "s", "7", R"({"s":"007"})"));
  EXPECT_TRUE(P("SMALLER", "s", "10", R"({"s":"007"})"));
}

TEST(ConditionOrder, OtherStringsOrderByteWise) {
  EXPECT_TRUE(P("LARGER", "d", "2026-11-30", R"({"d":"2026-12-01"})"));
  EXPECT_FALSE(P("SMALLER", "d", "2026-11-30", R"({"d":"2026-12-01"})"));
  EXPECT_TRUE(P("LARGER", "d", "2026-12-01", R"({"d":"2026-12-01T10:00:00Z"})"));
  EXPECT_TRUE(P("LARGER_EQUAL", "d", "2026-12-01", R"({"d":"2026-12-01"})"));
  EXPECT_TRUE(P("SMALLER", "s", "apple", R"({"s":"Zebra"})"));  // 'Z' < 'a'
  EXPECT_TRUE(P("LARGER", "s", "ab", R"({"s":"abc"})"));
  EXPECT_TRUE(P("LARGER", "s", "z", R"({"s":"\u00e9"})"));       // 0xC3 > 'z'
  EXPECT_TRUE(P("SMALLER", "s", "a", R"({"s":""})"));
  // A numeric field string against a non-number value: byte-wise.
  EXPECT_FALSE(P("LARGER", "s", "99a", R"({"s":"100"})"));
  // A non-number field string against a number value: byte-wise.
  EXPECT_TRUE(P("LARGER", "s", "99", R"({"s":"abc"})"));
}

TEST(ConditionOrder, OtherTypesFail) {
  for (std::string_view op : {"LARGER", "SMALLER", "LARGER_EQUAL", "SMALLER_EQUAL"}) {
    EXPECT_FALSE(P(op, "b", "0", R"({"b":true})")) << op;
    EXPECT_FALSE(P(op, "b", "true", R"({"b":true})")) << op;
    EXPECT_FALSE(P(op, "n", "0", R"({"n":null})")) << op;
    EXPECT_FALSE(P(op, "n", "", R"({"n":null})")) << op;
    EXPECT_FALSE(P(op, "nope", "0", R"({})")) << op;
    EXPECT_FALSE(P(op, "nope", "", R"({})")) << op;
    EXPECT_FALSE(P(op, "a", "1", R"({"a":[1]})")) << op;
    EXPECT_FALSE(P(op, "o", "1", R"({"o":{"x":1}})")) << op;
  }
}

// ---- IN / NOT_IN --------------------------------------------------------------------------

TEST(ConditionIn, StringContainsSubstring) {
  EXPECT_TRUE(P("IN", "s", "terp", R"({"s":"enterprise"})"));
  EXPECT_TRUE(P("IN", "s", "enterprise", R"({"s":"enterprise"})"));
  EXPECT_FALSE(P("IN", "s", "Terp", R"({"s":"enterprise"})"));
  EXPECT_FALSE(P("IN", "s", "enterprises", R"({"s":"enterprise"})"));
  EXPECT_TRUE(P("IN", "s", "", R"({"s":"enterprise"})"));
  EXPECT_TRUE(P("IN", "s", "", R"({"s":""})"));
  EXPECT_FALSE(P("IN", "s", "a", R"({"s":""})"));
  // Not a list: the comma is part of the substring.
  EXPECT_FALSE(P("IN", "s", "x,ent", R"({"s":"enterprise"})"));
}

TEST(ConditionIn, ArrayHasAnElementEqual) {
  EXPECT_TRUE(P("IN", "a", "gift", R"({"a":["gift","express"]})"));
  EXPECT_TRUE(P("IN", "a", "express", R"({"a":["gift","express"]})"));
  EXPECT_FALSE(P("IN", "a", "gif", R"({"a":["gift","express"]})"));
  EXPECT_TRUE(P("IN", "a", "2.0", R"({"a":[1,2,3]})"));
  EXPECT_FALSE(P("IN", "a", "4", R"({"a":[1,2,3]})"));
  EXPECT_TRUE(P("IN", "a", "true", R"({"a":[false,true]})"));
  EXPECT_FALSE(P("IN", "a", "10.0", R"({"a":["10"]})"));
  EXPECT_FALSE(P("IN", "a", "a", R"({"a":[["a"]]})"));
  EXPECT_FALSE(P("IN", "a", "{}", R"({"a":[{}]})"));
  EXPECT_FALSE(P("IN", "a", "null", R"({"a":[null]})"));
  EXPECT_FALSE(P("IN", "a", "", R"({"a":[]})"));
  // Elements of a nested array field.
  EXPECT_TRUE(P("IN", "m[1]", "y", R"({"m":[["x"],["y","z"]]})"));
  EXPECT_FALSE(P("IN", "m[0]", "y", R"({"m":[["x"],["y","z"]]})"));
}

TEST(ConditionIn, OtherTypesFail) {
  EXPECT_FALSE(P("IN", "n", "23", R"({"n":12345})"));
  EXPECT_FALSE(P("IN", "b", "true", R"({"b":true})"));
  EXPECT_FALSE(P("IN", "n", "", R"({"n":null})"));
  EXPECT_FALSE(P("IN", "nope", "", R"({})"));
  EXPECT_FALSE(P("IN", "o", "x", R"({"o":{"x":"x"}})"));
}

TEST(ConditionNotIn, IsTheNegationOfIn) {
  EXPECT_TRUE(P("NOT_IN", "nope", "x", R"({})"));
  EXPECT_TRUE(P("NOT_IN", "n", "23", R"({"n":12345})"));
  EXPECT_TRUE(P("NOT_IN", "a", "gif", R"({"a":["gift"]})"));
  EXPECT_FALSE(P("NOT_IN", "a", "gift", R"({"a":["gift"]})"));
  EXPECT_FALSE(P("NOT_IN", "s", "terp", R"({"s":"enterprise"})"));
  EXPECT_TRUE(P("NOT_IN", "s", "xyz", R"({"s":"enterprise"})"));
}

// ---- ANY_IN / ALL_IN and list values ------------------------------------------------------

TEST(ConditionAnyIn, CommaListItemsAreTrimmed) {
  EXPECT_TRUE(P("ANY_IN", "s", "a, b ,c", R"({"s":"b"})"));
  EXPECT_TRUE(P("ANY_IN", "s", " a ,b", R"({"s":"a"})"));
  EXPECT_TRUE(P("ANY_IN", "s", "a,\tb\n", R"({"s":"b"})"));
  EXPECT_FALSE(P("ANY_IN", "s", "a, b ,c", R"({"s":"x"})"));
  EXPECT_FALSE(P("ANY_IN", "s", "a, b ,c", R"({"s":" b "})"));
  EXPECT_TRUE(P("ANY_IN", "s", "single", R"({"s":"single"})"));
  // ANY_IN is EQUAL per item, not a substring test.
  EXPECT_FALSE(P("ANY_IN", "s", "ent,pro", R"({"s":"enterprise"})"));
}

TEST(ConditionAnyIn, EmptyItemsAreKept) {
  EXPECT_TRUE(P("ANY_IN", "s", "a,,b", R"({"s":""})"));
  EXPECT_TRUE(P("ANY_IN", "s", "a,", R"({"s":""})"));
  EXPECT_TRUE(P("ANY_IN", "s", ",a", R"({"s":""})"));
  EXPECT_TRUE(P("ANY_IN", "s", "a, ,b", R"({"s":""})"));
  EXPECT_FALSE(P("ANY_IN", "s", "a,b", R"({"s":""})"));
  // Three items: the array must hold all three, the empty one included.
  EXPECT_TRUE(P("ALL_IN", "a", "a,,b", R"({"a":["a","","b"]})"));
  EXPECT_FALSE(P("ALL_IN", "a", "a,,b", R"({"a":["a","b"]})"));
}

TEST(ConditionAnyIn, EmptyValueIsTheEmptyList) {
  EXPECT_FALSE(P("ANY_IN", "s", "", R"({"s":""})"));
  EXPECT_FALSE(P("ANY_IN", "s", "   ", R"({"s":""})"));
  EXPECT_FALSE(P("ANY_IN", "s", "", R"({"s":"x"})"));
  EXPECT_FALSE(P("ANY_IN", "a", "", R"({"a":["",""]})"));
}

TEST(ConditionAnyIn, ScalarField) {
  EXPECT_TRUE(P("ANY_IN", "n", "1, 2.0, 3", R"({"n":2})"));
  EXPECT_FALSE(P("ANY_IN", "n", "1, 3", R"({"n":2})"));
  EXPECT_FALSE(P("ANY_IN", "s", "1, 2.0, 3", R"({"s":"2"})"));  // strings compare as bytes
  EXPECT_TRUE(P("ANY_IN", "b", "false, true", R"({"b":true})"));
  EXPECT_FALSE(P("ANY_IN", "n", "null", R"({"n":null})"));
  EXPECT_FALSE(P("ANY_IN", "nope", "a,b", R"({})"));
}

TEST(ConditionAnyIn, ArrayField) {
  EXPECT_TRUE(P("ANY_IN", "a", "a,b", R"({"a":["x","b"]})"));
  EXPECT_FALSE(P("ANY_IN", "a", "a,b", R"({"a":["x","y"]})"));
  EXPECT_FALSE(P("ANY_IN", "a", "a,b", R"({"a":[]})"));
  EXPECT_TRUE(P("ANY_IN", "a", "5, 7", R"({"a":[7.0]})"));
}

TEST(ConditionList, JsonArrayText) {
  EXPECT_TRUE(P("ANY_IN", "s", R"(["a","b"])", R"({"s":"b"})"));
  EXPECT_FALSE(P("ANY_IN", "s", R"(["a","b"])", R"({"s":"\"b\""})"));
  EXPECT_TRUE(P("ANY_IN", "s", R"(  ["x"]  )", R"({"s":"x"})"));
  // Items containing commas stay whole.
  EXPECT_TRUE(P("ANY_IN", "s", R"(["a,b","c"])", R"({"s":"a,b"})"));
  EXPECT_FALSE(P("ANY_IN", "s", R"(["a,b","c"])", R"({"s":"a"})"));
  // JSON escapes inside items are decoded.
  EXPECT_TRUE(P("ANY_IN", "s", R"(["caf\u00e9"])", R"({"s":"caf\u00e9"})"));
}

TEST(ConditionList, JsonArrayNonStringItemsBecomeTheirJsonText) {
  EXPECT_TRUE(P("ANY_IN", "s", "[1, true, null]", R"({"s":"null"})"));
  EXPECT_TRUE(P("ANY_IN", "s", "[1, true, null]", R"({"s":"true"})"));
  EXPECT_TRUE(P("ANY_IN", "s", "[1, true, null]", R"({"s":"1"})"));
  EXPECT_TRUE(P("ANY_IN", "b", "[1, true, null]", R"({"b":true})"));
  EXPECT_TRUE(P("ANY_IN", "n", "[1.0, 5]", R"({"n":1})"));
  EXPECT_TRUE(P("ANY_IN", "s", R"([{"k": "v"}])", R"({"s":"{\"k\":\"v\"}"})"));
  EXPECT_TRUE(P("ANY_IN", "s", "[[1, 2]]", R"({"s":"[1,2]"})"));
  EXPECT_FALSE(P("ANY_IN", "s", "[[1, 2]]", R"({"s":"1"})"));
}

TEST(ConditionList, EmptyJsonArrayIsTheEmptyList) {
  EXPECT_FALSE(P("ANY_IN", "s", "[]", R"({"s":"[]"})"));
  EXPECT_TRUE(P("ALL_IN", "s", "[]", R"({"s":"anything"})"));
  EXPECT_FALSE(P("ALL_IN", "nope", "[]", R"({})"));
}

TEST(ConditionList, TextThatIsNotOneJsonArrayIsACommaList) {
  EXPECT_TRUE(P("ANY_IN", "s", "[a, b]", R"({"s":"[a"})"));
  EXPECT_TRUE(P("ANY_IN", "s", "[a, b]", R"({"s":"b]"})"));
  EXPECT_FALSE(P("ANY_IN", "s", "[a, b]", R"({"s":"a"})"));
  // Trailing content after the array.
  EXPECT_TRUE(P("ANY_IN", "s", R"(["a"], b)", R"({"s":"b"})"));
  EXPECT_FALSE(P("ANY_IN", "s", R"(["a"], b)", R"({"s":"a"})"));
  // A JSON value that is not an array.
  EXPECT_TRUE(P("ANY_IN", "s", R"({"a":1,"b":2})", R"({"s":"\"b\":2}"})"));
}

// The list reading of 3.3 against a direct implementation of its words, on random values
// built from list syntax.
std::vector<std::string> reference_list(const std::string& value) {
  auto trim = [](std::string_view t) {
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t' || t.front() == '\n' || t.front() == '\r')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\n' || t.back() == '\r')) t.remove_suffix(1);
    return std::string(t);
  };
  const std::string trimmed = trim(value);
  std::vector<std::string> items;
  if (trimmed.empty()) return items;
  if (trimmed.front() == '[') {
    const auto parsed = nlohmann::json::parse(trimmed, nullptr, false);
    if (!parsed.is_discarded() && parsed.is_array()) {
      for (const auto& item : parsed) items.push_back(item.is_string() ? item.get<std::string>() : item.dump());
      return items;
    }
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = value.find(',', start);
    items.push_back(trim(std::string_view(value).substr(start, comma == std::string::npos ? std::string::npos
                                                                                           : comma - start)));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

TEST(ConditionList, AgreesWithAReferenceReading) {
  static const std::vector<std::string_view> kPieces = {
      "[", "]", "\"a\"", "\"b,c\"", ",", " ", "1", "-2", "true", "null", "{}", "x", "\"\\\"\"", "{\"k\":[1]}", "\t"};
  std::mt19937 rng(314);
  std::uniform_int_distribution<std::size_t> length(0, 7), piece(0, kPieces.size() - 1);
  ListScratch scratch;
  ValueList list;
  int json_arrays = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string value;
    if (round % 2 == 0) {
      // Mostly well-formed arrays, sometimes with a stray piece after or inside.
      static const std::vector<std::string_view> kItems = {"\"a\"", "\"b,c\"", "1", "-2", "true", "null", "{}",
                                                           "{\"k\":[1]}", "[1,[2]]", "\"\\\"\"", "\"\""};
      std::uniform_int_distribution<std::size_t> item(0, kItems.size() - 1), count(0, 3), coin(0, 3);
      value = coin(rng) == 0 ? " [" : "[";
      for (std::size_t n = count(rng), k = 0; k < n; ++k) {
        if (k > 0) value += coin(rng) == 0 ? " , " : ",";
        value.append(kItems[item(rng)]);
      }
      value += "]";
      if (coin(rng) == 0) value.append(kPieces[piece(rng)]);
      if (coin(rng) == 0) value.insert(value.size() / 2, kPieces[piece(rng)]);
    } else {
      for (std::size_t n = length(rng); n > 0; --n) value.append(kPieces[piece(rng)]);
    }
    const auto expected = reference_list(value);
    list.assign(value, scratch);
    std::vector<std::string> actual;
    for (std::size_t i = 0; i < list.size(); ++i) actual.emplace_back(list.text(i));
    ASSERT_EQ(actual, expected) << "value: " << value;
    const auto parsed = nlohmann::json::parse(value, nullptr, false);
    if (!parsed.is_discarded() && parsed.is_array() && !parsed.empty()) ++json_arrays;
  }
  EXPECT_GT(json_arrays, 100);  // the generator does produce real JSON arrays
}

TEST(ConditionAllIn, ArrayMustContainEveryItem) {
  EXPECT_TRUE(P("ALL_IN", "a", "a, c", R"({"a":["a","b","c"]})"));
  EXPECT_FALSE(P("ALL_IN", "a", "a, d", R"({"a":["a","b","c"]})"));
  EXPECT_TRUE(P("ALL_IN", "a", R"(["x", 1.0])", R"({"a":[1,"x"]})"));
  EXPECT_FALSE(P("ALL_IN", "a", R"(["x", 2])", R"({"a":[1,"x"]})"));
  EXPECT_TRUE(P("ALL_IN", "a", "a,a", R"({"a":["a"]})"));
}

TEST(ConditionAllIn, ScalarMustEqualEveryItem) {
  EXPECT_TRUE(P("ALL_IN", "s", "a,a", R"({"s":"a"})"));
  EXPECT_FALSE(P("ALL_IN", "s", "a,b", R"({"s":"a"})"));
  EXPECT_TRUE(P("ALL_IN", "n", "5, 5.0", R"({"n":5})"));
  EXPECT_FALSE(P("ALL_IN", "n", "5, 6", R"({"n":5})"));
  EXPECT_FALSE(P("ALL_IN", "nope", "a", R"({})"));
  EXPECT_FALSE(P("ALL_IN", "n", "null", R"({"n":null})"));
}

TEST(ConditionAllIn, EmptyListPassesWhenDefined) {
  EXPECT_TRUE(P("ALL_IN", "s", "", R"({"s":"x"})"));
  EXPECT_TRUE(P("ALL_IN", "s", "  ", R"({"s":"x"})"));
  EXPECT_TRUE(P("ALL_IN", "a", "", R"({"a":["q"]})"));
  EXPECT_TRUE(P("ALL_IN", "a", "", R"({"a":[]})"));
  EXPECT_TRUE(P("ALL_IN", "n", "", R"({"n":null})"));
  EXPECT_TRUE(P("ALL_IN", "o", "", R"({"o":{}})"));
  EXPECT_FALSE(P("ALL_IN", "nope", "", R"({})"));
}

// ---- BETWEEN / NOT_BETWEEN ----------------------------------------------------------------

TEST(ConditionBetween, NumbersInclusive) {
  EXPECT_TRUE(P("BETWEEN", "n", "10,20", R"({"n":15})"));
  EXPECT_TRUE(P("BETWEEN", "n", "10,20", R"({"n":10})"));
  EXPECT_TRUE(P("BETWEEN", "n", "10,20", R"({"n":20})"));
  EXPECT_TRUE(P("BETWEEN", "n", "10.0, 2e1", R"({"n":20})"));
  EXPECT_FALSE(P("BETWEEN", "n", "10,20", R"({"n":9.99})"));
  EXPECT_FALSE(P("BETWEEN", "n", "10,20", R"({"n":20.01})"));
  EXPECT_TRUE(P("BETWEEN", "n", " 10 , 20 ", R"({"n":15})"));
  EXPECT_TRUE(P("BETWEEN", "n", "[10, 20]", R"({"n":15})"));
  EXPECT_TRUE(P("BETWEEN", "n", R"(["10", "20"])", R"({"n":15})"));
  EXPECT_FALSE(P("BETWEEN", "n", "20,10", R"({"n":15})"));
  EXPECT_FALSE(P("BETWEEN", "n", "a,20", R"({"n":15})"));
}

TEST(ConditionBetween, Strings) {
  EXPECT_TRUE(P("BETWEEN", "s", "9,100", R"({"s":"50"})"));  // numeric; byte-wise "50" < "9"
  EXPECT_FALSE(P("BETWEEN", "s", "9,100", R"({"s":"abc"})"));
  EXPECT_TRUE(P("BETWEEN", "d", "2026-01-01,2026-12-31", R"({"d":"2026-06-15"})"));
  EXPECT_FALSE(P("BETWEEN", "d", "2026-01-01,2026-12-31", R"({"d":"2027-01-01"})"));
  EXPECT_TRUE(P("BETWEEN", "s", "b,d", R"({"s":"c"})"));
  EXPECT_TRUE(P("BETWEEN", "s", "b,d", R"({"s":"b"})"));
  EXPECT_FALSE(P("BETWEEN", "s", "b,d", R"({"s":"da"})"));
}

TEST(ConditionBetween, OtherTypesFail) {
  EXPECT_FALSE(P("BETWEEN", "b", "a,z", R"({"b":true})"));
  EXPECT_FALSE(P("BETWEEN", "n", "a,z", R"({"n":null})"));
  EXPECT_FALSE(P("BETWEEN", "nope", "a,z", R"({})"));
  EXPECT_FALSE(P("BETWEEN", "a", "0,9", R"({"a":[1]})"));
  EXPECT_TRUE(P("NOT_BETWEEN", "b", "a,z", R"({"b":true})"));
  EXPECT_TRUE(P("NOT_BETWEEN", "nope", "a,z", R"({})"));
}

TEST(ConditionBetween, NotTwoItemsFails) {
  // Validation rejects such static values when written; the evaluation still must not pass.
  EXPECT_FALSE(P("BETWEEN", "n", "10", R"({"n":10})"));
  EXPECT_FALSE(P("BETWEEN", "n", "1,2,3", R"({"n":2})"));
  EXPECT_FALSE(P("BETWEEN", "n", "", R"({"n":2})"));
  EXPECT_TRUE(P("NOT_BETWEEN", "n", "10", R"({"n":10})"));
  EXPECT_TRUE(P("NOT_BETWEEN", "n", "1,2,3", R"({"n":2})"));
}

TEST(ConditionNotBetween, IsTheNegationOfBetween) {
  EXPECT_FALSE(P("NOT_BETWEEN", "n", "10,20", R"({"n":15})"));
  EXPECT_TRUE(P("NOT_BETWEEN", "n", "10,20", R"({"n":21})"));
  EXPECT_FALSE(P("NOT_BETWEEN", "s", "9,100", R"({"s":"50"})"));
}

TEST(ConditionBetween, TemplateRenderingToThreeItems) {
  EXPECT_FALSE(P("BETWEEN", "n", "{{payload.r}}", R"({"r":"1,2,3","n":2})"));
  EXPECT_TRUE(P("NOT_BETWEEN", "n", "{{payload.r}}", R"({"r":"1,2,3","n":2})"));
  EXPECT_FALSE(P("BETWEEN", "n", "{{payload.r}}", R"({"r":[1,2,3],"n":2})"));
  EXPECT_TRUE(P("NOT_BETWEEN", "n", "{{payload.r}}", R"({"r":[1,2,3],"n":2})"));
  EXPECT_FALSE(P("BETWEEN", "n", "{{payload.r}}", R"({"n":2})"));
  EXPECT_TRUE(P("NOT_BETWEEN", "n", "{{payload.r}}", R"({"n":2})"));
}

TEST(ConditionBetween, TemplateRenderingToTwoItems) {
  EXPECT_TRUE(P("BETWEEN", "n", "{{payload.r}}", R"({"r":[1,3],"n":2})"));
  EXPECT_TRUE(P("BETWEEN", "n", "{{payload.r}}", R"({"r":"1, 3","n":2})"));
  EXPECT_TRUE(P("BETWEEN", "n", "{{payload.lo}},{{payload.hi}}", R"({"lo":1,"hi":3,"n":3})"));
  EXPECT_FALSE(P("BETWEEN", "n", "{{payload.lo}},{{payload.hi}}", R"({"lo":1,"hi":3,"n":4})"));
  EXPECT_FALSE(P("NOT_BETWEEN", "n", "{{payload.r}}", R"({"r":[1,3],"n":2})"));
}

// ---- LIKE / NOT_LIKE ----------------------------------------------------------------------

TEST(ConditionLike, Patterns) {
  EXPECT_TRUE(P("LIKE", "r", "INV\\_2026\\%Q4", R"({"r":"INV_2026%Q4"})"));
  EXPECT_FALSE(P("LIKE", "r", "INV\\_2026\\%Q4", R"({"r":"INVX2026%Q4"})"));
  EXPECT_TRUE(P("LIKE", "r", "INV_2026%Q4", R"({"r":"INVX2026yyQ4"})"));
  EXPECT_TRUE(P("LIKE", "s", "a\\\\b", R"({"s":"a\\b"})"));
  EXPECT_FALSE(P("LIKE", "s", "a\\\\b", R"({"s":"ab"})"));
  EXPECT_TRUE(P("LIKE", "s", "%", R"({"s":""})"));
  EXPECT_TRUE(P("LIKE", "s", "", R"({"s":""})"));
  EXPECT_FALSE(P("LIKE", "s", "", R"({"s":"a"})"));
}

TEST(ConditionLike, CaseSensitive) {
  EXPECT_FALSE(P("LIKE", "s", "hello%", R"({"s":"Hello world"})"));
  EXPECT_TRUE(P("LIKE", "s", "Hello%", R"({"s":"Hello world"})"));
}

TEST(ConditionLike, UnderscoreIsOneCodePoint) {
  EXPECT_TRUE(P("LIKE", "s", "h_llo", R"({"s":"h\u00e9llo"})"));
  EXPECT_TRUE(P("LIKE", "s", "h_llo", R"({"s":"h\u20acllo"})"));
  EXPECT_TRUE(P("LIKE", "s", "_", R"({"s":"\ud83d\ude00"})"));
  EXPECT_TRUE(P("LIKE", "s", "_", "{\"s\":\"\xF0\x9F\x98\x80\"}"));
  EXPECT_FALSE(P("LIKE", "s", "__", "{\"s\":\"\xF0\x9F\x98\x80\"}"));
  EXPECT_FALSE(P("LIKE", "s", "h__llo", R"({"s":"h\u00e9llo"})"));
}

TEST(ConditionLike, OnlyStrings) {
  EXPECT_FALSE(P("LIKE", "n", "1%", R"({"n":123})"));
  EXPECT_FALSE(P("LIKE", "b", "true", R"({"b":true})"));
  EXPECT_FALSE(P("LIKE", "n", "%", R"({"n":null})"));
  EXPECT_FALSE(P("LIKE", "nope", "%", R"({})"));
  EXPECT_FALSE(P("LIKE", "a", "%", R"({"a":["x"]})"));
  EXPECT_TRUE(P("NOT_LIKE", "n", "1%", R"({"n":123})"));
  EXPECT_TRUE(P("NOT_LIKE", "nope", "%", R"({})"));
  EXPECT_TRUE(P("NOT_LIKE", "n", "%", R"({"n":null})"));
}

TEST(ConditionNotLike, IsTheNegationOfLike) {
  EXPECT_TRUE(P("NOT_LIKE", "s", "a%", R"({"s":"ba"})"));
  EXPECT_FALSE(P("NOT_LIKE", "s", "%a", R"({"s":"ba"})"));
}

TEST(ConditionLike, TemplatePatternEndingInLoneBackslash) {
  EXPECT_FALSE(P("LIKE", "s", "{{payload.p}}", R"({"p":"abc\\","s":"abc\\"})"));
  EXPECT_TRUE(P("NOT_LIKE", "s", "{{payload.p}}", R"({"p":"abc\\","s":"abc\\"})"));
  EXPECT_FALSE(P("LIKE", "s", "x{{payload.p}}", R"({"p":"\\","s":"x\\"})"));
  EXPECT_TRUE(P("NOT_LIKE", "s", "x{{payload.p}}", R"({"p":"\\","s":"x\\"})"));
  // An escaped backslash is fine.
  EXPECT_TRUE(P("LIKE", "s", "{{payload.p}}", R"({"p":"abc\\\\","s":"abc\\"})"));
}

TEST(ConditionLike, TemplatePatterns) {
  EXPECT_TRUE(P("LIKE", "s", "{{payload.prefix}}%", R"({"prefix":"ab","s":"abc"})"));
  EXPECT_FALSE(P("LIKE", "s", "{{payload.prefix}}%", R"({"prefix":"ab","s":"xabc"})"));
}

// ---- IS_DEFINED ---------------------------------------------------------------------------

TEST(ConditionIsDefined, NullIsDefinedMissingIsNot) {
  EXPECT_TRUE(P("IS_DEFINED", "n", std::nullopt, R"({"n":null})"));
  EXPECT_TRUE(P("IS_DEFINED", "s", std::nullopt, R"({"s":""})"));
  EXPECT_TRUE(P("IS_DEFINED", "b", std::nullopt, R"({"b":false})"));
  EXPECT_TRUE(P("IS_DEFINED", "n", std::nullopt, R"({"n":0})"));
  EXPECT_TRUE(P("IS_DEFINED", "a", std::nullopt, R"({"a":[]})"));
  EXPECT_TRUE(P("IS_DEFINED", "o", std::nullopt, R"({"o":{}})"));
  EXPECT_FALSE(P("IS_DEFINED", "nope", std::nullopt, R"({"n":null})"));
  EXPECT_FALSE(P("IS_DEFINED", "n.x", std::nullopt, R"({"n":null})"));
}

TEST(ConditionIsDefined, ValueIsIgnored) {
  EXPECT_TRUE(P("IS_DEFINED", "s", "no", R"({"s":"yes"})"));
  EXPECT_FALSE(P("IS_DEFINED", "nope", "yes", R"({"s":"yes"})"));
  EXPECT_TRUE(P("IS_DEFINED", "s", "{{payload.nope}}", R"({"s":"yes"})"));
}

// ---- field resolution (3.2) ---------------------------------------------------------------

TEST(ConditionPath, ArrayIndexes) {
  const std::string lines = R"({"lines":[{"sku":"KB"},{"sku":"MS"}]})";
  EXPECT_TRUE(P("EQUAL", "lines[1].sku", "MS", lines));
  EXPECT_TRUE(P("EQUAL", "lines.1.sku", "MS", lines));
  EXPECT_TRUE(P("EQUAL", "lines[\"1\"].sku", "MS", lines));
  EXPECT_FALSE(P("EQUAL", "lines[0].sku", "MS", lines));
  EXPECT_TRUE(P("EQUAL", "lines[0].sku", "KB", lines));
  EXPECT_FALSE(P("IS_DEFINED", "lines[2].sku", std::nullopt, lines));
  EXPECT_FALSE(P("IS_DEFINED", "lines[2]", std::nullopt, lines));
  EXPECT_FALSE(P("IS_DEFINED", "lines.x", std::nullopt, lines));
  EXPECT_FALSE(P("IS_DEFINED", "lines[01]", std::nullopt, lines));
  EXPECT_FALSE(P("IS_DEFINED", "lines.-1", std::nullopt, lines));
  EXPECT_FALSE(P("IS_DEFINED", "lines.sku", std::nullopt, lines));
  EXPECT_TRUE(P("IS_DEFINED", "lines[1]", std::nullopt, lines));
}

TEST(ConditionPath, NestedArrays) {
  EXPECT_TRUE(P("EQUAL", "m[1][0]", "3", R"({"m":[[1,2],[3,4]]})"));
  EXPECT_TRUE(P("EQUAL", "m.1.1", "4", R"({"m":[[1,2],[3,4]]})"));
  EXPECT_FALSE(P("IS_DEFINED", "m[1][2]", std::nullopt, R"({"m":[[1,2],[3,4]]})"));
}

TEST(ConditionPath, DigitKeyOnAnObjectIsAKey) {
  EXPECT_TRUE(P("EQUAL", "codes.2", "two", R"({"codes":{"2":"two"}})"));
  EXPECT_TRUE(P("EQUAL", "codes[2]", "two", R"({"codes":{"2":"two"}})"));
  EXPECT_TRUE(P("EQUAL", "codes.2", "two", R"({"codes":["zero","one","two"]})"));
  EXPECT_TRUE(P("EQUAL", "codes[2]", "two", R"({"codes":["zero","one","two"]})"));
  EXPECT_TRUE(P("EQUAL", "codes.02", "x", R"({"codes":{"02":"x"}})"));
  EXPECT_FALSE(P("IS_DEFINED", "codes.02", std::nullopt, R"({"codes":["a","b","c"]})"));
  EXPECT_FALSE(P("IS_DEFINED", "codes.2", std::nullopt, R"({"codes":{"02":"x"}})"));
}

TEST(ConditionPath, ThroughAScalarIsMissing) {
  EXPECT_FALSE(P("IS_DEFINED", "s.length", std::nullopt, R"({"s":"abc"})"));
  EXPECT_FALSE(P("IS_DEFINED", "s[0]", std::nullopt, R"({"s":"abc"})"));
  EXPECT_FALSE(P("IS_DEFINED", "n.x", std::nullopt, R"({"n":5})"));
  EXPECT_TRUE(P("NOT_EQUAL", "s[0]", "a", R"({"s":"abc"})"));
}

TEST(ConditionPath, QuotedKeys) {
  EXPECT_TRUE(P("EQUAL", "[\"k.with.dots\"]", "v", R"({"k.with.dots":"v"})"));
  EXPECT_TRUE(P("EQUAL", "['k.with.dots']", "v", R"({"k.with.dots":"v"})"));
  EXPECT_FALSE(P("IS_DEFINED", "k.with.dots", std::nullopt, R"({"k.with.dots":"v"})"));
  EXPECT_TRUE(P("EQUAL", "k.with.dots", "deep", R"({"k":{"with":{"dots":"deep"}},"k.with.dots":"v"})"));
  EXPECT_TRUE(P("EQUAL", "[\"\"]", "e", R"({"":"e"})"));
  EXPECT_TRUE(P("EQUAL", R"(["a\"b"])", "1", R"({"a\"b":"1"})"));
  EXPECT_TRUE(P("EQUAL", "o[\"x y\"].z", "1", R"({"o":{"x y":{"z":"1"}}})"));
}

TEST(ConditionPath, EscapedKeysInTheEventAreDecoded) {
  EXPECT_TRUE(P("EQUAL", "k\xC3\xA9y", "v", R"({"k\u00e9y":"v"})"));
}

TEST(ConditionPath, SameFieldTwoSpellings) {
  // `a[1]` and `a.1` in one group: the same field.
  std::vector<ConditionGroup> groups{group({pay("a[1]", "EQUAL", "y"), pay("a.1", "IN", "y")})};
  EventParts e;
  e.payload = R"({"a":["x","y"]})";
  EXPECT_TRUE(Chosen(groups, event_json(e)));
  e.payload = R"({"a":["y","x"]})";
  EXPECT_FALSE(Chosen(groups, event_json(e)));
}

// ---- templates (3.3) ----------------------------------------------------------------------

TEST(ConditionTemplate, PayloadReference) {
  EXPECT_TRUE(P("LARGER", "amount", "{{payload.limit}}", R"({"limit":100,"amount":150})"));
  EXPECT_FALSE(P("LARGER", "amount", "{{payload.limit}}", R"({"limit":200,"amount":150})"));
  EXPECT_TRUE(P("LARGER", "amount", "{{payload.limit}}", R"({"limit":"100","amount":150})"));
  EXPECT_TRUE(P("EQUAL", "amount", "{{payload.amount}}", R"({"amount":150})"));
}

TEST(ConditionTemplate, SpacesInsideBraces) {
  EXPECT_TRUE(P("EQUAL", "s", "{{ payload.x }}", R"({"x":"v","s":"v"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{  payload.x}}", R"({"x":"v","s":"v"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.x   }}", R"({"x":"v","s":"v"})"));
}

TEST(ConditionTemplate, OtherWhitespaceLeavesItAsWritten) {
  EXPECT_TRUE(P("EQUAL", "s", "{{\tpayload.x}}", R"({"x":"v","s":"{{\tpayload.x}}"})"));
  EXPECT_FALSE(P("EQUAL", "s", "{{\tpayload.x}}", R"({"x":"v","s":"v"})"));
  // Not trimmed: whatever `x\n` means, it is not the key "x".
  EXPECT_FALSE(P("EQUAL", "s", "{{payload.x\n}}", R"({"x":"v","s":"v"})"));
  EXPECT_FALSE(P("EQUAL", "s", "{{\npayload.x}}", R"({"x":"v","s":"v"})"));
}

TEST(ConditionTemplate, NumbersAsWritten) {
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.price}}", R"({"price":1.50,"s":"1.50"})"));
  EXPECT_FALSE(P("EQUAL", "s", "{{payload.price}}", R"({"price":1.50,"s":"1.5"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.n}}", R"({"n":1E+2,"s":"1E+2"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.n}}", R"({"n":-0.0,"s":"-0.0"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.n}}", R"({"n":12345678901234567890,"s":"12345678901234567890"})"));
}

TEST(ConditionTemplate, StringsAsIsWithoutHtmlEscaping) {
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.x}}", R"({"x":"Ada \"L\" <b>&amp;</b>","s":"Ada \"L\" <b>&amp;</b>"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.x}}", R"({"x":"a\\b\u00e9\n","s":"a\\b\u00e9\n"})"));
}

TEST(ConditionTemplate, Booleans) {
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.flag}}", R"({"flag":true,"s":"true"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.flag}}", R"({"flag":false,"s":"false"})"));
  EXPECT_TRUE(P("EQUAL", "flag", "{{payload.s}}", R"({"flag":true,"s":"true"})"));
}

TEST(ConditionTemplate, ObjectsAsMinifiedJsonInEventOrder) {
  const std::string payload =
      R"({"obj": { "b" : 1, "a" : [ 1 , 2.0 , "x" ], "c": {"z": null, "y": false} },)"
      R"( "s": "{\"b\":1,\"a\":[1,2.0,\"x\"],\"c\":{\"z\":null,\"y\":false}}"})";
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.obj}}", payload));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.obj}}", R"({"obj":{},"s":"{}"})"));
}

TEST(ConditionTemplate, ArraysAsMinifiedJson) {
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.arr}}", R"({"arr":[ "a", {"k": null}, true ],"s":"[\"a\",{\"k\":null},true]"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.arr}}", R"({"arr":[],"s":"[]"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.arr}}", R"({"arr":[[1,[2]],[]],"s":"[[1,[2]],[]]"})"));
}

TEST(ConditionTemplate, OnlyRequiredEscapesInRenderedJson) {
  // \/ is decoded and not re-escaped; é stays raw; " and \ are escaped.
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.obj}}",
                R"({"obj":{"q":"a\"b\\c\u00e9\/"},"s":"{\"q\":\"a\\\"b\\\\c\u00e9/\"}"})"));
  // Keys are escaped the same way.
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.obj}}", R"({"obj":{"k\"\/":1},"s":"{\"k\\\"/\":1}"})"));
}

TEST(ConditionTemplate, ContainerAndItsMemberBothRendered) {
  std::vector<ConditionGroup> groups{
      group({pay("t", "EQUAL", "{{payload.o}}"), pay("u", "EQUAL", "{{payload.o.s}}")})};
  EventParts e;
  e.payload = R"({"o":{"s":"q","n":[1]},"t":"{\"s\":\"q\",\"n\":[1]}","u":"q"})";
  EXPECT_TRUE(Chosen(groups, event_json(e)));
  e.payload = R"({"o":{"s":"q","n":[1]},"t":"{\"s\":\"q\",\"n\":[1]}","u":"\"q\""})";
  EXPECT_FALSE(Chosen(groups, event_json(e)));
}

TEST(ConditionTemplate, MissingAndNullRenderEmpty) {
  EXPECT_TRUE(P("EQUAL", "s", "x{{payload.nope}}y", R"({"s":"xy"})"));
  EXPECT_TRUE(P("EQUAL", "s", "x{{payload.n}}y", R"({"n":null,"s":"xy"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.n}}", R"({"n":null,"s":""})"));
  EXPECT_FALSE(P("EQUAL", "s", "{{payload.n}}", R"({"n":null,"s":"null"})"));
  EXPECT_TRUE(P("EQUAL", "s", "x{{payload.a[5]}}y", R"({"a":[1],"s":"xy"})"));
}

TEST(ConditionTemplate, UnparsablePathLeftAsWritten) {
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.a..b}}", R"({"s":"{{payload.a..b}}"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.}}", R"({"s":"{{payload.}}"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.a[x]}}", R"({"a":{"x":1},"s":"{{payload.a[x]}}"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{ payload.a..b }}!", R"({"s":"{{ payload.a..b }}!"})"));
}

TEST(ConditionTemplate, OtherContentLeftAsWritten) {
  EXPECT_TRUE(P("EQUAL", "s", "{{other.x}}", R"({"other":{"x":"no"},"s":"{{other.x}}"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload}}", R"({"s":"{{payload}}"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{Payload.x}}", R"({"x":"v","s":"{{Payload.x}}"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.x}", R"({"x":"v","s":"{{payload.x}"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{payload.x}}", R"({"x":"v","s":"{payload.x}}"})"));
}

// Suspected BUG (contract 3.3): a reference inside the value is replaced wherever it occurs;
// here an earlier unmatched `{{` swallows it, so it stays as written.
TEST(ConditionTemplate, ReferenceAfterAStrayOpeningBrace) {
  EXPECT_TRUE(P("EQUAL", "s", "{{{payload.x}}}", R"({"x":"v","s":"{v}"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{ {{payload.x}}", R"({"x":"v","s":"{{ v"})"));
  EXPECT_TRUE(P("EQUAL", "s", "a{{b {{payload.x}} c", R"({"x":"v","s":"a{{b v c"})"));
}

TEST(ConditionTemplate, SeveralReferencesAndLiterals) {
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.a}}-{{payload.b}}!", R"({"a":"x","b":2,"s":"x-2!"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.a}}{{payload.a}}", R"({"a":"x","s":"xx"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{other.x}}{{payload.a}}", R"({"a":"x","s":"{{other.x}}x"})"));
}

TEST(ConditionTemplate, RenderedTextIsNotExpandedAgain) {
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.x}}", R"({"x":"{{payload.y}}","y":"v","s":"{{payload.y}}"})"));
  EXPECT_FALSE(P("EQUAL", "s", "{{payload.x}}", R"({"x":"{{payload.y}}","y":"v","s":"v"})"));
}

TEST(ConditionTemplate, PathSyntaxInsideReferences) {
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.list[1]}}", R"({"list":["p","q"],"s":"q"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.list.1}}", R"({"list":["p","q"],"s":"q"})"));
  EXPECT_TRUE(P("EQUAL", "s", "{{payload.[\"k.d\"]}}", R"({"k.d":"kd","s":"kd"})"));
  // The reference must start with `payload.`: anything else is left as written.
  EXPECT_TRUE(P("EQUAL", "s", "{{payload[\"k.d\"]}}", R"({"k.d":"kd","s":"{{payload[\"k.d\"]}}"})"));
}

TEST(ConditionTemplate, ListsFromTemplates) {
  EXPECT_TRUE(P("ANY_IN", "c", "{{payload.allowed}}", R"({"allowed":["DE","FR"],"c":"FR"})"));
  EXPECT_FALSE(P("ANY_IN", "c", "{{payload.allowed}}", R"({"allowed":["DE","FR"],"c":"IT"})"));
  EXPECT_TRUE(P("ANY_IN", "c", "{{payload.allowed}}", R"({"allowed":"DE, FR","c":"FR"})"));
  EXPECT_FALSE(P("ANY_IN", "c", "{{payload.allowed}}", R"({"c":""})"));
  EXPECT_TRUE(P("ALL_IN", "c", "{{payload.allowed}}", R"({"c":"x"})"));
}

TEST(ConditionTemplate, SubscriberAndTenantReferences) {
  EventParts e;
  e.subscriber = R"({"subscriberId":"sub-1","data":{"tier":"gold"}})";
  e.tenant = R"({"data":{"tier":"gold","plan":"pro"}})";
  EXPECT_TRUE(Chosen(child(ConditionOn::kTenant, "data.tier", "EQUAL", "{{subscriber.data.tier}}"), e));
  EXPECT_TRUE(Chosen(child(ConditionOn::kSubscriber, "data.tier", "EQUAL", "{{tenant.data.tier}}"), e));
  EXPECT_FALSE(Chosen(child(ConditionOn::kSubscriber, "data.tier", "EQUAL", "{{tenant.data.plan}}"), e));
  e.payload = R"({"s":"{\"tier\":\"gold\"}"})";
  EXPECT_TRUE(Chosen(pay("s", "EQUAL", "{{subscriber.data}}"), e));
}

// ---- where the field lives ----------------------------------------------------------------

TEST(ConditionSource, Tenant) {
  EventParts e;
  e.tenant = R"({"identifier":"acme","name":"Acme","data":{"plan":"pro"}})";
  EXPECT_TRUE(Chosen(child(ConditionOn::kTenant, "data.plan", "EQUAL", "pro"), e));
  EXPECT_FALSE(Chosen(child(ConditionOn::kTenant, "data.plan", "EQUAL", "free"), e));
  EXPECT_TRUE(Chosen(child(ConditionOn::kTenant, "identifier", "EQUAL", "acme"), e));
  // A tenant condition does not read the payload.
  e.payload = R"({"data":{"plan":"free"}})";
  EXPECT_TRUE(Chosen(child(ConditionOn::kTenant, "data.plan", "EQUAL", "pro"), e));
  EXPECT_FALSE(Chosen(child(ConditionOn::kPayload, "data.plan", "EQUAL", "pro"), e));
}

TEST(ConditionSource, AbsentTenant) {
  EventParts e;
  EXPECT_FALSE(Chosen(child(ConditionOn::kTenant, "data.plan", "EQUAL", "pro"), e));
  EXPECT_TRUE(Chosen(child(ConditionOn::kTenant, "data.plan", "NOT_EQUAL", "pro"), e));
  EXPECT_FALSE(Chosen(child(ConditionOn::kTenant, "identifier", "IS_DEFINED", std::nullopt), e));
  e.tenant = "{}";
  EXPECT_FALSE(Chosen(child(ConditionOn::kTenant, "identifier", "IS_DEFINED", std::nullopt), e));
}

TEST(ConditionSource, Subscriber) {
  EventParts e;
  e.subscriber = R"({"subscriberId":"sub-1","locale":"de","data":{"tier":"gold","orders":12}})";
  EXPECT_TRUE(Chosen(child(ConditionOn::kSubscriber, "subscriberId", "EQUAL", "sub-1"), e));
  EXPECT_TRUE(Chosen(child(ConditionOn::kSubscriber, "data.orders", "LARGER", "10"), e));
  EXPECT_FALSE(Chosen(child(ConditionOn::kSubscriber, "data.orders", "LARGER", "12"), e));
  EXPECT_TRUE(Chosen(child(ConditionOn::kSubscriber, "data.tier", "ANY_IN", "gold,platinum"), e));
  EXPECT_FALSE(Chosen(child(ConditionOn::kSubscriber, "locale", "EQUAL", "fr"), e));
  EXPECT_FALSE(Chosen(child(ConditionOn::kSubscriber, "email", "IS_DEFINED", std::nullopt), e));
  EXPECT_FALSE(Chosen(child(ConditionOn::kPayload, "locale", "EQUAL", "de"), e));
}

TEST(ConditionSource, SubscriberChannels) {
  EventParts e;
  e.subscriber =
      R"({"subscriberId":"sub-1","channels":[{"providerId":"slack","credentials":{"webhookUrl":"https://h/1"}},)"
      R"({"providerId":"fcm","integrationIdentifier":"fcm-main","credentials":{"deviceTokens":["t1","t2"]}}]})";
  EXPECT_TRUE(Chosen(child(ConditionOn::kSubscriber, "channels[0].providerId", "EQUAL", "slack"), e));
  EXPECT_TRUE(Chosen(child(ConditionOn::kSubscriber, "channels.1.integrationIdentifier", "EQUAL", "fcm-main"), e));
  EXPECT_TRUE(Chosen(child(ConditionOn::kSubscriber, "channels[0].credentials.webhookUrl", "LIKE", "https://%"), e));
  EXPECT_TRUE(Chosen(child(ConditionOn::kSubscriber, "channels[1].credentials.deviceTokens", "IN", "t2"), e));
  EXPECT_TRUE(Chosen(child(ConditionOn::kSubscriber, "channels", "IS_DEFINED", std::nullopt), e));
  EXPECT_FALSE(Chosen(child(ConditionOn::kSubscriber, "channels[2]", "IS_DEFINED", std::nullopt), e));
  EXPECT_FALSE(Chosen(child(ConditionOn::kSubscriber, "channels", "IN", "slack"), e));
  e.payload = R"({"s":"{\"providerId\":\"slack\",\"credentials\":{\"webhookUrl\":\"https://h/1\"}}"})";
  EXPECT_TRUE(Chosen(pay("s", "EQUAL", "{{subscriber.channels[0]}}"), e));
}

TEST(ConditionSource, ObjectsBeforeTheIdsOfTheEvent) {
  // payload, subscriber and tenant may come before organizationId/environmentId/channel.
  const std::vector<ConditionGroup> groups{
      group({pay("amount", "LARGER", "100"), child(ConditionOn::kSubscriber, "data.tier", "EQUAL", "gold"),
             child(ConditionOn::kTenant, "plan", "EQUAL", "pro")})};
  const std::string passing =
      R"({"payload":{"amount":150},"subscriber":{"subscriberId":"s","data":{"tier":"gold"}},)"
      R"("tenant":{"plan":"pro"},"id":"x","organizationId":"o","environmentId":"e","channel":"email"})";
  const std::string failing =
      R"({"payload":{"amount":50},"subscriber":{"subscriberId":"s","data":{"tier":"gold"}},)"
      R"("tenant":{"plan":"pro"},"id":"x","organizationId":"o","environmentId":"e","channel":"email"})";
  EXPECT_TRUE(Chosen(groups, passing));
  EXPECT_FALSE(Chosen(groups, failing));
}

// BUG (contract 2, 3): keys are JSON strings, so `"organization\u0049d"` is the key
// organizationId. When payload comes before the ids, the parser looks the ids up by their raw
// (escaped) spelling, finds no bucket, and every condition then reads a missing field.
TEST(ConditionSource, EscapedIdKeysWhenObjectsComeFirst) {
  const std::vector<ConditionGroup> groups{group({pay("amount", "LARGER", "100")})};
  const std::string ids_first =
      R"({"id":"x","organization\u0049d":"o","environment\u0049d":"e","ch\u0061nnel":"email",)"
      R"("subscriber":{"subscriberId":"s"},"payload":{"amount":150}})";
  const std::string payload_first =
      R"({"payload":{"amount":150},"id":"x","organization\u0049d":"o","environment\u0049d":"e",)"
      R"("ch\u0061nnel":"email","subscriber":{"subscriberId":"s"}})";
  EXPECT_TRUE(Chosen(groups, ids_first));
  EXPECT_TRUE(Chosen(groups, payload_first));
}

// ---- groups (3.1) -------------------------------------------------------------------------

TEST(ConditionGroups, AndNeedsEveryChild) {
  EventParts e;
  e.payload = R"({"a":1,"b":2})";
  EXPECT_TRUE(Chosen({group({pay("a", "EQUAL", "1"), pay("b", "EQUAL", "2")})}, event_json(e)));
  EXPECT_FALSE(Chosen({group({pay("a", "EQUAL", "1"), pay("b", "EQUAL", "3")})}, event_json(e)));
  EXPECT_FALSE(Chosen({group({pay("a", "EQUAL", "0"), pay("b", "EQUAL", "2")})}, event_json(e)));
}

TEST(ConditionGroups, OrNeedsOneChild) {
  EventParts e;
  e.payload = R"({"a":1,"b":2})";
  EXPECT_TRUE(Chosen({group({pay("a", "EQUAL", "0"), pay("b", "EQUAL", "2")}, GroupLogic::kOr)}, event_json(e)));
  EXPECT_TRUE(Chosen({group({pay("a", "EQUAL", "1"), pay("b", "EQUAL", "0")}, GroupLogic::kOr)}, event_json(e)));
  EXPECT_FALSE(Chosen({group({pay("a", "EQUAL", "0"), pay("b", "EQUAL", "0")}, GroupLogic::kOr)}, event_json(e)));
}

TEST(ConditionGroups, EmptyGroupsPass) {
  EventParts e;
  EXPECT_TRUE(Chosen({group({}, GroupLogic::kAnd)}, event_json(e)));
  EXPECT_TRUE(Chosen({group({}, GroupLogic::kOr)}, event_json(e)));
  // Negated, the empty group fails.
  EXPECT_FALSE(Chosen({group({}, GroupLogic::kAnd, true)}, event_json(e)));
  EXPECT_FALSE(Chosen({group({}, GroupLogic::kOr, true)}, event_json(e)));
}

TEST(ConditionGroups, NegatedGroup) {
  EventParts e;
  e.payload = R"({"segment":"enterprise","a":1})";
  EXPECT_FALSE(Chosen({group({pay("segment", "EQUAL", "enterprise")}, GroupLogic::kAnd, true)}, event_json(e)));
  EXPECT_TRUE(Chosen({group({pay("segment", "EQUAL", "smb")}, GroupLogic::kAnd, true)}, event_json(e)));
  // NOT(a AND b) with a true, b false: passes.
  EXPECT_TRUE(Chosen({group({pay("a", "EQUAL", "1"), pay("segment", "EQUAL", "smb")}, GroupLogic::kAnd, true)},
                     event_json(e)));
  // NOT(a OR b) with a true: fails.
  EXPECT_FALSE(Chosen({group({pay("a", "EQUAL", "1"), pay("segment", "EQUAL", "smb")}, GroupLogic::kOr, true)},
                      event_json(e)));
  // A negated group on a missing field.
  EXPECT_TRUE(Chosen({group({pay("nope", "IS_DEFINED", std::nullopt)}, GroupLogic::kAnd, true)}, event_json(e)));
}

TEST(ConditionGroups, GroupsAreOred) {
  EventParts e;
  e.payload = R"({"a":1,"b":2})";
  EXPECT_TRUE(Chosen({group({pay("a", "EQUAL", "0")}), group({pay("b", "EQUAL", "2")})}, event_json(e)));
  EXPECT_TRUE(Chosen({group({pay("a", "EQUAL", "1")}), group({pay("b", "EQUAL", "0")})}, event_json(e)));
  EXPECT_FALSE(Chosen({group({pay("a", "EQUAL", "0")}), group({pay("b", "EQUAL", "0")})}, event_json(e)));
  // A negated group among others.
  EXPECT_TRUE(Chosen({group({pay("a", "EQUAL", "0")}), group({pay("b", "EQUAL", "0")}, GroupLogic::kAnd, true)},
                     event_json(e)));
  EXPECT_FALSE(Chosen({group({pay("a", "EQUAL", "0")}), group({pay("b", "EQUAL", "2")}, GroupLogic::kAnd, true)},
                      event_json(e)));
}

// ---- integrations written as JSON ---------------------------------------------------------

// The same end-to-end check with the integration parsed from its wire form.
testing::AssertionResult ChosenFromJson(std::string_view child_json, const std::string& payload) {
  const std::string file = std::string(R"([{"_id":"id-cond","_environmentId":"e","_organizationId":"o",)") +
                           R"("name":"cond","identifier":"cond","providerId":"sendgrid","channel":"email",)" +
                           R"("active":true,"deleted":false,"primary":false,)" +
                           R"("conditions":[{"isNegated":false,"type":"GROUP","value":"AND","children":[)" +
                           std::string(child_json) + "]}]}]";
  IntegrationFile parsed = parse_integrations_file(file);
  if (!parsed.errors.empty()) {
    return testing::AssertionFailure() << "integration rejected: " << parsed.errors[0].path << ": "
                                       << parsed.errors[0].message;
  }
  EventParts e;
  e.payload = payload;
  const std::string event = event_json(e);
  auto snapshot = IntegrationSnapshot::build(std::move(parsed.integrations));
  Router router;
  Decision decision;
  Error error;
  if (!router.route(event, *snapshot, RouteOptions{2, true}, decision, error)) {
    return testing::AssertionFailure() << "event rejected: " << error.message;
  }
  if (decision.size() == 1 && !decision[0].candidates.empty() &&
      decision[0].reason == RouteReason::kConditionsMatched) {
    return testing::AssertionSuccess() << child_json << " passes on " << payload;
  }
  return testing::AssertionFailure() << child_json << " fails on " << payload;
}

TEST(ConditionFromJson, NumberAndBooleanValuesBecomeTheirJsonText) {
  EXPECT_TRUE(ChosenFromJson(R"({"on":"payload","field":"s","operator":"EQUAL","value":10})", R"({"s":"10"})"));
  EXPECT_TRUE(ChosenFromJson(R"({"on":"payload","field":"n","operator":"EQUAL","value":10})", R"({"n":10.0})"));
  EXPECT_TRUE(ChosenFromJson(R"({"on":"payload","field":"b","operator":"EQUAL","value":true})", R"({"b":true})"));
  EXPECT_TRUE(ChosenFromJson(R"({"on":"payload","field":"s","operator":"EQUAL","value":false})", R"({"s":"false"})"));
  EXPECT_FALSE(ChosenFromJson(R"({"on":"payload","field":"s","operator":"EQUAL","value":10})", R"({"s":"10.0"})"));
}

TEST(ConditionFromJson, IsDefinedWithoutValue) {
  EXPECT_TRUE(ChosenFromJson(R"({"on":"payload","field":"n","operator":"IS_DEFINED"})", R"({"n":null})"));
  EXPECT_FALSE(ChosenFromJson(R"({"on":"payload","field":"n","operator":"IS_DEFINED"})", R"({})"));
}

TEST(ConditionFromJson, Templates) {
  EXPECT_TRUE(ChosenFromJson(R"({"on":"payload","field":"amount","operator":"LARGER","value":"{{ payload.limit }}"})",
                             R"({"amount":5,"limit":4})"));
  EXPECT_TRUE(ChosenFromJson(R"({"on":"payload","field":"n","operator":"BETWEEN","value":"{{payload.r}}"})",
                             R"({"n":2,"r":[1,3]})"));
}

}  // namespace
}  // namespace switchboard::routing
