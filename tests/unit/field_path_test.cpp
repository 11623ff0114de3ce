// Field paths of conditions and templates (contract 3.2).

#include "routing/field_path.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::routing {
namespace {

// The keys of a path that must parse.
std::vector<std::string> keys_of(std::string_view text) {
  const auto path = parse_field_path(text);
  EXPECT_TRUE(path.has_value()) << "should parse: " << text;
  std::vector<std::string> keys;
  if (path) {
    for (const auto& segment : *path) keys.push_back(segment.key);
  }
  return keys;
}

using Keys = std::vector<std::string>;

TEST(FieldPath, SingleName) { EXPECT_EQ(keys_of("amount"), Keys{"amount"}); }

TEST(FieldPath, DottedNames) {
  EXPECT_EQ(keys_of("a.b"), (Keys{"a", "b"}));
  EXPECT_EQ(keys_of("order.lines.sku"), (Keys{"order", "lines", "sku"}));
}

TEST(FieldPath, BracketIndexEqualsDottedIndex) {
  const auto bracket = parse_field_path("a[2]");
  const auto dotted = parse_field_path("a.2");
  ASSERT_TRUE(bracket.has_value());
  ASSERT_TRUE(dotted.has_value());
  EXPECT_EQ(*bracket, *dotted);
  EXPECT_EQ(keys_of("a[2]"), (Keys{"a", "2"}));
  ASSERT_EQ(bracket->size(), 2u);
  EXPECT_EQ((*bracket)[1].index, std::optional<std::uint32_t>(2));
  EXPECT_EQ((*bracket)[0].index, std::nullopt);
}

TEST(FieldPath, ChainedBracketsAndNames) {
  EXPECT_EQ(keys_of("a[0][1]"), (Keys{"a", "0", "1"}));
  EXPECT_EQ(keys_of("lines[1].sku"), (Keys{"lines", "1", "sku"}));
  EXPECT_EQ(keys_of("a.0.1"), (Keys{"a", "0", "1"}));
  EXPECT_EQ(keys_of("a[\"x\"].b"), (Keys{"a", "x", "b"}));
}

TEST(FieldPath, BracketFirst) {
  EXPECT_EQ(keys_of("[0]"), Keys{"0"});
  EXPECT_EQ(keys_of("[\"k\"]"), Keys{"k"});
  EXPECT_EQ(keys_of("[0].a"), (Keys{"0", "a"}));
}

TEST(FieldPath, DoubleQuotedKeyWithDots) {
  EXPECT_EQ(keys_of("[\"k.with.dots\"]"), Keys{"k.with.dots"});
  EXPECT_EQ(keys_of("data[\"k.with.dots\"].x"), (Keys{"data", "k.with.dots", "x"}));
}

TEST(FieldPath, SingleQuotedKey) {
  EXPECT_EQ(keys_of("['k']"), Keys{"k"});
  EXPECT_EQ(keys_of("a['b.c']"), (Keys{"a", "b.c"}));
}

TEST(FieldPath, QuotedKeysMayHoldBracketsAndOtherQuote) {
  EXPECT_EQ(keys_of("[\"a]b\"]"), Keys{"a]b"});
  EXPECT_EQ(keys_of("[\"a[b\"]"), Keys{"a[b"});
  EXPECT_EQ(keys_of("['say \"hi\"']"), Keys{"say \"hi\""});
  EXPECT_EQ(keys_of("[\"it's\"]"), Keys{"it's"});
}

TEST(FieldPath, EscapesInsideQuotes) {
  EXPECT_EQ(keys_of(R"(["a\"b"])"), Keys{"a\"b"});
  EXPECT_EQ(keys_of(R"(['it\'s'])"), Keys{"it's"});
  EXPECT_EQ(keys_of(R"(["a\\b"])"), Keys{"a\\b"});
  // A backslash escapes any next character, which then stands for itself.
  EXPECT_EQ(keys_of(R"(["a\nb"])"), Keys{"anb"});
  EXPECT_EQ(keys_of(R"(["a\]b"])"), Keys{"a]b"});
  EXPECT_EQ(keys_of(R"(["\\"])"), Keys{"\\"});
}

TEST(FieldPath, EmptyQuotedKey) {
  EXPECT_EQ(keys_of("[\"\"]"), Keys{""});
  EXPECT_EQ(keys_of("['']"), Keys{""});
  EXPECT_EQ(keys_of("a[\"\"].b"), (Keys{"a", "", "b"}));
}

TEST(FieldPath, NamesMayHoldOtherCharacters) {
  // name := [^.\[\]]+
  EXPECT_EQ(keys_of("a b"), Keys{"a b"});
  EXPECT_EQ(keys_of("a\\b"), Keys{"a\\b"});
  EXPECT_EQ(keys_of("a\"b"), Keys{"a\"b"});
  EXPECT_EQ(keys_of("-1"), Keys{"-1"});
  EXPECT_EQ(keys_of("\xC3\xA9t\xC3\xA9"), Keys{"\xC3\xA9t\xC3\xA9"});
}

TEST(FieldPath, Invalid) {
  for (std::string_view text : {
           "",
           "a..b",
           "a.",
           ".a",
           ".",
           "a.[0]",
           "a[0]b",
           "a[x]",
           "a[",
           "a[0",
           "a[\"x\"",
           "a[\"x",
           "a['x",
           "a['x\"]",
           "a[\"x'",
           "[\"x\"y\"]",
           "a]",
           "]",
           "a[]",
           "a[-1]",
           "a[ 1 ]",
           "a[1 ]",
           "a[+1]",
           "a[1.5]",
           "a[\"x\"]b",
           "a[\"x\"].",
           "a[\"x\\\"]",
           "a.b]",
           "a[0]]",
       }) {
    EXPECT_FALSE(parse_field_path(text).has_value()) << "should not parse: \"" << text << "\"";
  }
}

std::optional<std::uint32_t> index_of_single(std::string_view text) {
  const auto path = parse_field_path(text);
  EXPECT_TRUE(path.has_value()) << text;
  if (!path || path->size() != 1) {
    ADD_FAILURE() << "expected one segment: " << text;
    return std::nullopt;
  }
  return (*path)[0].index;
}

TEST(FieldPath, IndexSetForCanonicalDigits) {
  EXPECT_EQ(index_of_single("0"), std::optional<std::uint32_t>(0));
  EXPECT_EQ(index_of_single("7"), std::optional<std::uint32_t>(7));
  EXPECT_EQ(index_of_single("10"), std::optional<std::uint32_t>(10));
  EXPECT_EQ(index_of_single("[0]"), std::optional<std::uint32_t>(0));
  EXPECT_EQ(index_of_single("[123]"), std::optional<std::uint32_t>(123));
  EXPECT_EQ(index_of_single("4294967295"), std::optional<std::uint32_t>(4294967295u));
}

TEST(FieldPath, QuotedDigitsAreStillAnIndexSegment) {
  // Segments are strings: on an array, any segment of the form 0|[1-9][0-9]* is an index.
  EXPECT_EQ(index_of_single("[\"5\"]"), std::optional<std::uint32_t>(5));
  EXPECT_EQ(index_of_single("['0']"), std::optional<std::uint32_t>(0));
}

TEST(FieldPath, IndexNotSetForOtherSegments) {
  EXPECT_EQ(index_of_single("01"), std::nullopt);
  EXPECT_EQ(index_of_single("007"), std::nullopt);
  EXPECT_EQ(index_of_single("00"), std::nullopt);
  EXPECT_EQ(index_of_single("[01]"), std::nullopt);
  EXPECT_EQ(index_of_single("-1"), std::nullopt);
  EXPECT_EQ(index_of_single("1a"), std::nullopt);
  EXPECT_EQ(index_of_single("a1"), std::nullopt);
  EXPECT_EQ(index_of_single("1e2"), std::nullopt);
  EXPECT_EQ(index_of_single("[\"\"]"), std::nullopt);
  EXPECT_EQ(index_of_single("[\" 1\"]"), std::nullopt);
  EXPECT_EQ(index_of_single("[\"+1\"]"), std::nullopt);
  // Does not fit an index.
  EXPECT_EQ(index_of_single("99999999999999999999"), std::nullopt);
}

TEST(FieldPath, LeadingZeroBracketKeepsItsKey) {
  // `[01]` parses (digits) but is the key "01", which no array index matches.
  EXPECT_EQ(keys_of("a[01]"), (Keys{"a", "01"}));
}

TEST(FieldPath, SegmentIndexesAlongAPath) {
  const auto path = parse_field_path("lines[1].sku.0");
  ASSERT_TRUE(path.has_value());
  ASSERT_EQ(path->size(), 4u);
  EXPECT_EQ((*path)[0].index, std::nullopt);
  EXPECT_EQ((*path)[1].index, std::optional<std::uint32_t>(1));
  EXPECT_EQ((*path)[2].index, std::nullopt);
  EXPECT_EQ((*path)[3].index, std::optional<std::uint32_t>(0));
}

}  // namespace
}  // namespace switchboard::routing
