// `switchboard loadgen`: produces notification events at a steady rate, reads the statuses
// back and reports throughput, latency and loss (worker/loadgen/). Exit 0 when every event
// got a status and every --slo clause held, 1 otherwise, 2 for usage errors.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "worker/cli/commands.h"
#include "worker/loadgen/load_runner.h"
#include "worker/loadgen/report.h"
#include "worker/loadgen/slo.h"

namespace switchboard::cli {
namespace {

struct LoadgenArgs {
  loadgen::LoadOptions load;
  std::string rate;
  std::string report_dir;
  std::string slo;
  std::vector<std::string> sample_pids;
};

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out.flush());
}

// "max", or a rate > 0.
bool parse_rate(const std::string& text, double& rate) {
  if (text == "max") {
    rate = 0;
    return true;
  }
  try {
    std::size_t used = 0;
    rate = std::stod(text, &used);
    return used == text.size() && std::isfinite(rate) && rate > 0;
  } catch (const std::exception&) {
    return false;
  }
}

// "LABEL=PID" or "PID".
bool parse_sample(const std::string& text, loadgen::SampledProcess& out) {
  const auto eq = text.find('=');
  out.label = eq == std::string::npos ? text : text.substr(0, eq);
  try {
    std::size_t used = 0;
    const std::string pid = eq == std::string::npos ? text : text.substr(eq + 1);
    out.pid = std::stoi(pid, &used);
    return used == pid.size() && out.pid > 0 && !out.label.empty();
  } catch (const std::exception&) {
    return false;
  }
}

int run_loadgen(LoadgenArgs& args) {
  const auto usage = [](const std::string& problem) {
    std::cerr << "switchboard loadgen: " << problem << "\n";
    return kExitUsage;
  };
  if (!parse_rate(args.rate, args.load.rate)) return usage("--rate must be a number of events/s > 0, or max");
  if (args.load.rate == 0 && args.load.max_events == 0 && args.load.duration_s <= 0) {
    return usage("--rate max needs --duration or --events");
  }
  for (const auto& s : args.sample_pids) {
    loadgen::SampledProcess p;
    if (!parse_sample(s, p)) return usage("--sample-pid `" + s + "`: expected LABEL=PID or PID");
    args.load.sample.push_back(p);
  }
  loadgen::MixResult mix = loadgen::read_mix_file(args.load.mix_file);
  if (!mix.error.empty()) return usage(mix.error);
  args.load.mix = std::move(mix.mix);
  std::vector<loadgen::SloClause> slo;
  if (!args.slo.empty()) {
    loadgen::SloParse parsed = loadgen::parse_slo(args.slo);
    if (!parsed.error.empty()) return usage(parsed.error);
    slo = std::move(parsed.clauses);
  }

  loadgen::RunReport report;
  try {
    report = loadgen::run_load(args.load, std::cerr);
  } catch (const std::invalid_argument& e) {
    return usage(e.what());
  } catch (const std::exception& e) {
    std::cerr << "switchboard loadgen: " << e.what() << "\n";
    return 1;
  }
  report.slo = loadgen::evaluate_slo(slo, loadgen::report_metrics(report));

  if (!args.report_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(args.report_dir, ec);
    const std::filesystem::path dir(args.report_dir);
    if (ec || !write_file(dir / "report.json", loadgen::render_report_json(report)) ||
        !write_file(dir / "report.html", loadgen::render_report_html(report))) {
      std::cerr << "switchboard loadgen: cannot write the report to " << args.report_dir << "\n";
      return 1;
    }
  }
  const auto m = loadgen::report_metrics(report);
  std::cerr << "loadgen: " << report.accounting.done << " of " << report.accounting.expected << " events done, "
            << report.accounting.statuses << " statuses; " << m.at("throughput") << " events/s, "
            << m.at("deliveries") << " deliveries/s; latency p50 " << m.at("p50") << " ms, p99 " << m.at("p99")
            << " ms, max " << m.at("max") << " ms; repeated " << report.accounting.repeated_statuses
            << ", duplicate " << m.at("duplicate") << ", lost " << report.lost << "\n";
  if (!args.report_dir.empty()) std::cerr << "loadgen: report in " << args.report_dir << "/report.html\n";
  int exit_code = 0;
  if (report.lost > 0) {
    std::cerr << "loadgen: FAILED: " << report.lost << " events without a status after the drain timeout (e.g.";
    for (const auto& id : report.lost_ids) std::cerr << " " << id;
    std::cerr << ")\n";
    exit_code = 1;
  }
  for (const auto& v : report.slo) {
    if (v.met) continue;
    std::cerr << "loadgen: FAILED: SLO clause `" << v.clause.text << "` missed: actual " << v.actual
              << (v.clause.metric.starts_with('p') || v.clause.metric == "max" ? " ms" : "") << "\n";
    exit_code = 1;
  }
  return exit_code;
}

}  // namespace

void add_loadgen_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<LoadgenArgs>();
  CLI::App* cmd = app.add_subcommand(
      "loadgen", "Produce events at a steady rate, match their statuses, report throughput, latency and loss");
  cmd->add_option("--brokers", args->load.brokers, "Kafka bootstrap servers (host:port,...)")->required();
  cmd->add_option("--rate", args->rate, "Events per second, or max (as fast as the producer takes them)")->required();
  cmd->add_option("--duration", args->load.duration_s, "Seconds to produce for")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--mix", args->load.mix_file, "Mix file (JSON or .toml): channels, tenants, payloads, subscribers, "
                                                "invalid share; see bench/scenarios/mix.json")
      ->required();
  cmd->add_option("--events", args->load.max_events, "Stop after this many events (before --duration ends)");
  cmd->add_option("--report", args->report_dir, "Directory for report.json and report.html (created)");
  cmd->add_option("--slo", args->slo, "Objectives, e.g. 'p99<=50ms,lost==0,throughput>=15000': exit 1 when one is missed");
  cmd->add_option("--events-topic", args->load.events_topic, "Topic the events are produced to");
  cmd->add_option("--status-topic", args->load.status_topic, "Topic the statuses are read from");
  cmd->add_option("--drain-timeout", args->load.drain_timeout_s,
                  "Seconds to wait after producing for the last statuses; events still without one are lost")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--sample-pid", args->sample_pids, "Sample the RSS of this process every second (LABEL=PID or PID; repeatable)");
  cmd->add_option("--seed", args->load.seed, "Seed of the event mix");
  cmd->callback([&runner, args] {
    runner = [args]() -> int { return run_loadgen(*args); };
  });
}

}  // namespace switchboard::cli
