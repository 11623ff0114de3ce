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

// -1, 0 or 1. Integers that both fit compare exactly; anything else as doubles.
int compare_numbers(const Number& a, const Number& b) noexcept;

// A JSON number token (no surrounding whitespace). nullopt when not JSON number syntax.
std::optional<Number> parse_json_number(std::string_view token) noexcept;

// A "number literal" (contract 3.3): the whole text after trimming ASCII whitespace is a
// JSON number. No hex, no empty string, no Infinity.
std::optional<Number> parse_number_literal(std::string_view text) noexcept;

std::string_view trim_ascii_whitespace(std::string_view text) noexcept;

}  // namespace switchboard::routing
