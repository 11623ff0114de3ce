#pragma once
// StatusMatcher: the accounting of a loadgen run. Each produced event is expected; each
// status event read back from the status topic is matched to its event by `eventId`.
//
// The completion rule: an event is done at its FIRST status (any of sent, failed,
// no_integration, invalid, duplicate: every status the worker emits is final for its
// target). Its latency is createdAt -> receive time of that first status. A fan-out event
// (chat/push with several subscriber channels) gets one status per target: the later ones
// are counted as `extra_target_statuses` and feed the per-provider latency, but do not
// change when the event was done. A status for an (eventId, target) already seen is a
// repeat (`repeated_statuses`: the worker processed the event again after a crash or
// rebalance); a status `duplicate` is the worker's dedup saying so itself. Both are
// counted, never treated as errors. An event expected `invalid` (or not) that gets a first
// status saying otherwise is counted in `mismatched`. Events without any status when the run
// ends are lost.
//
// Statuses whose id lacks this run's prefix are `foreign` (another run on the same topic)
// and ignored; ours with an unregistered sequence are `unknown`.
//
// Not thread-safe; pure (the caller passes the clock readings).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "worker/loadgen/event_ids.h"
#include "worker/loadgen/latency_histogram.h"

namespace switchboard::loadgen {

// The fields of a status event (spec routing.md section 6) the matcher uses.
struct StatusFields {
  std::string_view event_id;
  std::string_view status;
  std::string_view target = "default";
  std::string_view provider_id;  // empty: null
  bool failed_over = false;      // `failedOver` non-empty
};

// Reads status events (JSON, simdjson On-Demand). The views it fills stay valid until the
// next parse() on the same reader. Not thread-safe.
class StatusReader {
 public:
  StatusReader();
  ~StatusReader();
  StatusReader(const StatusReader&) = delete;
  StatusReader& operator=(const StatusReader&) = delete;

  // False when `json` is not a status event (not JSON, no string eventId or status).
  bool parse(std::string_view json, StatusFields& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

enum class MatchOutcome { kDone, kExtraTarget, kRepeated, kUnknown, kForeign };

// One second of the run (by wall-clock second since the start).
struct SecondStats {
  std::uint64_t sent = 0;      // events produced (stamped) in this second
  std::uint64_t statuses = 0;  // status events received in this second
  std::uint64_t done = 0;      // events done in this second
  LatencyHistogram latency;    // of the events done in this second
};

struct Accounting {
  std::uint64_t expected = 0;  // events produced (minus those whose produce failed)
  std::uint64_t done = 0;
  std::uint64_t statuses = 0;  // every status of ours (done + extra targets + repeats)
  std::uint64_t extra_target_statuses = 0;
  std::uint64_t repeated_statuses = 0;
  std::uint64_t unknown = 0;
  std::uint64_t foreign = 0;
  std::uint64_t mismatched = 0;
  std::uint64_t failed_over = 0;  // statuses with a non-empty failedOver
  std::map<std::string, std::uint64_t, std::less<>> statuses_by_status;  // every status of ours
  std::map<std::string, std::uint64_t, std::less<>> events_by_status;    // first status per event
  LatencyHistogram latency;  // per event: createdAt -> first status
  std::map<std::string, LatencyHistogram, std::less<>> by_channel;   // per event, by generated channel
  std::map<std::string, LatencyHistogram, std::less<>> by_provider;  // per (event, target), first status
  std::vector<SecondStats> seconds;
};

class StatusMatcher {
 public:
  // `channel_names`: labels of GeneratedEvent::channel; `start_us`: wall clock (µs since the
  // epoch) of second 0 of the time series.
  StatusMatcher(EventIds ids, std::vector<std::string> channel_names, std::int64_t start_us);

  // Event `sequence` is being produced, stamped at `created_us` (wall clock, µs since the
  // epoch). Call it before producing: its status may arrive before the delivery report.
  void expect(std::uint64_t sequence, std::int64_t created_us, std::uint32_t channel, bool invalid);
  // Its produce failed for good: it is no longer expected (unless a status already came).
  void withdraw(std::uint64_t sequence);

  MatchOutcome on_status(const StatusFields& status, std::int64_t received_us);

  const Accounting& accounting() const noexcept { return accounting_; }
  std::uint64_t pending() const noexcept { return accounting_.expected - accounting_.done; }
  // Ids of expected events without a status, at most `limit`, in sequence order.
  std::vector<std::string> lost_ids(std::size_t limit) const;

 private:
  struct Record {
    std::int64_t created_us = 0;
    std::uint32_t channel = 0;
    bool expected = false;
    bool invalid = false;
    bool done = false;
    std::uint64_t first_target = 0;          // hash of the first status' target
    std::vector<std::uint64_t> more_targets;  // hashes of further targets (fan-out)
  };

  SecondStats& second_at(std::int64_t wall_us);

  EventIds ids_;
  std::vector<std::string> channel_names_;
  std::int64_t start_us_;
  std::vector<Record> records_;  // by sequence
  Accounting accounting_;
};

}  // namespace switchboard::loadgen
