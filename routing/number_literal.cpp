#include "routing/number_literal.h"

#include <algorithm>
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

// Clinger's fast path: up to 15 significant digits and no exponent make an exact
// mantissa m < 2^53 and a power 10^k <= 10^22, both exact doubles, so m / 10^k is
// correctly rounded. Most event numbers (prices, counts, scores) take it.
bool fast_double(std::string_view s, double& value) noexcept {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                      1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  std::size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++i;
  std::uint64_t mantissa = 0;
  int digits = 0;
  int fraction = -1;  // digits after the point, once one is seen
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      if (++digits > 15) return false;
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      if (fraction >= 0) ++fraction;
    } else if (c == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return false;  // an exponent or anything unexpected: the general path decides
    }
  }
  if (digits == 0) return false;
  value = static_cast<double>(mantissa) / kPow10[fraction > 0 ? fraction : 0];
  if (negative) value = -value;
  return true;
}

double to_double(std::string_view s) noexcept {
  double value = 0;
  if (fast_double(s, value)) return value;
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

bool is_json_number(std::string_view token) noexcept {
  bool integral = false;
  return valid_json_number(token, integral);
}

std::optional<Number> parse_json_number(std::string_view token) noexcept {
  bool integral = false;
  if (!valid_json_number(token, integral)) return std::nullopt;
  Number n;
  const std::size_t digits = token.size() - (token[0] == '-' ? 1 : 0);
  if (integral && digits <= 18) {
    // Fits in 64 bits; converting the integer rounds exactly as parsing the text would.
    std::int64_t magnitude = 0;
    for (char c : token.substr(token.size() - digits)) magnitude = magnitude * 10 + (c - '0');
    n.integer = token[0] == '-' ? -magnitude : magnitude;
    n.exact_integer = true;
    n.value = static_cast<double>(n.integer);
    return n;
  }
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

namespace {

// A JSON number text as sign × 0.DIGITS × 10^exponent, DIGITS without leading or
// trailing zeros (empty for zero). Digits are read in place from the two runs around
// the decimal point; nothing is allocated.
struct Decimal {
  bool negative = false;
  std::string_view integer_digits;
  std::string_view fraction_digits;
  std::size_t skip = 0;    // leading zeros over integer_digits + fraction_digits
  std::size_t length = 0;  // significant digits after `skip`, trailing zeros dropped
  std::int64_t exponent = 0;

  char digit(std::size_t i) const noexcept {  // i-th significant digit, '0' past the end
    if (i >= length) return '0';
    const std::size_t k = skip + i;
    return k < integer_digits.size() ? integer_digits[k] : fraction_digits[k - integer_digits.size()];
  }
};

Decimal to_decimal(std::string_view s) noexcept {
  Decimal d;
  s = trim_ascii_whitespace(s);
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') {
    d.negative = true;
    ++i;
  }
  const std::size_t int_start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  d.integer_digits = s.substr(int_start, i - int_start);
  if (i < s.size() && s[i] == '.') {
    const std::size_t frac_start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    d.fraction_digits = s.substr(frac_start, i - frac_start);
  }
  std::int64_t exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    for (; i < s.size() && is_digit(s[i]); ++i) {
      exp = std::min<std::int64_t>(exp * 10 + (s[i] - '0'), std::int64_t{1} << 40);  // saturate absurd exponents
    }
    if (exp_negative) exp = -exp;
  }
  const std::size_t total = d.integer_digits.size() + d.fraction_digits.size();
  auto raw = [&](std::size_t k) {
    return k < d.integer_digits.size() ? d.integer_digits[k] : d.fraction_digits[k - d.integer_digits.size()];
  };
  while (d.skip < total && raw(d.skip) == '0') ++d.skip;
  std::size_t end = total;
  while (end > d.skip && raw(end - 1) == '0') --end;
  d.length = end - d.skip;
  d.exponent = static_cast<std::int64_t>(d.integer_digits.size()) - static_cast<std::int64_t>(d.skip) + exp;
  return d;
}

}  // namespace

int compare_number_texts(std::string_view a_text, std::string_view b_text) noexcept {
  const Decimal a = to_decimal(a_text);
  const Decimal b = to_decimal(b_text);
  const bool a_zero = a.length == 0, b_zero = b.length == 0;
  if (a_zero && b_zero) return 0;
  const int a_sign = a_zero ? 0 : (a.negative ? -1 : 1);
  const int b_sign = b_zero ? 0 : (b.negative ? -1 : 1);
  if (a_sign != b_sign) return a_sign < b_sign ? -1 : 1;
  int magnitude = 0;
  if (a.exponent != b.exponent) {
    magnitude = a.exponent < b.exponent ? -1 : 1;
  } else {
    const std::size_t n = std::max(a.length, b.length);
    for (std::size_t i = 0; i < n && magnitude == 0; ++i) {
      if (a.digit(i) != b.digit(i)) magnitude = a.digit(i) < b.digit(i) ? -1 : 1;
    }
  }
  return a_sign < 0 ? -magnitude : magnitude;
}

int compare_numbers(const Number& a, std::string_view a_text, const Number& b, std::string_view b_text) noexcept {
  if (a.exact_integer && b.exact_integer) return a.integer < b.integer ? -1 : (a.integer > b.integer ? 1 : 0);
  if (a.value < b.value) return -1;
  if (a.value > b.value) return 1;
  return compare_number_texts(a_text, b_text);
}

}  // namespace switchboard::routing
