#pragma once
// `switchboard dlq replay`: reads a dead-letter topic from the group's committed offsets
// to its end and produces each replayable record's original event to the events topic.
//
// At-least-once, like the worker: an offset of the dead-letter topic is committed only
// once every record at or below it was skipped or its copy acknowledged (acks=all,
// idempotent producer), so a crash or a failed produce never loses a dead letter; it can
// only replay some again. --dry-run produces and commits nothing.
//
// The whole topic is read: every partition is assigned directly (no group rebalance) from
// the group's committed offset (none: the beginning), and the run ends when every
// partition reported end of partition (librdkafka's partition EOF) or after --limit
// records. Run one replay per group at a time: two would replay the same records.
//
// Blocks the calling thread until done; SIGINT/SIGTERM stop it cleanly (what was
// acknowledged is committed). Progress goes to `progress` once a second, the summary
// (replay_rules.h summary_json) to `summary` as one line.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>

namespace switchboard::dlq {

struct ReplayOptions {
  std::string brokers;
  std::string from_topic;
  std::string to_topic = "notifications.events";
  std::string group = "switchboard-dlq-replay";
  std::uint64_t limit = 0;  // dead letters to take (replayed or skipped); 0: no limit
  bool dry_run = false;
  std::optional<std::int64_t> since_ms;  // skip records dead-lettered before this instant
  // More librdkafka properties for both clients (security.protocol, sasl.*, ...).
  std::map<std::string, std::string> properties;
  std::chrono::milliseconds timeout{30000};  // metadata, final flush and final commit
};

// Exit codes: 0 done (end of topic or limit), 1 Kafka error or unacknowledged copies,
// 130 stopped by a signal.
int run_replay(const ReplayOptions& options, std::ostream& progress, std::ostream& summary);

}  // namespace switchboard::dlq
