// JsonSyntaxCheck: the complete syntax pass that lets routing read events lazily. It must
// agree with RFC 8259 where simdjson's DOM parser alone would not (numbers beyond 64-bit
// integers or double range are valid JSON) and enforce the nesting limit.

#include <gtest/gtest.h>

#include <string>

#include "routing/json_syntax_check.h"

namespace switchboard::routing {
namespace {

simdjson::error_code check(std::string_view text, std::size_t max_depth = 65) {
  return JsonSyntaxCheck(max_depth).check(text);
}

std::string nested(int containers) {
  std::string s;
  for (int i = 0; i < containers; ++i) s += (i % 2 == 0) ? "[" : "{\"k\":";
  s += "0";
  for (int i = containers - 1; i >= 0; --i) s += (i % 2 == 0) ? "]" : "}";
  return s;
}

class WellFormed : public ::testing::TestWithParam<const char*> {};
TEST_P(WellFormed, Passes) { EXPECT_EQ(check(GetParam()), simdjson::SUCCESS) << GetParam(); }
INSTANTIATE_TEST_SUITE_P(
    Inputs, WellFormed,
    ::testing::Values(R"({})", R"({"a":[1,-2.5e3,true,false,null,"x\u00e9\n"],"b":{"c":{}}})", R"([])", "3",
                      // Valid JSON that simdjson's DOM parser refuses: re-checked exactly.
                      R"({"big":1e400})", R"({"n":123456789012345678901234567890})",
                      R"({"n":-9223372036854775809,"m":18446744073709551616})", R"([1e400, {"k": [2e-999]}])",
                      "1e400", R"({"k\"ey":"v\\"})"));

class Malformed : public ::testing::TestWithParam<const char*> {};
TEST_P(Malformed, Fails) { EXPECT_NE(check(GetParam()), simdjson::SUCCESS) << GetParam(); }
INSTANTIATE_TEST_SUITE_P(
    Inputs, Malformed,
    ::testing::Values("", " ", "{", R"({"a":tru})", R"({"a":01})", R"({"a":1.})", R"({"a":1,})", R"({"a" 1})",
                      R"([1 2])", R"({"a":"\q"})", R"({"a":"\ud800"})", R"({"a":"\u12"})", R"({} {})", R"({"a":nul})",
                      "{\"a\":\"tab\there\"}", "{\"a\":\"\xff\"}",
                      // The exact re-check must be as strict as the DOM pass around a big number.
                      R"({"big":1e400,"bad":tru})", R"({"big":1e400,"bad":01})", R"({"big":1e400} x)",
                      R"([1e400,,2])", R"({"big":1e400,"s":"\q"})", "1e400 1", "1e400 x", "-", "1e"));

TEST(JsonSyntaxCheckTest, NestingLimitCountsTheOutermostContainer) {
  EXPECT_EQ(check(nested(64), 65), simdjson::SUCCESS);
  EXPECT_EQ(check(nested(65), 65), simdjson::DEPTH_ERROR);
}

TEST(JsonSyntaxCheckTest, NestingLimitHoldsOnTheExactPath) {
  // A big number sends the document to the exact walk, which applies the same limit.
  std::string deep = nested(63);
  EXPECT_EQ(check("[1e400," + deep + "]", 65), simdjson::SUCCESS);
  EXPECT_EQ(check("[1e400,[" + deep + "]]", 65), simdjson::DEPTH_ERROR);
}

TEST(JsonSyntaxCheckTest, ReusableAcrossDocumentsOfGrowingSize) {
  JsonSyntaxCheck checker(65);
  for (std::size_t n : {10u, 100000u, 5u}) {
    EXPECT_EQ(checker.check("[" + std::string(n, ' ') + "1]"), simdjson::SUCCESS) << n;
  }
}

}  // namespace
}  // namespace switchboard::routing
