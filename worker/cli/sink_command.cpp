// `switchboard sink`: a local fake provider HTTP(S) server for tests and benchmarks
// (worker/sink/). Listens on 127.0.0.1 unless --bind says otherwise.

#include <iostream>
#include <memory>
#include <string>

#include "worker/cli/commands.h"
#include "worker/sink/sink.h"

namespace switchboard::cli {

void add_sink_command(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<sink::SinkOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sink", "Run a fake provider HTTP(S) server (SendGrid/Twilio/webhook shapes, fault injection) until SIGTERM");
  cmd->add_option("--port", options->port, "Plain HTTP port (0: any free port; the startup line prints it)")
      ->required();
  cmd->add_option("--tls-port", options->tls_port, "HTTPS port with a self-signed certificate (0: any free port)");
  cmd->add_option("--latency-ms", options->latency_ms, "Delay every answer by this many milliseconds");
  cmd->add_option("--error-rate", options->error_rate, "Share (0..1) of answers replaced by --error-status");
  cmd->add_option("--error-status", options->error_status, "Injected error status: 503, or 429 with Retry-After: 1");
  cmd->add_option("--status", options->status, "Answer every request with this status");
  cmd->add_option("--drop-nth", options->drop_nth,
                  "Close the connection instead of answering the Nth request of each connection");
  cmd->add_option("--idle-timeout-ms", options->idle_timeout_ms, "Close keep-alive connections idle this long");
  cmd->add_option("--record", options->record_file, "Append one JSON line per request to this file");
  cmd->add_option("--cert-dir", options->cert_dir, "Where to write cert.pem and key.pem (default: a new /tmp dir)");
  cmd->add_option("--bind", options->bind, "Address to listen on");
  cmd->add_option("--seed", options->seed, "Seed of the error injection (default: from the clock)");
  cmd->callback([&runner, options] {
    runner = [options]() -> int {
      if (const std::string problem = sink::validate_sink_options(*options); !problem.empty()) {
        std::cerr << "switchboard sink: " << problem << "\n";
        return kExitUsage;
      }
      return sink::run_sink(*options);
    };
  });
}

}  // namespace switchboard::cli
