#pragma once
// run_load: the I/O part of `switchboard loadgen`. One thread runs an io_context with a
// Kafka producer and a status consumer (worker/kafka/, no poll threads):
//  1. joins a fresh consumer group on the status topic (auto.offset.reset = latest, so only
//     statuses produced from now on are read) and waits for its assignment plus a settle
//     second, while a few warm-up events (ids outside the run's prefix) connect the producer
//     to every partition leader;
//  2. produces at the offered rate: a 5 ms steady_timer computes how many events are due
//     since the start (token pacing, so a late tick catches up instead of lowering the rate)
//     and produces them as one batch; with rate 0 (--rate max) it keeps at most
//     kMaxInFlight events unacknowledged instead. Nothing blocks or sleeps on the loop;
//  3. matches statuses as they arrive (StatusMatcher) and prints a progress line every
//     second; samples the gauges (RSS of --sample-pid processes, lag) at the same time;
//  4. after the duration (or --events, or SIGINT/SIGTERM) waits until every event has a
//     status or the drain timeout passes, then returns the report.
//
// Blocks the calling thread for the whole run. Throws std::invalid_argument for a bad
// librdkafka setting and std::runtime_error when the status consumer gets no assignment in
// time (broker unreachable).

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "worker/loadgen/mix.h"
#include "worker/loadgen/report.h"

namespace switchboard::loadgen {

struct SampledProcess {
  std::string label;  // gauge name: rss_mb_<label>
  int pid = 0;
};

struct LoadOptions {
  std::string brokers;
  double rate = 1000;  // events/s; 0: as fast as possible
  double duration_s = 10;
  std::uint64_t max_events = 0;  // 0: no limit but the duration
  std::string events_topic = "notifications.events";
  std::string status_topic = "notifications.status";
  double drain_timeout_s = 30;
  double join_timeout_s = 30;  // for the status consumer's assignment
  std::uint64_t seed = 1;
  std::string mix_file;  // for the report
  Mix mix;
  std::vector<SampledProcess> sample;
};

RunReport run_load(const LoadOptions& options, std::ostream& progress);

}  // namespace switchboard::loadgen
