#pragma once
// One event's way through the worker: size check → validate + route (the snapshot of the
// moment) → duplicate check → dispatch every target (retries, failover) → one status
// event per target (or a dead letter) → `finished` once every record is acknowledged.
// The caller commits the event's offset only after `finished` (at-least-once).
//
// Not thread-safe: one Pipeline per io_context thread. Never throws on bad input: every
// message ends in status events and/or a dead letter.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "providers/delivery_executor.h"
#include "routing/integration_snapshot.h"
#include "routing/router.h"
#include "worker/metrics/metrics.h"
#include "worker/pipeline/dedup_store.h"
#include "worker/pipeline/outbox.h"

namespace switchboard::worker {

struct PipelineOptions {
  std::string status_topic = "notifications.status";
  std::string dlq_topic = "notifications.dlq";
  std::uint32_t max_event_bytes = 256 * 1024;
  std::uint32_t max_failover = 2;
  std::uint32_t dedup_ttl_s = 86400;
  std::chrono::milliseconds produce_retry{1000};  // a status that failed to produce is produced again
};

struct InboundMessage {
  std::string payload;
  std::string source;  // "topic/partition/offset", for x-switchboard-source
  RecordHeaders headers;
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();
};

struct PipelineMetrics;

class Pipeline {
 public:
  using SnapshotSource = std::function<std::shared_ptr<const routing::IntegrationSnapshot>()>;
  using WallClock = std::function<std::int64_t()>;  // epoch milliseconds, for status `ts`

  Pipeline(PipelineOptions options, SnapshotSource snapshots, providers::DeliveryExecutor& executor,
           providers::Scheduler& scheduler, Outbox& outbox, DedupStore* dedup, metrics::Registry& metrics,
           WallClock wall_clock);
  ~Pipeline();

  void process(InboundMessage message, std::function<void()> finished);
  std::size_t in_flight() const noexcept { return in_flight_; }

 private:
  struct Work;
  void reject(InboundMessage& message, const std::string& code, const std::string& reason,
              std::function<void()> finished);
  void dispatch(std::shared_ptr<Work> work);
  void emit_status(const std::shared_ptr<Work>& work, std::string record);
  struct Record;
  // `topic` is one of options_'s topics (it outlives the retries).
  void produce_until_acked(const std::string& topic, std::string key, std::string value, RecordHeaders headers,
                           std::function<void()> acked);
  void produce_until_acked(std::shared_ptr<Record> record);
  void record_done(const std::shared_ptr<Work>& work);

  PipelineOptions options_;
  SnapshotSource snapshots_;
  providers::DeliveryExecutor& executor_;
  providers::Scheduler& scheduler_;
  Outbox& outbox_;
  DedupStore* dedup_;
  std::unique_ptr<PipelineMetrics> metrics_;
  WallClock wall_clock_;
  routing::Router router_;
  routing::Decision decision_;
  std::size_t in_flight_ = 0;
};

}  // namespace switchboard::worker
