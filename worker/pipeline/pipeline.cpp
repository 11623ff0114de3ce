#include "worker/pipeline/pipeline.h"

#include <spdlog/spdlog.h>

#include "routing/event_ids.h"
#include "routing/json_text.h"
#include "worker/logging.h"
#include "worker/status_event.h"

namespace switchboard::worker {

struct PipelineMetrics {
  explicit PipelineMetrics(metrics::Registry& r)
      : consumed(r.counter("switchboard_events_consumed_total", "Events taken from the events topic").with({})),
        invalid(r.counter("switchboard_events_invalid_total", "Events that failed validation, by reason",
                          {"reason"})),
        deliveries(r.counter("switchboard_deliveries_total", "Status events by channel, provider and status",
                             {"channel", "provider", "status"})),
        delivery_duration(r.histogram("switchboard_delivery_duration_seconds",
                                      "Dispatch time of one target, retries and failover included",
                                      metrics::duration_buckets())
                              .with({})),
        route_duration(r.histogram("switchboard_route_duration_seconds", "Parse, validate and select for one event",
                                   metrics::duration_buckets())
                           .with({})),
        dlq(r.counter("switchboard_dlq_total", "Records written to the dead-letter topic").with({})),
        duplicates(r.counter("switchboard_duplicates_total", "Events skipped as already completed").with({})),
        dedup_errors(r.counter("switchboard_dedup_errors_total",
                               "Dedup lookups or records that failed (the event was processed anyway)")
                         .with({})),
        produce_retries(r.counter("switchboard_produce_retries_total",
                                  "Status or dead-letter records produced again after a failed delivery report")
                            .with({})) {}

  metrics::Counter& consumed;
  metrics::Family<metrics::Counter>& invalid;
  metrics::Family<metrics::Counter>& deliveries;
  metrics::Histogram& delivery_duration;
  metrics::Histogram& route_duration;
  metrics::Counter& dlq;
  metrics::Counter& duplicates;
  metrics::Counter& dedup_errors;
  metrics::Counter& produce_retries;
};

namespace {

struct TargetWork {
  std::string name;
  routing::TargetStatus status = routing::TargetStatus::kNoIntegration;
  routing::RouteReason reason = routing::RouteReason::kNoEligibleIntegration;
  std::vector<const routing::Integration*> chain;
  std::vector<routing::RouteReason> reasons;  // per chain element
  std::string subscriber_channel_json;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

struct Pipeline::Work {
  std::shared_ptr<const std::string> event_json;
  std::string id, organization_id, environment_id, channel, transaction_id;
  std::shared_ptr<const routing::IntegrationSnapshot> snapshot;
  std::vector<TargetWork> targets;
  std::size_t pending_records = 0;
  std::chrono::steady_clock::time_point received;
  std::function<void()> finished;
};

namespace {

// The fields every status of one event shares.
StatusEvent status_for(const std::string& id, const std::string& transaction_id, const std::string& organization_id,
                       const std::string& environment_id, const std::string& channel) {
  StatusEvent status;
  status.event_id = id;
  status.transaction_id = transaction_id;
  status.organization_id = organization_id;
  status.environment_id = environment_id;
  status.channel = channel;
  return status;
}

}  // namespace

Pipeline::Pipeline(PipelineOptions options, SnapshotSource snapshots, providers::DeliveryExecutor& executor,
                   providers::Scheduler& scheduler, Outbox& outbox, DedupStore* dedup, metrics::Registry& metrics,
                   WallClock wall_clock)
    : options_(std::move(options)), snapshots_(std::move(snapshots)), executor_(executor), scheduler_(scheduler),
      outbox_(outbox), dedup_(dedup), metrics_(std::make_unique<PipelineMetrics>(metrics)),
      wall_clock_(std::move(wall_clock)) {}

Pipeline::~Pipeline() = default;

// A status or dead letter until the broker takes it: kept once, for a possible retry (a
// record the broker did not take is never dropped), and moved, never copied, meanwhile.
struct Pipeline::Record {
  const std::string& topic;
  std::string key, value;
  RecordHeaders headers;
  std::function<void()> acked;
};

void Pipeline::produce_until_acked(const std::string& topic, std::string key, std::string value,
                                   RecordHeaders headers, std::function<void()> acked) {
  produce_until_acked(std::make_shared<Record>(
      Record{topic, std::move(key), std::move(value), std::move(headers), std::move(acked)}));
}

void Pipeline::produce_until_acked(std::shared_ptr<Record> record) {
  const Record& r = *record;
  outbox_.produce(r.topic, r.key, r.value, r.headers,
                  [this, record = std::move(record)](bool ok, const std::string& error) mutable {
                    if (ok) {
                      record->acked();
                      return;
                    }
                    metrics_->produce_retries.inc();
                    spdlog::warn(R"("msg":"record not acknowledged, producing again","topic":{},"error":{})",
                                 log_quote(record->topic), log_quote(error));
                    scheduler_.after(options_.produce_retry, [this, record = std::move(record)]() mutable {
                      produce_until_acked(std::move(record));
                    });
                  });
}

void Pipeline::reject(InboundMessage& message, const std::string& code, const std::string& reason,
                      std::function<void()> finished) {
  metrics_->invalid.with({code}).inc();
  metrics_->dlq.inc();
  // Ids are read only from events of acceptable size: a huge one is not parsed again.
  routing::EventIds ids;
  if (code != "too_large") ids = routing::read_event_ids(message.payload);
  spdlog::info(R"("msg":"invalid event to dead-letter topic","event_id":{},"source":{},"reason":{})",
               log_quote(ids.id), log_quote(message.source), log_quote(reason));

  auto remaining = std::make_shared<int>(ids.id.empty() ? 1 : 2);
  auto done = [this, remaining, finished = std::move(finished)] {
    if (--*remaining == 0) {
      --in_flight_;
      finished();
    }
  };
  RecordHeaders headers = message.headers;
  headers.emplace_back("x-switchboard-error", code + ": " + reason);
  headers.emplace_back("x-switchboard-source", message.source);
  if (code == "too_large") {
    // The whole event may exceed what the broker accepts (message.max.bytes), and a record
    // it refuses would be retried forever: keep the first max_event_bytes and say so.
    headers.emplace_back("x-switchboard-truncated", "true");
    headers.emplace_back("x-switchboard-original-bytes", std::to_string(message.payload.size()));
    message.payload.resize(options_.max_event_bytes);
  }
  produce_until_acked(options_.dlq_topic, ids.id, std::move(message.payload), std::move(headers), done);
  if (!ids.id.empty()) {
    StatusEvent status =
        status_for(ids.id, ids.transaction_id, ids.organization_id, ids.environment_id, ids.channel);
    status.status = DeliveryStatus::kInvalid;
    status.reason = code;
    status.error = reason;
    status.latency_ms = seconds_since(message.received) * 1000.0;
    status.ts_epoch_ms = wall_clock_();
    std::string record;
    append_status_json(record, status);
    metrics_->deliveries.with({ids.channel, "", "invalid"}).inc();
    produce_until_acked(options_.status_topic, ids.id, std::move(record), {}, done);
  }
}

void Pipeline::process(InboundMessage message, std::function<void()> finished) {
  ++in_flight_;
  metrics_->consumed.inc();
  if (message.payload.size() > options_.max_event_bytes) {
    reject(message, "too_large",
           "event of " + std::to_string(message.payload.size()) + " bytes is over worker.max_event_bytes (" +
               std::to_string(options_.max_event_bytes) + ")",
           std::move(finished));
    return;
  }
  auto work = std::make_shared<Work>();
  work->snapshot = snapshots_();
  work->received = message.received;
  work->finished = std::move(finished);
  const auto route_start = std::chrono::steady_clock::now();
  Error error;
  if (!router_.route(message.payload, *work->snapshot,
                     {.max_failover = options_.max_failover, .explain = false}, decision_, error)) {
    reject(message, error.code, error.message, std::move(work->finished));
    return;
  }
  metrics_->route_duration.observe(seconds_since(route_start));
  // The router's views die with the next parse: copy what dispatch needs.
  const routing::EventView& event = router_.event();
  work->id.assign(event.id);
  work->organization_id.assign(event.organization_id);
  work->environment_id.assign(event.environment_id);
  work->channel.assign(routing::channel_name(event.channel));
  work->transaction_id.assign(event.transaction_id);
  for (std::size_t t = 0; t < decision_.size(); ++t) {
    const routing::TargetDecision& d = decision_[t];
    TargetWork target;
    target.name = d.name;
    target.status = d.status;
    target.reason = d.reason;
    for (const routing::Candidate& c : d.candidates) {
      target.chain.push_back(&work->snapshot->entry(c.entry).integration);
      target.reasons.push_back(c.reason);
    }
    if (d.subscriber_channel >= 0) {
      target.subscriber_channel_json.assign(event.subscriber_channels[static_cast<std::size_t>(d.subscriber_channel)].json);
    }
    work->targets.push_back(std::move(target));
  }
  work->event_json = std::make_shared<const std::string>(std::move(message.payload));

  if (dedup_ == nullptr) {
    dispatch(std::move(work));
    return;
  }
  dedup_->seen(work->id, [this, work](Result<bool> seen) mutable {
    if (!seen.ok()) {
      // Dedup is an optimisation over at-least-once: without Redis, deliver anyway.
      metrics_->dedup_errors.inc();
    } else if (seen.value()) {
      metrics_->duplicates.inc();
      work->pending_records = 1;
      StatusEvent status =
          status_for(work->id, work->transaction_id, work->organization_id, work->environment_id, work->channel);
      status.status = DeliveryStatus::kDuplicate;
      status.reason = "already_completed";
      status.latency_ms = seconds_since(work->received) * 1000.0;
      status.ts_epoch_ms = wall_clock_();
      std::string record;
      append_status_json(record, status);
      metrics_->deliveries.with({work->channel, "", "duplicate"}).inc();
      // A duplicate is not recorded again: finish without record_done's dedup write.
      produce_until_acked(options_.status_topic, work->id, std::move(record), {}, [this, work] {
        --in_flight_;
        work->finished();
      });
      return;
    }
    dispatch(std::move(work));
  });
}

void Pipeline::dispatch(std::shared_ptr<Work> work) {
  work->pending_records = work->targets.size();
  for (std::size_t t = 0; t < work->targets.size(); ++t) {
    TargetWork& target = work->targets[t];
    if (target.chain.empty()) {
      StatusEvent status =
          status_for(work->id, work->transaction_id, work->organization_id, work->environment_id, work->channel);
      status.target = target.name;
      status.status = DeliveryStatus::kNoIntegration;
      status.reason = routing::route_reason_name(target.reason);
      status.latency_ms = seconds_since(work->received) * 1000.0;
      status.ts_epoch_ms = wall_clock_();
      std::string record;
      append_status_json(record, status);
      metrics_->deliveries.with({work->channel, "", "no_integration"}).inc();
      emit_status(work, std::move(record));
      continue;
    }
    providers::DeliveryRequest request;
    request.event_json = work->event_json;
    request.event_id = work->id;
    request.channel = *routing::parse_channel(work->channel);
    request.target = target.name;
    request.subscriber_channel_json = target.subscriber_channel_json;
    request.snapshot = work->snapshot;
    const auto dispatch_start = std::chrono::steady_clock::now();
    executor_.execute(std::move(request), target.chain, [this, work, t, dispatch_start](providers::DeliveryResult r) {
      metrics_->delivery_duration.observe(seconds_since(dispatch_start));
      const TargetWork& target = work->targets[t];
      std::size_t used = 0;
      while (used + 1 < target.chain.size() && target.chain[used] != r.integration) ++used;
      StatusEvent status =
          status_for(work->id, work->transaction_id, work->organization_id, work->environment_id, work->channel);
      status.target = target.name;
      status.status = r.sent ? DeliveryStatus::kSent : DeliveryStatus::kFailed;
      status.integration_id = r.integration->id;
      status.integration_identifier = r.integration->identifier;
      status.provider_id = r.integration->provider_id;
      status.provider_message_id = r.provider_message_id;
      status.attempts = r.attempts;
      status.failed_over = r.failed_over;
      status.reason = routing::route_reason_name(target.reasons[used]);
      status.error = r.error;
      status.latency_ms = seconds_since(work->received) * 1000.0;
      status.ts_epoch_ms = wall_clock_();
      if (!r.sent) {
        spdlog::warn(R"("msg":"delivery failed","event_id":{},"target":{},"integration":{},"provider":{},"error":{})",
                     log_quote(work->id), log_quote(target.name), log_quote(r.integration->identifier),
                     log_quote(r.integration->provider_id), log_quote(r.error));
      }
      std::string record;
      append_status_json(record, status);
      metrics_->deliveries.with({work->channel, r.integration->provider_id, r.sent ? "sent" : "failed"}).inc();
      emit_status(work, std::move(record));
    });
  }
}

void Pipeline::emit_status(const std::shared_ptr<Work>& work, std::string record) {
  produce_until_acked(options_.status_topic, work->id, std::move(record), {}, [this, work] {
    if (--work->pending_records == 0) record_done(work);
  });
}

void Pipeline::record_done(const std::shared_ptr<Work>& work) {
  if (dedup_ != nullptr) {
    dedup_->record(work->id, options_.dedup_ttl_s, [this](Result<bool> r) {
      if (!r.ok()) metrics_->dedup_errors.inc();
    });
  }
  --in_flight_;
  work->finished();
}

}  // namespace switchboard::worker
