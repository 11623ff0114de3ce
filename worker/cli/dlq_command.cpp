// `switchboard dlq replay`: re-produces the original events of dead-letter records to the
// events topic (worker/dlq/replayer.h). Progress on stderr once a second, one summary JSON
// line on stdout at the end.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "routing/timestamp.h"
#include "worker/cli/commands.h"
#include "worker/dlq/replayer.h"

namespace switchboard::cli {

namespace {

struct DlqReplayArgs {
  dlq::ReplayOptions options;
  std::string since;
  std::vector<std::string> properties;
  unsigned timeout_s = 30;
};

// Milliseconds since the epoch of an RFC 3339 UTC timestamp ("2026-01-31T12:00:00Z").
bool parse_since(const std::string& text, std::int64_t& out) {
  const auto ts = routing::parse_timestamp(text);
  if (!ts) return false;
  std::string millis = ts->fraction.substr(0, 3);
  millis.resize(3, '0');
  out = ts->epoch_seconds * 1000 + std::stoll(millis);
  return true;
}

// Fills the options from the parsed arguments; returns the problem, empty if none.
std::string finish_options(DlqReplayArgs& args) {
  dlq::ReplayOptions& o = args.options;
  if (o.from_topic == o.to_topic) return "--from-topic and --to-topic name the same topic";
  if (!args.since.empty()) {
    std::int64_t ms = 0;
    if (!parse_since(args.since, ms)) return "--since " + args.since + ": expected UTC like 2026-01-31T12:00:00Z";
    o.since_ms = ms;
  }
  for (const std::string& p : args.properties) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return "-X " + p + ": expected PROPERTY=VALUE";
    o.properties[p.substr(0, eq)] = p.substr(eq + 1);
  }
  if (args.timeout_s == 0) return "--timeout-s must be at least 1";
  o.timeout = std::chrono::seconds(args.timeout_s);
  return {};
}

}  // namespace

void add_dlq_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<DlqReplayArgs>();
  CLI::App* dlq = app.add_subcommand("dlq", "Dead-letter topic tools");
  dlq->require_subcommand(1, 1);
  CLI::App* cmd = dlq->add_subcommand(
      "replay",
      "Re-produce the original events of dead-letter records (value, key and headers as they were; truncated "
      "records are skipped), committing the dead-letter offsets only once the copies are acknowledged; stops at the "
      "end of the topic");
  dlq::ReplayOptions& o = args->options;
  cmd->add_option("--brokers", o.brokers, "Bootstrap brokers, host:port[,host:port...]")->required();
  cmd->add_option("--from-topic", o.from_topic, "The dead-letter topic (kafka.dlq_topic)")->required();
  cmd->add_option("--to-topic", o.to_topic, "Where the events go (kafka.events_topic)")->capture_default_str();
  cmd->add_option("--group", o.group, "Consumer group whose committed offsets say what was replayed already")
      ->capture_default_str();
  cmd->add_option("--limit", o.limit, "Stop after this many dead letters (replayed or skipped); 0: no limit");
  cmd->add_flag("--dry-run", o.dry_run, "Read and count only: produce nothing, commit nothing");
  cmd->add_option("--since", args->since,
                  "Skip records dead-lettered before this UTC instant (record timestamp), e.g. 2026-01-31T12:00:00Z");
  cmd->add_option("-X,--property", args->properties,
                  "More librdkafka properties for both clients, PROPERTY=VALUE (security.protocol, sasl.*, ...)");
  cmd->add_option("--timeout-s", args->timeout_s, "Deadline of the metadata lookup and of the final flush, seconds")
      ->capture_default_str();
  cmd->footer(
      "Exit codes: 0 done (end of topic or --limit), 1 Kafka error or copies not acknowledged, 2 usage, 130 "
      "interrupted. Run one replay per --group at a time.");
  cmd->callback([&runner, args] {
    runner = [args]() -> int {
      if (const std::string problem = finish_options(*args); !problem.empty()) {
        std::cerr << "switchboard dlq replay: " << problem << "\n";
        return kExitUsage;
      }
      return dlq::run_replay(args->options, std::cerr, std::cout);
    };
  });
}

}  // namespace switchboard::cli
