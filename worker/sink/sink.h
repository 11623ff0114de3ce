#pragma once
// `switchboard sink`: a local fake provider HTTP(S) server for tests and benchmarks.
//
// Answers any path with a success (a JSON body with an `id`, and an `x-message-id`
// header); checks the request shape of known endpoints (SendGrid mail send, Twilio
// Messages, /webhook/*) and answers 400 with a JSON reason when a check fails. Faults are
// injected on request: latency, a share of 503/429 answers, a fixed status, dropped
// connections. `GET /_sink/stats` reports counters.
//
// The networking (Beast, plain and TLS) is in sink_server.cpp; the decisions, counters
// and the record file are in SinkApp (sink_app.h), which has no Beast types.

#include <cstdint>
#include <string>

namespace switchboard::sink {

struct SinkOptions {
  std::string bind = "127.0.0.1";   // loopback by default: the sink is a test tool
  int port = 0;                     // plain HTTP; 0: an ephemeral port (printed at start)
  int tls_port = -1;                // HTTPS; -1: off, 0: an ephemeral port
  int latency_ms = 0;               // delay before every answer (a timer, not a sleep)
  double error_rate = 0.0;          // share of answers replaced by `error_status`
  int error_status = 503;           // 503, or 429 (answered with `Retry-After: 1`)
  int status = 0;                   // when set, every request is answered with this status
  int drop_nth = 0;                 // when set, the Nth request of every connection is not
                                    // answered: the connection is closed instead
  int idle_timeout_ms = 60'000;     // keep-alive connections idle this long are closed
  std::string record_file;          // when set, one JSON line per request is appended
  std::string cert_dir;             // where cert.pem and key.pem are written (TLS only);
                                    // empty: a new directory under /tmp
  std::uint64_t seed = 0;           // error-injection randomness; 0: seeded from the clock
};

// Validates `options`; empty when fine, else what to change (one line).
std::string validate_sink_options(const SinkOptions& options);

// Runs the sink until SIGTERM or SIGINT; blocks. Prints one JSON line on stdout when it
// listens: {"event":"sink_listening","http_port":P[,"https_port":P2,"cert":"DIR/cert.pem"]}.
// Returns the process exit code; startup errors are printed on stderr (exit code 1).
int run_sink(const SinkOptions& options);

}  // namespace switchboard::sink
