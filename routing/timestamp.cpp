#include "routing/timestamp.h"

#include <cstdio>

namespace switchboard::routing {

namespace {

// "YYYY-MM-DDTHH:MM:SS" is 19 characters; the fraction (if any) and the 'Z' follow.
constexpr std::size_t kSecondsEnd = 19;
constexpr std::int64_t kSecondsPerDay = 86400;

struct CivilDate {
  std::int64_t year = 0;
  unsigned month = 1;
  unsigned day = 1;
};

// The value of `count` ASCII digits at `pos`, or -1 when any of them is not a digit.
int read_digits(std::string_view text, std::size_t pos, std::size_t count) noexcept {
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

constexpr bool is_leap_year(std::int64_t year) noexcept {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr unsigned days_in_month(std::int64_t year, unsigned month) noexcept {
  constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian
// calendar, exact for every year and free of any libc timezone state.
constexpr std::int64_t days_from_civil(CivilDate date) noexcept {
  const std::int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (date.month > 2 ? date.month - 3 : date.month + 9) + 2) / 5 + date.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The inverse of days_from_civil.
constexpr CivilDate civil_from_days(std::int64_t days) noexcept {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

// Floor division, so instants before 1970 land in the right day/second.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool separators_ok(std::string_view text) noexcept {
  return text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' && text[16] == ':';
}

// The fraction digits between the seconds and the 'Z', or nullopt when malformed.
// An absent fraction is the empty string; a dot needs at least one digit after it.
std::optional<std::string_view> fraction_digits(std::string_view text) noexcept {
  const std::string_view tail = text.substr(kSecondsEnd, text.size() - kSecondsEnd - 1);
  if (tail.empty()) return tail;
  if (tail.size() < 2 || tail.front() != '.') return std::nullopt;
  const std::string_view digits = tail.substr(1);
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return digits;
}

std::string_view without_trailing_zeros(std::string_view digits) noexcept {
  const std::size_t last = digits.find_last_not_of('0');
  return last == std::string_view::npos ? std::string_view{} : digits.substr(0, last + 1);
}

}  // namespace

std::strong_ordering compare_instants(const Timestamp& a, const Timestamp& b) noexcept {
  if (const auto by_seconds = a.epoch_seconds <=> b.epoch_seconds; by_seconds != 0) return by_seconds;
  // Without trailing zeros, digit strings order like the fractions they denote.
  const int by_fraction = a.fraction.compare(b.fraction);
  if (by_fraction < 0) return std::strong_ordering::less;
  if (by_fraction > 0) return std::strong_ordering::greater;
  return std::strong_ordering::equal;
}

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  if (text.size() <= kSecondsEnd || text.back() != 'Z' || !separators_ok(text)) return std::nullopt;
  const int year = read_digits(text, 0, 4);
  const int month = read_digits(text, 5, 2);
  const int day = read_digits(text, 8, 2);
  const int hour = read_digits(text, 11, 2);
  const int minute = read_digits(text, 14, 2);
  const int second = read_digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month))) return std::nullopt;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return std::nullopt;
  const auto fraction = fraction_digits(text);
  if (!fraction) return std::nullopt;

  Timestamp out;
  out.text = std::string(text);
  const std::int64_t days = days_from_civil({year, static_cast<unsigned>(month), static_cast<unsigned>(day)});
  out.epoch_seconds = days * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  out.fraction = std::string(without_trailing_zeros(*fraction));
  return out;
}

std::string format_timestamp_millis(std::int64_t epoch_millis) {
  const std::int64_t seconds = floor_div(epoch_millis, 1000);
  const std::int64_t millis = epoch_millis - seconds * 1000;
  const std::int64_t days = floor_div(seconds, kSecondsPerDay);
  const std::int64_t second_of_day = seconds - days * kSecondsPerDay;
  const CivilDate date = civil_from_days(days);

  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(date.year), date.month, date.day,
                static_cast<long long>(second_of_day / 3600), static_cast<long long>(second_of_day / 60 % 60),
                static_cast<long long>(second_of_day % 60), static_cast<long long>(millis));
  return buffer;
}

}  // namespace switchboard::routing
