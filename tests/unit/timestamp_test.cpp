#include "routing/timestamp.h"

#include <gtest/gtest.h>

namespace switchboard::routing {
namespace {

Timestamp must_parse(std::string_view text) {
  auto parsed = parse_timestamp(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Timestamp{});
}

TEST(Timestamp, ParsesWholeSeconds) {
  const Timestamp t = must_parse("2026-11-22T10:00:00Z");
  EXPECT_EQ(t.text, "2026-11-22T10:00:00Z");
  EXPECT_EQ(t.epoch_seconds, 1795341600);
  EXPECT_EQ(t.fraction, "");
}

TEST(Timestamp, ParsesMillis) {
  const Timestamp t = must_parse("2026-11-22T10:00:00.123Z");
  EXPECT_EQ(t.epoch_seconds, 1795341600);
  EXPECT_EQ(t.fraction, "123");
}

TEST(Timestamp, ParsesNanosAndStripsTrailingZeros) {
  EXPECT_EQ(must_parse("2026-11-22T10:00:00.123456789Z").fraction, "123456789");
  EXPECT_EQ(must_parse("2026-11-22T10:00:00.120000000Z").fraction, "12");
  EXPECT_EQ(must_parse("2026-11-22T10:00:00.000Z").fraction, "");
  EXPECT_EQ(must_parse("2026-11-22T10:00:00.0Z").fraction, "");
}

TEST(Timestamp, ParsesManyFractionDigits) {
  EXPECT_EQ(must_parse("2026-11-22T10:00:00.000000000000000000001Z").fraction, "000000000000000000001");
}

TEST(Timestamp, EpochValues) {
  EXPECT_EQ(must_parse("1970-01-01T00:00:00Z").epoch_seconds, 0);
  EXPECT_EQ(must_parse("1969-12-31T23:59:59Z").epoch_seconds, -1);
  EXPECT_EQ(must_parse("2000-03-01T00:00:00Z").epoch_seconds, 951868800);
  EXPECT_EQ(must_parse("2024-02-29T12:34:56Z").epoch_seconds, 1709210096);
  EXPECT_EQ(must_parse("9999-12-31T23:59:59Z").epoch_seconds, 253402300799);
  EXPECT_EQ(must_parse("0000-01-01T00:00:00Z").epoch_seconds, -62167219200);
}

TEST(Timestamp, LeapDays) {
  EXPECT_TRUE(parse_timestamp("2024-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2023-02-29T00:00:00Z"));
  EXPECT_TRUE(parse_timestamp("2000-02-29T00:00:00Z"));   // divisible by 400
  EXPECT_FALSE(parse_timestamp("1900-02-29T00:00:00Z"));  // divisible by 100 only
}

TEST(Timestamp, RejectsImpossibleDates) {
  for (const char* text : {"2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
                           "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z"}) {
    EXPECT_FALSE(parse_timestamp(text)) << text;
  }
}

TEST(Timestamp, RejectsImpossibleTimes) {
  for (const char* text : {"2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22T10:00:60Z"}) {
    EXPECT_FALSE(parse_timestamp(text)) << text;
  }
  EXPECT_TRUE(parse_timestamp("2026-11-22T23:59:59Z"));
}

TEST(Timestamp, RejectsOtherForms) {
  for (const char* text : {
           "",
           "2026-11-22T10:00:00z",        // lowercase z
           "2026-11-22t10:00:00Z",        // lowercase t
           "2026-11-22T10:00:00",         // missing Z
           "2026-11-22T10:00:00.123",     // missing Z after fraction
           "2026-11-22T10:00:00+01:00",   // offset
           "2026-11-22T10:00:00.123+00:00",
           "2026-11-22 10:00:00Z",        // space separator
           "2026-11-22T10:00:00.Z",       // dot without digits
           "2026-11-22T10:00Z",           // no seconds
           "2026-11-22",                  // date only
           "26-11-22T10:00:00Z",          // two-digit year
           "+2026-11-22T10:00:00Z",
           "2026-1-22T10:00:00Z",
           "2026-11-22T10:00:00.12a3Z",
           "2026-11-22T10:00:00ZZ",
           " 2026-11-22T10:00:00Z",
           "2026-11-22T10:00:00Z ",
       }) {
    EXPECT_FALSE(parse_timestamp(text)) << '"' << text << '"';
  }
}

TEST(Timestamp, CompareInstantsIgnoresTrailingZeros) {
  const Timestamp a = must_parse("2026-11-22T10:00:00Z");
  const Timestamp b = must_parse("2026-11-22T10:00:00.000Z");
  EXPECT_EQ(compare_instants(a, b), std::strong_ordering::equal);
  EXPECT_EQ(compare_instants(must_parse("2026-11-22T10:00:00.5Z"), must_parse("2026-11-22T10:00:00.500Z")),
            std::strong_ordering::equal);
  // Same instant, different text: == compares the text (round trips), not the instant.
  EXPECT_FALSE(a == b);
}

TEST(Timestamp, CompareInstantsOrders) {
  const Timestamp older = must_parse("2026-11-22T10:00:00.999Z");
  const Timestamp newer = must_parse("2026-11-22T10:00:01Z");
  EXPECT_EQ(compare_instants(newer, older), std::strong_ordering::greater);
  EXPECT_EQ(compare_instants(older, newer), std::strong_ordering::less);
  EXPECT_EQ(compare_instants(must_parse("2026-11-22T10:00:00.05Z"), must_parse("2026-11-22T10:00:00.5Z")),
            std::strong_ordering::less);
  EXPECT_EQ(compare_instants(must_parse("2026-11-22T10:00:00.1Z"), must_parse("2026-11-22T10:00:00.09999Z")),
            std::strong_ordering::greater);
  EXPECT_EQ(compare_instants(must_parse("2026-11-22T10:00:00Z"), must_parse("2026-11-22T10:00:00.000001Z")),
            std::strong_ordering::less);
  EXPECT_EQ(compare_instants(must_parse("2025-12-31T23:59:59.9Z"), must_parse("2026-01-01T00:00:00Z")),
            std::strong_ordering::less);
}

TEST(Timestamp, FormatMillis) {
  EXPECT_EQ(format_timestamp_millis(1795341600123), "2026-11-22T10:00:00.123Z");
  EXPECT_EQ(format_timestamp_millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp_millis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp_millis(1709210096007), "2024-02-29T12:34:56.007Z");
}

TEST(Timestamp, FormatThenParseRoundTrips) {
  for (const std::int64_t millis : {0LL, 1LL, -1LL, 951868799999LL, 1709210096007LL, 253402300799999LL}) {
    const std::string text = format_timestamp_millis(millis);
    const auto parsed = parse_timestamp(text);
    ASSERT_TRUE(parsed) << text;
    const std::int64_t seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000;
    EXPECT_EQ(parsed->epoch_seconds, seconds) << text;
  }
}

}  // namespace
}  // namespace switchboard::routing
