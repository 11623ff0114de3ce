// `switchboard explain`: the routing decision for events against an integrations file
// (contract section 7). Sends nothing.

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "routing/explain_json.h"
#include "routing/router.h"
#include "worker/cli/commands.h"
#include "worker/cli/file_io.h"
#include "worker/cli/snapshot_file.h"

namespace switchboard::cli {

namespace {

struct ExplainOptions {
  std::string integrations;
  std::string event;
  std::string events;
  unsigned max_failover = 2;
};

int fail(const std::string& message) {
  std::cerr << "switchboard explain: " << message << "\n";
  return kExitUsage;
}

int explain_one(const ExplainOptions& o, const routing::IntegrationSnapshot& snapshot) {
  std::string error_text;
  auto text = read_whole_file(o.event, error_text);
  if (!text) return fail(error_text);
  routing::Router router;
  routing::Decision decision;
  Error error;
  if (!router.route(*text, snapshot, {.max_failover = o.max_failover, .explain = true}, decision, error)) {
    return fail("invalid event " + o.event + ": " + error.message);
  }
  std::string out;
  routing::append_explain_json(out, router.event(), decision, snapshot);
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

int explain_batch(const ExplainOptions& o, const routing::IntegrationSnapshot& snapshot) {
  LineReader reader(o.events);
  if (!reader.ok()) return fail(reader.error());
  routing::Router router;
  routing::Decision decision;
  routing::ExplainJsonWriter writer(snapshot);
  Error error;
  const routing::RouteOptions options{.max_failover = o.max_failover, .explain = true};
  std::string out;
  out.reserve(2 << 20);
  std::size_t line_number = 0;
  std::string_view line;
  while (reader.next(line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (router.route(line, snapshot, options, decision, error)) {
      writer.append(out, router.event(), decision);
    } else {
      routing::append_line_error_json(out, line_number, error.message);
    }
    out.push_back('\n');
    if (out.size() >= (1 << 20)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (!reader.ok()) return fail(reader.error());
  return 0;
}

}  // namespace

void add_explain_command(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<ExplainOptions>();
  CLI::App* cmd = app.add_subcommand("explain", "Print the routing decision for events; sends nothing");
  cmd->add_option("--integrations", options->integrations, "Integrations file: a JSON array of Integration objects")
      ->required();
  auto* event = cmd->add_option("--event", options->event, "One event (a JSON object) to explain");
  auto* events = cmd->add_option("--events", options->events,
                                 "Events, one JSON object per line ('-' for stdin); one output line per event");
  event->excludes(events);
  events->excludes(event);
  cmd->add_option("--max-failover", options->max_failover, "Failover chain length (routing.max_failover)")
      ->capture_default_str();
  cmd->callback([&runner, options, event, events] {
    runner = [options, event, events]() -> int {
      if (event->count() == 0 && events->count() == 0) return fail("one of --event or --events is required");
      auto loaded = load_integrations_file(options->integrations);
      if (!loaded.snapshot) {
        return fail("invalid integrations file " + options->integrations + ": " + first_error_line(loaded.errors));
      }
      return events->count() ? explain_batch(*options, *loaded.snapshot) : explain_one(*options, *loaded.snapshot);
    };
  });
}

}  // namespace switchboard::cli
