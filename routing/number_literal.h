#pragma once
// Numbers as the contract compares them: JSON number syntax, exact for integers that fit
// in 64 bits, IEEE doubles otherwise.

#include <cstdint>
#include <optional>
#include <string_view>

namespace switchboard::routing {

struct Number {
  double value = 0;
  std::int64_t integer = 0;
  bool exact_integer = false;  // `integer` holds the exact value
};

// -1, 0 or 1, exactly: integers that fit in 64 bits compare as integers; otherwise the
// doubles decide when they differ (rounding keeps order), and when they are equal the
// decimal texts are compared digit by digit (so 9007199254740993 > 9007199254740992.0
// and 1e400 < 1e401). `*_text` are the numbers as written (ASCII whitespace allowed).
int compare_numbers(const Number& a, std::string_view a_text, const Number& b, std::string_view b_text) noexcept;

// Exact comparison of two JSON number texts, without converting them.
int compare_number_texts(std::string_view a, std::string_view b) noexcept;

// A JSON number token (no surrounding whitespace). nullopt when not JSON number syntax.
std::optional<Number> parse_json_number(std::string_view token) noexcept;

// Whether `token` (no surrounding whitespace) is JSON number syntax; converts nothing.
bool is_json_number(std::string_view token) noexcept;

// A "number literal" (contract 3.3): the whole text after trimming ASCII whitespace is a
// JSON number. No hex, no empty string, no Infinity.
std::optional<Number> parse_number_literal(std::string_view text) noexcept;

std::string_view trim_ascii_whitespace(std::string_view text) noexcept;

}  // namespace switchboard::routing
