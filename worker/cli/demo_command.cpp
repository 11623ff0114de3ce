// `switchboard demo`: routes the bundled example events against the bundled integrations
// and prints what went where. Later issues extend it to real delivery.

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "routing/integration_json.h"
#include "routing/router.h"
#include "worker/cli/commands.h"
#include "worker/cli/demo_data.h"
#include "worker/cli/file_io.h"
#include "worker/cli/snapshot_file.h"

namespace switchboard::cli {

namespace {

struct DemoOptions {
  std::string integrations;  // empty: the embedded defaults
  std::string events;
  unsigned max_failover = 2;
};

using Row = std::vector<std::string>;

void print_table(const std::vector<Row>& rows) {
  std::vector<std::size_t> widths;
  for (const Row& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      line += rows[r][c];
      if (c + 1 < rows[r].size()) line.append(widths[c] - rows[r][c].size() + 2, ' ');
    }
    std::cout << line << "\n";
    if (r == 0) {
      std::size_t total = 0;
      for (std::size_t w : widths) total += w + 2;
      std::cout << std::string(total - 2, '-') << "\n";
    }
  }
}

std::string describe(const routing::IntegrationSnapshot& snapshot, const routing::Candidate& c) {
  const auto& i = snapshot.entry(c.entry).integration;
  return i.identifier + " (" + i.provider_id + ")";
}

int run_demo(const DemoOptions& o) {
  std::string integrations_text(demo_integrations_json());
  std::string events_text(demo_events_jsonl());
  std::string error;
  if (!o.integrations.empty()) {
    auto text = read_whole_file(o.integrations, error);
    if (!text) return std::cerr << "switchboard demo: " << error << "\n", kExitUsage;
    integrations_text = std::move(*text);
  }
  if (!o.events.empty()) {
    auto text = read_whole_file(o.events, error);
    if (!text) return std::cerr << "switchboard demo: " << error << "\n", kExitUsage;
    events_text = std::move(*text);
  }
  auto file = routing::parse_integrations_file(integrations_text);
  if (!file.errors.empty()) {
    std::cerr << "switchboard demo: invalid integrations: " << first_error_line(file.errors) << "\n";
    return kExitUsage;
  }
  const std::size_t integration_count = file.integrations.size();
  auto snapshot = routing::IntegrationSnapshot::build(std::move(file.integrations));
  std::cout << "switchboard demo: " << integration_count << " integrations ("
            << (o.integrations.empty() ? "bundled config/examples/integrations.json" : o.integrations)
            << "), routing " << (o.events.empty() ? "bundled config/examples/events.jsonl" : o.events)
            << " (routing only: delivery comes with `switchboard run`)\n\n";

  routing::Router router;
  routing::Decision decision;
  Error route_error;
  std::vector<Row> rows{{"EVENT", "CHANNEL", "TARGET", "STATUS", "CHOSEN", "REASON", "FAILOVER"}};
  std::size_t routed = 0, unrouted = 0, invalid = 0, line_number = 0;
  const std::string_view input(events_text);
  for (std::size_t pos = 0; pos < input.size();) {
    std::size_t end = std::min(input.find('\n', pos), input.size());
    std::string_view line = input.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (!router.route(line, *snapshot, {.max_failover = o.max_failover, .explain = false}, decision, route_error)) {
      ++invalid;
      rows.push_back({"line " + std::to_string(line_number), "-", "-", "invalid", "-", route_error.code,
                      route_error.message});
      continue;
    }
    const auto& event = router.event();
    for (std::size_t t = 0; t < decision.size(); ++t) {
      const auto& target = decision[t];
      std::string failover;
      for (std::size_t k = 1; k < target.candidates.size(); ++k) {
        if (k > 1) failover += ", ";
        failover += describe(*snapshot, target.candidates[k]);
      }
      const bool ok = target.status == routing::TargetStatus::kRouted;
      (ok ? routed : unrouted)++;
      rows.push_back({std::string(event.id), std::string(routing::channel_name(event.channel)), target.name,
                      std::string(routing::target_status_name(target.status)),
                      ok ? describe(*snapshot, target.candidates.front()) : "-",
                      std::string(routing::route_reason_name(target.reason)), failover.empty() ? "-" : failover});
    }
  }
  print_table(rows);
  std::cout << "\n" << routed << " targets routed, " << unrouted << " without an integration, " << invalid
            << " invalid events (these go to the dead-letter topic in `switchboard run`)\n";
  return 0;
}

}  // namespace

void add_demo_command(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<DemoOptions>();
  CLI::App* cmd = app.add_subcommand("demo", "Route the bundled example events and print what went where");
  cmd->add_option("--integrations", options->integrations, "Integrations file instead of the bundled one");
  cmd->add_option("--events", options->events, "Events file (JSON lines) instead of the bundled one");
  cmd->add_option("--max-failover", options->max_failover, "Failover chain length")->capture_default_str();
  cmd->callback([&runner, options] { runner = [options] { return run_demo(*options); }; });
}

}  // namespace switchboard::cli
