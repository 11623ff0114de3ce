#pragma once
// Pure rules of `switchboard dlq replay`: which dead-letter records are replayed, what the
// replayed record's headers are, and the counts the command reports. No librdkafka, no
// clock, no I/O, so the rules are unit-tested apart from the Kafka loop (replayer.h).
//
// A dead letter (worker/pipeline/pipeline.cpp, docs/delivery-semantics.md) carries the
// original event bytes and headers plus x-switchboard-error and x-switchboard-source; an
// event over worker.max_event_bytes was cut to that size and is marked
// x-switchboard-truncated: its bytes are gone, so it can never be replayed.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::dlq {

inline constexpr std::string_view kHeaderPrefix = "x-switchboard-";
inline constexpr std::string_view kErrorHeader = "x-switchboard-error";
inline constexpr std::string_view kTruncatedHeader = "x-switchboard-truncated";
inline constexpr std::string_view kReplayedFromHeader = "x-switchboard-replayed-from";

using Headers = std::vector<std::pair<std::string, std::string>>;

// What replay needs to know of one record of the dead-letter topic.
struct DeadLetter {
  std::string_view payload;
  const Headers* headers = nullptr;  // never null when classified
  std::int64_t timestamp_ms = -1;    // -1: the record has no timestamp
};

// Why a record is not replayed; each reason is counted apart in the summary.
enum class SkipReason {
  kNone,             // replayable
  kTruncated,        // x-switchboard-truncated: only a prefix of the event was kept
  kNotADeadLetter,   // no x-switchboard-error: not written by a worker (wrong topic?)
  kEmpty,            // null or empty value: nothing to replay
  kBeforeSince,      // dead-lettered before --since
};

// The stable name of a reason, as used in the summary JSON ("truncated", ...).
std::string_view reason_name(SkipReason reason) noexcept;

// `since_ms`: records with a timestamp older than it are skipped (records without a
// timestamp are kept: their age is unknown).
SkipReason classify(const DeadLetter& record, std::optional<std::int64_t> since_ms) noexcept;

// The headers of the replayed event: the original ones without any x-switchboard-*
// header (they describe the dead-lettering, and a second failure adds fresh ones), plus
// x-switchboard-replayed-from: `source` ("topic/partition/offset" of the dead letter).
Headers replay_headers(const Headers& dead_letter_headers, std::string_view source);

// Counters of one run. `replayed` counts acknowledged copies only.
struct ReplayCounts {
  std::uint64_t read = 0;          // dead letters taken (replayed, skipped or in flight)
  std::uint64_t produced = 0;      // copies handed to the producer
  std::uint64_t replayed = 0;      // copies acknowledged by the broker
  std::uint64_t would_replay = 0;  // --dry-run: replayable records (nothing produced)
  std::uint64_t failed = 0;        // copies the broker did not acknowledge
  std::map<std::string, std::uint64_t> skipped;  // by reason_name

  std::uint64_t skipped_total() const noexcept;
  void skip(SkipReason reason) { ++skipped[std::string(reason_name(reason))]; }
};

// One human-readable progress line (no newline): counts and the read rate.
std::string progress_line(const ReplayCounts& counts, double elapsed_s);

// How a run ended, for the summary.
struct ReplayOutcome {
  std::string from_topic;
  std::string to_topic;
  std::string group;
  bool dry_run = false;
  std::string stopped;  // "end_of_topic", "limit", "signal" or "error"
  std::string error;    // with stopped == "error"
  double elapsed_s = 0;
  std::map<std::int32_t, std::int64_t> committed;  // partition -> committed offset
};

// The summary as one JSON object on one line (no newline).
std::string summary_json(const ReplayCounts& counts, const ReplayOutcome& outcome);

}  // namespace switchboard::dlq
