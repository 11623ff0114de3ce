#pragma once
// EventGenerator: notification events (spec routing.md section 2) drawn from a Mix, one
// JSON object per call, stamped with an id and `createdAt`. Deterministic for a seed.
//
// Invalid events (mix.invalidShare) keep a readable `id`, `organizationId` and
// `environmentId` so that the worker emits a status `invalid` for them (spec section 2);
// what makes them invalid rotates: an unknown channel, a string subscriber, a non-array
// subscriber.channels.
//
// Not thread-safe; no I/O.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "worker/loadgen/event_ids.h"
#include "worker/loadgen/mix.h"

namespace switchboard::loadgen {

struct GeneratedEvent {
  std::uint32_t channel = 0;  // index into EventGenerator::channel_names()
  bool invalid = false;
};

class EventGenerator {
 public:
  EventGenerator(const Mix& mix, EventIds ids, std::uint64_t seed);

  // Appends event `sequence` stamped with `created_unix_ms` to `out` (cleared first).
  GeneratedEvent next(std::uint64_t sequence, std::int64_t created_unix_ms, std::string& out);

  // Channel labels for accounting: the mix's channels, then "invalid".
  const std::vector<std::string>& channel_names() const noexcept { return channel_names_; }
  std::uint32_t invalid_channel() const noexcept { return static_cast<std::uint32_t>(channel_names_.size() - 1); }

 private:
  // Cumulative weights, for drawing an index.
  struct Table {
    std::vector<double> cumulative;
    std::size_t draw(std::mt19937_64& rng) const;
    std::size_t pick(double unit) const;  // `unit` in [0, 1)
  };
  static Table table_of(const std::vector<double>& weights);

  void append_subscriber(std::string& out, std::uint64_t subscriber, std::string_view channel);
  void append_channels(std::string& out, const FanOut& fan_out, const Table& providers, bool chat);

  Mix mix_;
  EventIds ids_;
  std::mt19937_64 rng_;
  std::vector<std::string> channel_names_;
  Table channels_, tenants_, payloads_, locales_, tiers_, chat_providers_, push_providers_;
  std::vector<std::string> bodies_;  // per payload shape: the content body text
  std::uint64_t invalid_count_ = 0;
};

// "2026-11-22T10:00:00.123Z" (UTC, millisecond precision).
void append_iso_ms(std::string& out, std::int64_t unix_ms);

}  // namespace switchboard::loadgen
