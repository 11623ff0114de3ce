// `switchboard run --config FILE`: the production worker (worker/worker_process.h).

#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>

#include "config/switchboard_config.h"
#include "worker/cli/commands.h"
#include "worker/worker_process.h"

namespace switchboard::cli {

namespace {
struct RunOptions {
  std::string config;
  bool print_config = false;
};
}  // namespace

void add_run_command(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Consume events from Kafka, route them, deliver them and report their status (the worker)");
  cmd->add_option("--config", options->config, "Config file (TOML); empty: defaults plus environment overrides");
  cmd->add_flag("--print-config", options->print_config, "Print the effective config (secrets redacted) and exit");
  cmd->footer(
      "Environment: SWITCHBOARD_<SECTION>_<KEY> overrides any config key; SWITCHBOARD_SECRET_KEY decrypts stored "
      "credentials (required with registry.backend = \"redis\").");
  cmd->callback([&runner, options] {
    runner = [options]() -> int {
      config::Config cfg;
      try {
        cfg = config::load_config(options->config, environ);
      } catch (const config::ConfigError& e) {
        std::cerr << "switchboard run: " << e.what() << "\n";
        return kExitUsage;
      }
      if (options->print_config) {
        std::cout << config::render_config(cfg);
        return 0;
      }
      try {
        return worker::run_worker(cfg);
      } catch (const std::exception& e) {
        std::cerr << "switchboard run: " << e.what() << "\n";
        return 1;
      }
    };
  });
}

}  // namespace switchboard::cli
