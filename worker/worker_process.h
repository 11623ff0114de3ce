#pragma once
// `switchboard run`: the production process. One io_context thread drives the Kafka
// consumer and producer (through their event fds), the registry (hiredis on its fd), the
// provider HTTP client and the admin HTTP server; nothing blocks the loop.
//
// Lifecycle: load the registry snapshot (retrying up to registry.start_timeout_s), join
// the consumer group, then per message: track the offset, run the pipeline, and commit
// the contiguous finished prefix every kafka.commit_interval_ms. At worker.max_in_flight
// the consumer is held and released at half. On revoke, in-flight work of the revoked
// partitions drains (up to worker.drain_timeout_ms) and is committed before the
// partitions go. SIGTERM/SIGINT: stop taking messages, drain, commit, close, flush, exit
// 0; a second signal exits at once.

#include "config/switchboard_config.h"

namespace switchboard::worker {

// Runs until shutdown; returns the process exit code. Throws only at startup on errors
// that name what to change.
int run_worker(const config::Config& config);

}  // namespace switchboard::worker
