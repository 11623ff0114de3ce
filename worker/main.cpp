// switchboard: the process entry point. Subcommands live in worker/cli/.

#include <iostream>

#include <CLI/CLI.hpp>

#include "worker/cli/commands.h"

int main(int argc, char** argv) {
  using namespace switchboard::cli;
  CLI::App app{"switchboard: routes notification events to provider integrations"};
  app.require_subcommand(1, 1);
  app.set_version_flag("--version", "switchboard 0.1.0");
  CommandRunner runner;
  add_explain_command(app, runner);
  add_validate_command(app, runner);
  add_demo_command(app, runner);
  add_broker_command(app, runner);
  add_sink_command(app, runner);
  add_api_command(app, runner);
  add_registry_command(app, runner);
  add_run_command(app, runner);
  add_dlq_command(app, runner);
  add_loadgen_command(app, runner);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help / --version: printed on stdout, exit 0
  } catch (const CLI::ParseError& e) {
    std::cerr << "switchboard: " << e.what() << "\n\n";
    const auto parsed = app.get_subcommands();
    std::cerr << (parsed.empty() ? app.help() : parsed.front()->help());
    return kExitUsage;
  }
  return runner ? runner() : kExitUsage;
}
