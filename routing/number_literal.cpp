#include "routing/number_literal.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace switchboard::routing {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_ascii_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and reports whether it is integral.
bool valid_json_number(std::string_view s, bool& integral) noexcept {
  std::size_t i = 0, n = s.size();
  integral = true;
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (is_digit(s[i])) {
    while (i < n && is_digit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    integral = false;
    ++i;
    if (i >= n || !is_digit(s[i])) return false;
    while (i < n && is_digit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    integral = false;
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= n || !is_digit(s[i])) return false;
    while (i < n && is_digit(s[i])) ++i;
  }
  return i == n;
}

double to_double(std::string_view s) noexcept {
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves value untouched on overflow/underflow; strtod saturates correctly.
    std::string copy(s);
    return std::strtod(copy.c_str(), nullptr);
  }
  (void)end;
  return value;
}

}  // namespace

std::string_view trim_ascii_whitespace(std::string_view text) noexcept {
  while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<Number> parse_json_number(std::string_view token) noexcept {
  bool integral = false;
  if (!valid_json_number(token, integral)) return std::nullopt;
  Number n;
  n.value = to_double(token);
  if (integral) {
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), n.integer);
    n.exact_integer = ec == std::errc() && end == token.data() + token.size();
  }
  return n;
}

std::optional<Number> parse_number_literal(std::string_view text) noexcept {
  return parse_json_number(trim_ascii_whitespace(text));
}

int compare_numbers(const Number& a, const Number& b) noexcept {
  if (a.exact_integer && b.exact_integer) return a.integer < b.integer ? -1 : (a.integer > b.integer ? 1 : 0);
  return a.value < b.value ? -1 : (a.value > b.value ? 1 : 0);
}

}  // namespace switchboard::routing
