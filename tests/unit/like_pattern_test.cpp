// SQL LIKE as the contract defines it (3.4): `%` any run, `_` one UTF-8 code point,
// `\` escapes, case-sensitive.

#include "routing/like_pattern.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::routing {
namespace {

testing::AssertionResult Like(std::string_view subject, std::string_view pattern) {
  std::vector<LikeToken> tokens;
  if (!compile_like(pattern, tokens)) {
    return testing::AssertionFailure() << "pattern \"" << pattern << "\" did not compile";
  }
  if (like_matches(tokens, subject)) {
    return testing::AssertionSuccess() << "\"" << subject << "\" LIKE \"" << pattern << "\"";
  }
  return testing::AssertionFailure() << "\"" << subject << "\" NOT LIKE \"" << pattern << "\"";
}

constexpr std::string_view kEAcute = "\xC3\xA9";          // é, 2 bytes
constexpr std::string_view kEuro = "\xE2\x82\xAC";        // €, 3 bytes
constexpr std::string_view kGrin = "\xF0\x9F\x98\x80";    // 😀, 4 bytes

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out.append(p);
  return out;
}

TEST(LikePattern, LiteralIsExact) {
  EXPECT_TRUE(Like("abc", "abc"));
  EXPECT_FALSE(Like("abc", "abd"));
  EXPECT_FALSE(Like("abc", "ab"));
  EXPECT_FALSE(Like("ab", "abc"));
  EXPECT_FALSE(Like("xabc", "abc"));
}

TEST(LikePattern, PercentIsAnyRun) {
  EXPECT_TRUE(Like("abc", "%"));
  EXPECT_TRUE(Like("abc", "a%"));
  EXPECT_TRUE(Like("abc", "%c"));
  EXPECT_TRUE(Like("abc", "%b%"));
  EXPECT_TRUE(Like("abc", "a%c"));
  EXPECT_TRUE(Like("ac", "a%c"));
  EXPECT_TRUE(Like("abc", "%%%"));
  EXPECT_TRUE(Like("abc", "a%%c"));
  EXPECT_FALSE(Like("abc", "%d%"));
  EXPECT_FALSE(Like("abc", "b%"));
  EXPECT_FALSE(Like("abc", "%b"));
  EXPECT_TRUE(Like("abcbc", "%bc"));
  EXPECT_TRUE(Like("aXbXc", "a%b%c"));
  EXPECT_FALSE(Like("aXcXb", "a%b%c"));
  EXPECT_TRUE(Like("mississippi", "m%iss%ppi"));
  EXPECT_TRUE(Like("mississippi", "%issip%"));
  EXPECT_FALSE(Like("mississippi", "%issipa%"));
}

TEST(LikePattern, UnderscoreIsOneCharacter) {
  EXPECT_TRUE(Like("a", "_"));
  EXPECT_FALSE(Like("", "_"));
  EXPECT_FALSE(Like("ab", "_"));
  EXPECT_TRUE(Like("abc", "a_c"));
  EXPECT_FALSE(Like("ac", "a_c"));
  EXPECT_FALSE(Like("abbc", "a_c"));
  EXPECT_TRUE(Like("abc", "___"));
  EXPECT_FALSE(Like("abc", "____"));
  EXPECT_TRUE(Like("abc", "_%"));
  EXPECT_TRUE(Like("abc", "%_"));
  EXPECT_FALSE(Like("", "%_"));
  EXPECT_TRUE(Like("abc", "%_%_%_%"));
  EXPECT_FALSE(Like("ab", "%_%_%_%"));
}

TEST(LikePattern, UnderscoreIsOneUtf8CodePoint) {
  EXPECT_TRUE(Like(kEAcute, "_"));
  EXPECT_TRUE(Like(kEuro, "_"));
  EXPECT_TRUE(Like(kGrin, "_"));
  EXPECT_FALSE(Like(kEAcute, "__"));
  EXPECT_FALSE(Like(kEuro, "__"));
  EXPECT_FALSE(Like(kEuro, "___"));
  EXPECT_FALSE(Like(kGrin, "__"));
  EXPECT_FALSE(Like(kGrin, "____"));
  EXPECT_TRUE(Like(cat({"h", kEAcute, "llo"}), "h_llo"));
  EXPECT_TRUE(Like(cat({"h", kEuro, "llo"}), "h_llo"));
  EXPECT_TRUE(Like(cat({"h", kGrin, "llo"}), "h_llo"));
  EXPECT_FALSE(Like(cat({"h", kGrin, "llo"}), "h__llo"));
  EXPECT_TRUE(Like(cat({kGrin, kGrin}), "__"));
  EXPECT_FALSE(Like(cat({kGrin, kGrin}), "_"));
  EXPECT_TRUE(Like(cat({kEAcute, kEuro, kGrin}), "___"));
  EXPECT_TRUE(Like(cat({"x", kEuro, "y", kGrin}), "%_y_"));
  EXPECT_TRUE(Like(cat({kGrin, "a"}), "%a"));
  EXPECT_TRUE(Like(cat({kGrin, "a"}), "_a"));
}

TEST(LikePattern, MultiByteLiteralsInPattern) {
  EXPECT_TRUE(Like(cat({"caf", kEAcute}), cat({"caf", kEAcute})));
  EXPECT_TRUE(Like(cat({"caf", kEAcute, "!"}), cat({"%", kEAcute, "%"})));
  EXPECT_FALSE(Like("cafe", cat({"caf", kEAcute})));
  EXPECT_TRUE(Like(cat({"1", kEuro, "2", kEuro}), cat({"%", kEuro})));
}

TEST(LikePattern, EscapedPercentIsLiteral) {
  EXPECT_TRUE(Like("100%", "100\\%"));
  EXPECT_FALSE(Like("1000", "100\\%"));
  EXPECT_FALSE(Like("100%x", "100\\%"));
  EXPECT_TRUE(Like("a%b", "%\\%%"));
  EXPECT_FALSE(Like("ab", "%\\%%"));
}

TEST(LikePattern, EscapedUnderscoreIsLiteral) {
  EXPECT_TRUE(Like("a_b", "a\\_b"));
  EXPECT_FALSE(Like("axb", "a\\_b"));
  EXPECT_TRUE(Like("INV_2026%Q4", "INV\\_2026\\%Q4"));
  EXPECT_FALSE(Like("INVX2026%Q4", "INV\\_2026\\%Q4"));
  EXPECT_FALSE(Like("INV_2026XQ4", "INV\\_2026\\%Q4"));
  EXPECT_TRUE(Like("INVX2026YYQ4", "INV_2026%Q4"));
}

TEST(LikePattern, EscapedBackslashIsLiteral) {
  EXPECT_TRUE(Like("a\\b", "a\\\\b"));
  EXPECT_FALSE(Like("ab", "a\\\\b"));
  EXPECT_FALSE(Like("a\\\\b", "a\\\\b"));
  EXPECT_TRUE(Like("a\\", "a\\\\"));
  EXPECT_TRUE(Like("\\", "\\\\"));
  EXPECT_TRUE(Like("x\\y", "%\\\\%"));
}

TEST(LikePattern, EscapedOrdinaryCharacterStandsForItself) {
  EXPECT_TRUE(Like("abc", "\\abc"));
  EXPECT_FALSE(Like("\\abc", "\\abc"));
  EXPECT_TRUE(Like(cat({"x", kEuro}), cat({"x\\", kEuro})));
  EXPECT_FALSE(Like("xy", cat({"x\\", kEuro})));
}

TEST(LikePattern, CaseSensitive) {
  EXPECT_FALSE(Like("Hello", "hello"));
  EXPECT_FALSE(Like("hello", "HELLO"));
  EXPECT_TRUE(Like("Hello", "H%"));
  EXPECT_FALSE(Like("Hello", "h%"));
  EXPECT_FALSE(Like("\xC3\x89", kEAcute));  // É vs é
}

TEST(LikePattern, EmptyPatternAndSubject) {
  EXPECT_TRUE(Like("", ""));
  EXPECT_FALSE(Like("a", ""));
  EXPECT_TRUE(Like("", "%"));
  EXPECT_TRUE(Like("", "%%"));
  EXPECT_FALSE(Like("", "a"));
  EXPECT_FALSE(Like("", "\\%"));
}

TEST(LikePattern, LoneTrailingBackslashIsRejected) {
  std::vector<LikeToken> tokens;
  EXPECT_FALSE(compile_like("\\", tokens));
  EXPECT_FALSE(compile_like("abc\\", tokens));
  EXPECT_FALSE(compile_like("a\\\\\\", tokens));  // a, escaped \, then a lone one
  EXPECT_TRUE(compile_like("a\\\\", tokens));
  EXPECT_TRUE(compile_like("", tokens));
  EXPECT_TRUE(compile_like("\\%", tokens));
}

TEST(LikePattern, EndsInLoneBackslash) {
  EXPECT_TRUE(ends_in_lone_backslash("\\"));
  EXPECT_TRUE(ends_in_lone_backslash("abc\\"));
  EXPECT_TRUE(ends_in_lone_backslash("a\\\\\\"));
  EXPECT_FALSE(ends_in_lone_backslash("a\\\\"));
  EXPECT_FALSE(ends_in_lone_backslash("\\\\"));
  EXPECT_FALSE(ends_in_lone_backslash(""));
  EXPECT_FALSE(ends_in_lone_backslash("abc"));
  EXPECT_FALSE(ends_in_lone_backslash("\\%"));
}

TEST(LikePattern, CompileClearsPreviousTokens) {
  std::vector<LikeToken> tokens;
  ASSERT_TRUE(compile_like("abcdef", tokens));
  ASSERT_TRUE(compile_like("x", tokens));
  EXPECT_TRUE(like_matches(tokens, "x"));
  EXPECT_FALSE(like_matches(tokens, "abcdefx"));
}

TEST(LikePattern, PathologicalPatternFinishes) {
  const std::string subject(20000, 'a');
  EXPECT_FALSE(Like(subject, "%a%a%a%a%a%a%b"));
  EXPECT_TRUE(Like(subject, "%a%a%a%a%a%a%"));
  EXPECT_TRUE(Like(subject + "b", "%a%a%a%a%a%a%b"));
  EXPECT_FALSE(Like(subject, "%aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab%"));
  EXPECT_FALSE(Like(subject, "%_%_%_%_%_%_%b"));
}

TEST(LikePattern, PathologicalWithMultiByteSubject) {
  std::string subject;
  for (int i = 0; i < 5000; ++i) subject.append(kEuro);
  EXPECT_FALSE(Like(subject, cat({"%", kEuro, "%", kEuro, "%", kEuro, "%b"})));
  EXPECT_TRUE(Like(subject, cat({"%", kEuro, "_%", kEuro})));
}

// A direct reading of the contract, for comparison: split both sides into code points and
// match with the textbook dynamic program.
std::vector<std::string> code_points(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const std::size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

bool reference_like(std::string_view subject, std::string_view pattern) {
  struct Token {
    int kind;  // 0 literal, 1 one, 2 any run
    std::string cp;
  };
  std::vector<Token> tokens;
  const auto p = code_points(pattern);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == "\\") {
      tokens.push_back({0, p[++i]});  // callers never end a pattern in a lone backslash
    } else if (p[i] == "%") {
      tokens.push_back({2, ""});
    } else if (p[i] == "_") {
      tokens.push_back({1, ""});
    } else {
      tokens.push_back({0, p[i]});
    }
  }
  const auto s = code_points(subject);
  // match[i][j]: the first i tokens match the first j code points.
  std::vector<std::vector<bool>> match(tokens.size() + 1, std::vector<bool>(s.size() + 1, false));
  match[0][0] = true;
  for (std::size_t i = 1; i <= tokens.size(); ++i) {
    for (std::size_t j = 0; j <= s.size(); ++j) {
      const Token& t = tokens[i - 1];
      if (t.kind == 2) {
        match[i][j] = match[i - 1][j] || (j > 0 && match[i][j - 1]);
      } else if (j > 0) {
        match[i][j] = match[i - 1][j - 1] && (t.kind == 1 || t.cp == s[j - 1]);
      }
    }
  }
  return match[tokens.size()][s.size()];
}

TEST(LikePattern, AgreesWithAReferenceMatcher) {
  static const std::vector<std::string_view> kSubjectPieces = {"a", "b", "a", "%", "_", "\\", kEAcute, kEuro, kGrin};
  static const std::vector<std::string_view> kPatternPieces = {"a", "b", "%", "%", "_", "_", "\\%", "\\_",
                                                               "\\\\", "\\a", kEAcute, kEuro, kGrin};
  std::mt19937 rng(4242);
  std::uniform_int_distribution<std::size_t> subject_len(0, 8), pattern_len(0, 6);
  std::uniform_int_distribution<std::size_t> subject_piece(0, kSubjectPieces.size() - 1);
  std::uniform_int_distribution<std::size_t> pattern_piece(0, kPatternPieces.size() - 1);
  int matches = 0;
  constexpr int kRounds = 20000;
  for (int round = 0; round < kRounds; ++round) {
    std::string subject, pattern;
    for (std::size_t n = subject_len(rng); n > 0; --n) subject.append(kSubjectPieces[subject_piece(rng)]);
    for (std::size_t n = pattern_len(rng); n > 0; --n) pattern.append(kPatternPieces[pattern_piece(rng)]);
    std::vector<LikeToken> tokens;
    ASSERT_TRUE(compile_like(pattern, tokens)) << pattern;
    const bool expected = reference_like(subject, pattern);
    ASSERT_EQ(like_matches(tokens, subject), expected) << "\"" << subject << "\" LIKE \"" << pattern << "\"";
    if (expected) ++matches;
  }
  // Both outcomes are well represented.
  EXPECT_GT(matches, kRounds / 20);
  EXPECT_LT(matches, kRounds - kRounds / 20);
}

}  // namespace
}  // namespace switchboard::routing
