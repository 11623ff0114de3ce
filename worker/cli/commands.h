#pragma once
// The switchboard subcommands. Each add_* registers its options on `app`; when the
// subcommand is parsed, `runner` is set to the function that runs it and returns the
// process exit code.

#include <functional>

#include <CLI/CLI.hpp>

namespace switchboard::cli {

using CommandRunner = std::function<int()>;

void add_explain_command(CLI::App& app, CommandRunner& runner);
void add_validate_command(CLI::App& app, CommandRunner& runner);
void add_demo_command(CLI::App& app, CommandRunner& runner);
void add_broker_command(CLI::App& app, CommandRunner& runner);  // worker/kafka/: mock Kafka cluster
void add_sink_command(CLI::App& app, CommandRunner& runner);  // worker/sink/: fake provider server
void add_api_command(CLI::App& app, CommandRunner& runner);       // worker/api/: management HTTP API
void add_registry_command(CLI::App& app, CommandRunner& runner);  // bulk import/export of the store
void add_run_command(CLI::App& app, CommandRunner& runner);       // worker/worker_process.h: the worker
void add_dlq_command(CLI::App& app, CommandRunner& runner);       // worker/dlq/: dead-letter replay
void add_loadgen_command(CLI::App& app, CommandRunner& runner);   // worker/loadgen/: load test harness

// Exit code for usage errors and invalid input files.
inline constexpr int kExitUsage = 2;

}  // namespace switchboard::cli
