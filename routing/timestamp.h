#pragma once
// RFC 3339 UTC timestamps as the contract accepts them: YYYY-MM-DDTHH:MM:SS[.fraction]Z,
// any number of fraction digits. Kept as written (for round trips) and as an instant
// (for ordering newest-first).

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::routing {

struct Timestamp {
  std::string text;              // exactly as written
  std::int64_t epoch_seconds = 0;
  std::string fraction;          // fraction digits without trailing zeros ("123" for .1230)

  bool operator==(const Timestamp& other) const noexcept { return text == other.text; }
};

// Orders as instants, so "…:00Z" and "…:00.000Z" compare equal.
std::strong_ordering compare_instants(const Timestamp& a, const Timestamp& b) noexcept;

// nullopt when `text` is not of the accepted form or names an impossible date/time.
std::optional<Timestamp> parse_timestamp(std::string_view text);

// The instant `epoch_millis` (ms since 1970-01-01T00:00:00Z) in the accepted form, millisecond
// precision ("2026-11-22T10:00:00.123Z"). parse_timestamp accepts the result for years 0..9999.
std::string format_timestamp_millis(std::int64_t epoch_millis);

}  // namespace switchboard::routing
