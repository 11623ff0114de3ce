#include "worker/worker_process.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "providers/delivery_executor.h"
#include "providers/http/http_client.h"
#include "providers/null_provider.h"
#include "providers/provider_set.h"
#include "providers/adapters/adapter_catalog.h"
#include "providers/webhook_provider.h"
#include "registry/credential_cipher.h"
#include "registry/redis_reply.h"
#include "registry/registry_factory.h"
#include "registry/snapshot_cache.h"
#include "routing/provider_catalog.h"
#include "worker/asio_scheduler.h"
#include "worker/http/http_server.h"
#include "worker/inbox/inbox_provider.h"
#include "worker/kafka/consumer.h"
#include "worker/kafka/offset_tracker.h"
#include "worker/kafka/producer.h"
#include "worker/logging.h"
#include "worker/metrics/delivery_metrics.h"
#include "worker/metrics/metrics.h"
#include "worker/pipeline/pipeline.h"
#include "worker/pipeline/redis_dedup_store.h"

namespace switchboard::worker {

namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

std::int64_t epoch_millis() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class KafkaOutbox final : public Outbox {
 public:
  explicit KafkaOutbox(kafka::KafkaProducer& producer) : producer_(producer) {}
  void produce(const std::string& topic, const std::string& key, const std::string& value, const RecordHeaders& headers,
               std::function<void(bool, const std::string&)> acked) override {
    producer_.produce(topic, key, value, headers, [acked = std::move(acked)](const kafka::DeliveryResult& r) {
      acked(!r.error, r.error ? r.error.message() : std::string());
    });
  }

 private:
  kafka::KafkaProducer& producer_;
};

// Every component of a running worker, in construction order (destroyed in reverse).
class WorkerProcess {
 public:
  explicit WorkerProcess(const config::Config& config)
      : config_(config), signals_(io_, SIGTERM, SIGINT), commit_timer_(io_), drain_timer_(io_),
        revoke_timer_(io_), scheduler_(io_) {}

  int run();

 private:
  void build_providers();
  void start_consumer();
  void on_message(const kafka::ConsumedMessage& message);
  void on_finished(const kafka::TopicPartition& tp, std::int64_t offset);
  void on_revoke(const std::vector<kafka::TopicPartition>& partitions, std::function<void()> done);
  void check_revoke();
  void finish_revoke();
  void schedule_commit();
  void commit(std::function<void()> then = {});
  void shutdown(int exit_code, const std::string& why);
  void check_drained();
  void close_everything();
  void serve_admin();
  void register_collectors();
  bool ready(std::string& why) const;

  config::Config config_;
  asio::io_context io_{1};
  asio::signal_set signals_;
  asio::steady_timer commit_timer_;
  asio::steady_timer drain_timer_;
  asio::steady_timer revoke_timer_;
  AsioScheduler scheduler_;
  metrics::Registry metrics_;
  std::shared_ptr<const registry::CredentialCipher> cipher_;
  std::unique_ptr<registry::IntegrationStore> store_;
  std::unique_ptr<registry::SnapshotCache> cache_;
  std::unique_ptr<providers::HttpClient> http_;
  providers::ProviderSet providers_;
  std::unique_ptr<metrics::DeliveryMetrics> delivery_metrics_;
  std::unique_ptr<providers::DeliveryExecutor> executor_;
  std::unique_ptr<DedupStore> dedup_;
  std::unique_ptr<kafka::KafkaProducer> producer_;
  std::unique_ptr<KafkaOutbox> outbox_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<kafka::KafkaConsumer> consumer_;
  std::unique_ptr<http::HttpServer> admin_;
  kafka::OffsetTracker tracker_;

  bool snapshot_loaded_ = false;
  bool group_joined_ = false;
  bool stopping_ = false;
  bool closing_ = false;
  int exit_code_ = 0;
  struct PendingRevoke {
    std::vector<kafka::TopicPartition> partitions;
    std::function<void()> done;
  };
  std::optional<PendingRevoke> revoke_;
};

void WorkerProcess::build_providers() {
  providers::HttpClientOptions http_options;
  http_options.max_connections_per_host = config_.delivery.max_connections_per_host;
  http_options.request_timeout = milliseconds(config_.delivery.timeout_ms);
  http_options.ca_file = config_.delivery.ca_file;
  http_options.single_threaded_io = true;  // io_ is run by run() alone
  http_ = std::make_unique<providers::HttpClient>(io_, http_options);
  const std::string& mode = config_.delivery.mode;
  if (mode == "null") {
    providers_.serve_all_with(std::make_shared<providers::NullProvider>());
  } else if (mode == "webhook") {
    providers_.serve_all_with(std::make_shared<providers::WebhookProvider>(*http_, config_.delivery.webhook_url));
  } else {
    // Provider ids without an adapter fail over as "not supported by this worker".
    providers::add_all_adapters(providers_, *http_);
    if (auto inbox = make_inbox_provider(io_, config_.registry)) providers_.add({"novu"}, std::move(inbox));
  }
  providers::DeliveryPolicy policy;
  policy.retry.max_attempts = config_.retry.max_attempts;
  policy.retry.base = milliseconds(config_.retry.base_ms);
  policy.retry.max = milliseconds(config_.retry.max_ms);
  policy.rate_limit.max_queue = milliseconds(config_.delivery.max_queue_ms);
  for (const auto& entry : config_.delivery.rate_limits) {
    const std::string& provider_id = entry.first;
    const bool known = std::any_of(routing::kAllChannels.begin(), routing::kAllChannels.end(),
                                   [&](routing::Channel c) { return routing::provider_belongs_to(provider_id, c); });
    // A misspelt provider would silently stay unlimited.
    if (!known) throw std::runtime_error("delivery.rate_limits." + provider_id + ": not a known providerId");
    policy.rate_limit.provider_defaults[provider_id] = routing::RateLimit{entry.second.per_second, entry.second.burst};
  }
  policy.breaker.failure_threshold = config_.breaker.failure_threshold;
  policy.breaker.window = milliseconds(config_.breaker.window_ms);
  policy.breaker.cooldown = milliseconds(config_.breaker.cooldown_ms);
  // One executor on the one io_context thread: rate limits and breakers are per process.
  delivery_metrics_ = std::make_unique<metrics::DeliveryMetrics>(metrics_);
  executor_ = std::make_unique<providers::DeliveryExecutor>(providers_, scheduler_, std::move(policy),
                                                            delivery_metrics_.get());
}

bool WorkerProcess::ready(std::string& why) const {
  if (!snapshot_loaded_) why += "registry snapshot not loaded; ";
  if (!group_joined_) why += "consumer group not joined; ";
  if (producer_) {
    auto health = producer_->health();
    if (health.fatal) why += "producer failed: " + health.fatal_reason + "; ";
    if (health.all_brokers_down) why += "all brokers down; ";
  } else {
    why += "producer not started; ";
  }
  if (stopping_) why += "shutting down; ";
  return why.empty();
}

void WorkerProcess::serve_admin() {
  http::HttpServerOptions options;
  options.bind = config_.worker.admin_bind;
  options.port = config_.worker.admin_port;
  admin_ = std::make_unique<http::HttpServer>(io_, options, [this](http::HttpRequest request, http::Responder respond) {
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (request.method != "GET") return respond(http::HttpResponse::json(405, R"({"error":"use GET"})"));
    if (path == "/healthz") return respond(http::HttpResponse::json(200, R"({"status":"ok"})"));
    if (path == "/readyz") {
      std::string why;
      if (ready(why)) return respond(http::HttpResponse::json(200, R"({"status":"ready"})"));
      return respond(http::HttpResponse::json(503, R"({"status":"not_ready","reason":)" + log_quote(why) + "}"));
    }
    if (path == "/metrics") {
      http::HttpResponse r;
      r.status = 200;
      r.set_header("Content-Type", "text/plain; version=0.0.4");
      r.body = metrics_.render();
      return respond(std::move(r));
    }
    respond(http::HttpResponse::json(404, R"({"error":"not found: /healthz, /readyz, /metrics"})"));
  });
  const auto port = admin_->listen();
  spdlog::info(R"("msg":"admin endpoints listening","bind":{},"port":{})", log_quote(config_.worker.admin_bind), port);
}

void WorkerProcess::register_collectors() {
  metrics_.collect("switchboard_in_flight", "Events being routed or delivered", {}, [this](auto& family) {
    family.with({}).set(static_cast<double>(pipeline_ ? pipeline_->in_flight() : 0));
  });
  metrics_.collect("switchboard_registry_snapshot_age_seconds",
                   "Seconds since the routing snapshot was last known to match the registry", {},
                   [this](auto& family) { family.with({}).set(cache_ ? cache_->age_seconds() : 0.0); });
  metrics_.collect("switchboard_consumer_lag", "Messages behind the partition's end, per assigned partition",
                   {"topic", "partition"}, [this](auto& family) {
                     if (!consumer_) return;
                     for (const kafka::PartitionLag& lag : consumer_->lag()) {
                       family.with({lag.partition.topic, std::to_string(lag.partition.partition)})
                           .set(static_cast<double>(lag.lag));
                     }
                   });
}

void WorkerProcess::on_message(const kafka::ConsumedMessage& message) {
  kafka::TopicPartition tp(message.partition_ref());
  tracker_.begin(tp, message.offset);
  InboundMessage inbound;
  inbound.payload.assign(message.payload);
  inbound.source = std::string(message.topic) + "/" + std::to_string(message.partition) + "/" +
                   std::to_string(message.offset);
  for (std::size_t i = 0; i < message.headers.size(); ++i) {
    const kafka::HeaderRef h = message.headers[i];
    inbound.headers.emplace_back(std::string(h.key), std::string(h.value));
  }
  const std::int64_t offset = message.offset;
  pipeline_->process(std::move(inbound), [this, tp = std::move(tp), offset] { on_finished(tp, offset); });
  if (pipeline_->in_flight() >= config_.worker.max_in_flight && !consumer_->held()) consumer_->hold();
}

void WorkerProcess::on_finished(const kafka::TopicPartition& tp, std::int64_t offset) {
  tracker_.finish(tp, offset);
  if (consumer_ && consumer_->held() && !stopping_ && pipeline_->in_flight() <= config_.worker.max_in_flight / 2) {
    consumer_->release();
  }
  if (revoke_) check_revoke();
  if (stopping_) check_drained();
}

void WorkerProcess::on_revoke(const std::vector<kafka::TopicPartition>& partitions, std::function<void()> done) {
  spdlog::info(R"("msg":"partitions revoked, draining","partitions":{})", partitions.size());
  revoke_ = PendingRevoke{partitions, std::move(done)};
  revoke_timer_.expires_after(milliseconds(config_.worker.drain_timeout_ms));
  revoke_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !revoke_) return;
    spdlog::warn(R"("msg":"revoke drain timed out; unfinished events will be redelivered to the next owner")");
    finish_revoke();
  });
  check_revoke();
}

void WorkerProcess::check_revoke() {
  for (const auto& tp : revoke_->partitions) {
    if (tracker_.in_flight(tp) > 0) return;
  }
  revoke_timer_.cancel();
  finish_revoke();
}

void WorkerProcess::finish_revoke() {
  auto pending = std::move(*revoke_);
  revoke_.reset();
  std::vector<kafka::TopicPartitionOffset> offsets;
  for (const auto& tp : pending.partitions) {
    if (auto next = tracker_.committable(tp); next && tracker_.last_committed(tp) != next) {
      offsets.push_back({tp.topic, tp.partition, *next});
    }
  }
  auto give_up = [this, pending = std::move(pending)]() mutable {
    for (const auto& tp : pending.partitions) tracker_.forget(tp);
    pending.done();
  };
  if (offsets.empty()) return give_up();
  consumer_->commit(offsets, kafka::CommitMode::async,
                    [give_up = std::move(give_up)](std::error_code ec, const std::vector<kafka::TopicPartitionOffset>&) mutable {
                      if (ec) spdlog::warn(R"("msg":"commit on revoke failed","error":{})", log_quote(ec.message()));
                      give_up();
                    });
}

void WorkerProcess::commit(std::function<void()> then) {
  auto candidates = tracker_.commit_candidates();
  if (candidates.empty() || !consumer_) {
    if (then) then();
    return;
  }
  consumer_->commit(candidates, kafka::CommitMode::async,
                    [this, then = std::move(then)](std::error_code ec, const std::vector<kafka::TopicPartitionOffset>& done) {
                      if (ec) {
                        spdlog::warn(R"("msg":"offset commit failed, retried at the next interval","error":{})",
                                     log_quote(ec.message()));
                      } else {
                        for (const auto& o : done) tracker_.mark_committed({o.topic, o.partition}, o.offset);
                      }
                      if (then) then();
                    });
}

void WorkerProcess::schedule_commit() {
  commit_timer_.expires_after(milliseconds(config_.kafka.commit_interval_ms));
  commit_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || closing_) return;
    commit();
    schedule_commit();
  });
}

void WorkerProcess::start_consumer() {
  std::map<std::string, std::string> common = config_.kafka.extra;
  common["bootstrap.servers"] = config_.kafka.brokers;
  producer_ = std::make_unique<kafka::KafkaProducer>(io_, common, [](std::error_code ec, std::string_view message) {
    spdlog::warn(R"("msg":"producer error","error":{},"detail":{})", log_quote(ec.message()), log_quote(message));
  });
  outbox_ = std::make_unique<KafkaOutbox>(*producer_);
  PipelineOptions options;
  options.status_topic = config_.kafka.status_topic;
  options.dlq_topic = config_.kafka.dlq_topic;
  options.max_event_bytes = config_.worker.max_event_bytes;
  options.max_failover = config_.routing.max_failover;
  options.dedup_ttl_s = config_.worker.dedup_ttl_s;
  pipeline_ = std::make_unique<Pipeline>(
      options, [this] { return cache_->current(); }, *executor_, scheduler_, *outbox_, dedup_.get(), metrics_,
      epoch_millis);

  std::map<std::string, std::string> consumer_config = common;
  consumer_config["group.id"] = config_.kafka.group_id;
  consumer_config["session.timeout.ms"] = std::to_string(config_.kafka.session_timeout_ms);
  consumer_config["heartbeat.interval.ms"] = std::to_string(config_.kafka.heartbeat_interval_ms);
  consumer_config["fetch.wait.max.ms"] = std::to_string(config_.kafka.fetch_wait_max_ms);
  kafka::ConsumerCallbacks callbacks;
  callbacks.on_message = [this](const kafka::ConsumedMessage& m) { on_message(m); };
  callbacks.on_assign = [this](const std::vector<kafka::TopicPartition>& partitions) {
    group_joined_ = true;
    spdlog::info(R"("msg":"partitions assigned","partitions":{})", partitions.size());
  };
  callbacks.on_revoke = [this](const std::vector<kafka::TopicPartition>& partitions, std::function<void()> done) {
    on_revoke(partitions, std::move(done));
  };
  callbacks.on_error = [this](std::error_code ec, std::string_view message) {
    spdlog::warn(R"("msg":"consumer error","error":{},"detail":{})", log_quote(ec.message()), log_quote(message));
    if (kafka::is_fatal(ec)) shutdown(1, "fatal consumer error: " + std::string(message));
  };
  consumer_ = std::make_unique<kafka::KafkaConsumer>(io_, consumer_config, std::move(callbacks));
  if (auto ec = consumer_->subscribe({config_.kafka.events_topic})) {
    throw std::runtime_error("cannot subscribe to " + config_.kafka.events_topic + ": " + ec.message());
  }
  spdlog::info(R"("msg":"consuming","topic":{},"group":{},"brokers":{})", log_quote(config_.kafka.events_topic),
               log_quote(config_.kafka.group_id), log_quote(config_.kafka.brokers));
  schedule_commit();
}

void WorkerProcess::shutdown(int exit_code, const std::string& why) {
  if (stopping_) return;
  stopping_ = true;
  exit_code_ = exit_code;
  spdlog::info(R"("msg":"shutting down: draining in-flight events","reason":{},"in_flight":{})", log_quote(why),
               pipeline_ ? pipeline_->in_flight() : 0);
  if (consumer_ && !consumer_->held()) consumer_->hold();
  drain_timer_.expires_after(milliseconds(config_.worker.drain_timeout_ms));
  drain_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    spdlog::warn(R"("msg":"drain timed out; unfinished events stay uncommitted and will be redelivered","in_flight":{})",
                 pipeline_ ? pipeline_->in_flight() : 0);
    close_everything();
  });
  check_drained();
}

void WorkerProcess::check_drained() {
  if (closing_ || (pipeline_ && pipeline_->in_flight() > 0)) return;
  drain_timer_.cancel();
  close_everything();
}

void WorkerProcess::close_everything() {
  if (closing_) return;
  closing_ = true;
  commit_timer_.cancel();
  auto finish = [this] {
    auto stop_rest = [this] {
      if (cache_) cache_->stop();
      if (admin_) {
        admin_->stop([this] { io_.stop(); });
      } else {
        io_.stop();
      }
    };
    if (!producer_) return stop_rest();
    producer_->flush(milliseconds(5000), [stop_rest](std::error_code ec) {
      if (ec) spdlog::warn(R"("msg":"producer flush incomplete","error":{})", log_quote(ec.message()));
      stop_rest();
    });
  };
  if (!consumer_) return finish();
  consumer_->close(tracker_.commit_candidates(), milliseconds(5000), [finish](std::error_code ec) {
    if (ec) spdlog::warn(R"("msg":"consumer close incomplete","error":{})", log_quote(ec.message()));
    finish();
  });
}

int WorkerProcess::run() {
  init_logging(config_.log.level);
  // A second signal means "now": the first one is already draining.
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    signals_.async_wait([](boost::system::error_code ec2, int) {
      if (!ec2) std::_Exit(130);
    });
    shutdown(0, signal == SIGTERM ? "SIGTERM" : "SIGINT");
  });

  if (auto cipher = registry::CredentialCipher::from_environment(); cipher) {
    cipher_ = std::make_shared<const registry::CredentialCipher>(std::move(cipher).value());
  } else if (config_.registry.backend == "redis") {
    throw std::runtime_error(cipher.error().message +
                             " (the worker decrypts the credentials the API stored with that key)");
  }
  store_ = registry::make_integration_store(io_, config_.registry, cipher_,
                                            [](const std::string& connection, bool up, const std::string& reason) {
                                              if (up) {
                                                spdlog::info(R"("msg":"redis connected","connection":{})",
                                                             log_quote(connection));
                                              } else {
                                                spdlog::warn(R"("msg":"redis down","connection":{},"reason":{})",
                                                             log_quote(connection), log_quote(reason));
                                              }
                                            });
  if (config_.registry.backend == "redis") {
    auto endpoint = registry::parse_redis_url(config_.registry.redis_url);
    if (!endpoint) throw std::runtime_error("registry.redis_url: " + endpoint.error().message);
    registry::RedisOptions redis;
    redis.endpoint = endpoint.value();
    redis.command_timeout = milliseconds(config_.registry.command_timeout_ms);
    redis.reconnect_max = milliseconds(config_.registry.reconnect_max_ms);
    dedup_ = std::make_unique<RedisDedupStore>(io_, redis, config_.registry.key_prefix);
  } else {
    spdlog::info(R"("msg":"dedup disabled: it needs registry.backend = \"redis\"")");
  }
  registry::SnapshotCacheOptions cache_options;
  cache_options.poll_interval = milliseconds(config_.registry.poll_ms);
  cache_options.start_timeout = std::chrono::seconds(config_.registry.start_timeout_s);
  cache_ = std::make_unique<registry::SnapshotCache>(io_, *store_, cache_options);
  cache_->on_state_change([](bool healthy, const Error& error) {
    if (healthy) {
      spdlog::info(R"("msg":"registry reachable again; snapshot follows writes")");
    } else {
      spdlog::warn(R"("msg":"registry unreachable; routing from the last snapshot","error":{})",
                   log_quote(error.message));
    }
  });
  build_providers();
  register_collectors();
  serve_admin();

  cache_->start([this](Result<bool> ready) {
    if (stopping_) return;
    if (!ready.ok()) {
      spdlog::error(R"("msg":"cannot start: registry not loaded","error":{})", log_quote(ready.error().message));
      exit_code_ = 1;
      stopping_ = true;
      close_everything();
      return;
    }
    snapshot_loaded_ = true;
    spdlog::info(R"("msg":"registry snapshot loaded","integrations":{})", cache_->current()->size());
    start_consumer();
  });
  io_.run();
  spdlog::info(R"("msg":"stopped","exit_code":{})", exit_code_);
  spdlog::default_logger()->flush();
  return exit_code_;
}

}  // namespace

int run_worker(const config::Config& config) {
  WorkerProcess process(config);
  return process.run();
}

}  // namespace switchboard::worker
