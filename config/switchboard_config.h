#pragma once
// The configuration of every switchboard process, as a schema: one struct per component,
// every key with a default and a doc line (config_schema.cpp), unknown keys rejected,
// environment variables overriding the file mechanically (SWITCHBOARD_<SECTION>_<KEY>,
// e.g. SWITCHBOARD_KAFKA_BROKERS, SWITCHBOARD_WORKER_MAX_IN_FLIGHT).
// Loading throws ConfigError (startup only); everything else is plain data, comparable with
// == (tests check a round trip field by field; a reload can tell whether anything changed).

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace switchboard::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ApiKey {
  std::string key;  // secret: redacted by --print-config
  std::string organization_id;
  std::string environment_id;

  bool operator==(const ApiKey&) const = default;
};

struct ApiConfig {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8080;
  std::vector<ApiKey> keys;              // [[api.keys]] tables
  std::uint32_t max_body_bytes = 1 << 20;
  std::uint32_t idempotency_ttl_s = 86400;
  std::uint32_t request_timeout_ms = 10000;
  std::uint32_t threads = 1;

  bool operator==(const ApiConfig&) const = default;
};

struct RegistryConfig {
  std::string backend = "file";         // file | redis
  std::string file = "integrations.json";
  std::string redis_url = "redis://127.0.0.1:6379/0";
  std::string key_prefix = "sb:";
  std::uint32_t poll_ms = 1000;
  std::uint32_t start_timeout_s = 30;
  std::uint32_t command_timeout_ms = 2000;
  std::uint32_t reconnect_max_ms = 5000;

  bool operator==(const RegistryConfig&) const = default;
};

struct RoutingConfig {
  std::uint32_t max_failover = 2;

  bool operator==(const RoutingConfig&) const = default;
};

struct KafkaConfig {
  std::string brokers = "127.0.0.1:9092";
  std::string group_id = "switchboard";
  std::string events_topic = "notifications.events";
  std::string status_topic = "notifications.status";
  std::string dlq_topic = "notifications.dlq";
  std::uint32_t commit_interval_ms = 500;
  std::uint32_t session_timeout_ms = 45000;
  std::uint32_t heartbeat_interval_ms = 3000;
  std::uint32_t fetch_wait_max_ms = 100;
  std::map<std::string, std::string> extra;  // [kafka.librdkafka]: passed through verbatim

  bool operator==(const KafkaConfig&) const = default;
};

struct WorkerConfig {
  std::uint16_t admin_port = 9100;
  std::string admin_bind = "0.0.0.0";
  std::uint32_t max_in_flight = 1000;
  std::uint32_t max_event_bytes = 256 * 1024;
  std::uint32_t dedup_ttl_s = 86400;
  std::uint32_t drain_timeout_ms = 10000;

  bool operator==(const WorkerConfig&) const = default;
};

struct RetryConfig {
  std::uint32_t max_attempts = 3;
  std::uint32_t base_ms = 100;
  std::uint32_t max_ms = 5000;

  bool operator==(const RetryConfig&) const = default;
};

// A provider's default token bucket ([delivery.rate_limits] entry), for its integrations
// without configurations.rateLimit.
struct ProviderRateLimit {
  double per_second = 0;    // > 0
  std::uint32_t burst = 0;  // >= 1

  bool operator==(const ProviderRateLimit&) const = default;
};

struct DeliveryConfig {
  std::uint32_t timeout_ms = 10000;
  std::uint32_t max_queue_ms = 2000;  // longest wait for a rate-limit token
  std::uint32_t max_connections_per_host = 64;
  std::string ca_file;  // extra CA bundle (tests use the sink's certificate)
  std::string mode = "adapters";  // adapters | null | webhook
  std::string webhook_url;        // mode = webhook: where every delivery is POSTed (empty: the integration's)
  std::map<std::string, ProviderRateLimit> rate_limits;  // [delivery.rate_limits]: by providerId

  bool operator==(const DeliveryConfig&) const = default;
};

struct BreakerConfig {
  std::uint32_t failure_threshold = 5;
  std::uint32_t window_ms = 10000;
  std::uint32_t cooldown_ms = 30000;

  bool operator==(const BreakerConfig&) const = default;
};

struct LogConfig {
  std::string level = "info";  // trace | debug | info | warn | error

  bool operator==(const LogConfig&) const = default;
};

struct Config {
  ApiConfig api;
  RegistryConfig registry;
  RoutingConfig routing;
  KafkaConfig kafka;
  WorkerConfig worker;
  RetryConfig retry;
  DeliveryConfig delivery;
  BreakerConfig breaker;
  LogConfig log;

  bool operator==(const Config&) const = default;
};

// Reads the TOML file at `path` (empty: defaults only), then applies environment
// overrides from `environ` (a NULL-terminated array such as ::environ). Throws ConfigError
// naming the file, key and problem ("unknown key kafka.brokerz", "worker.max_in_flight:
// expected a positive integer").
Config load_config(const std::string& path, char** environ);

// The effective config as TOML, secrets shown as "<redacted>" (for `--print-config`).
std::string render_config(const Config& config);

// Markdown table of every key: name, default, environment variable, doc line.
std::string config_reference_markdown();

}  // namespace switchboard::config
