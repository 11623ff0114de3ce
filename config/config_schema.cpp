#include "config/config_schema.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace switchboard::config::schema {
namespace {

constexpr Secrecy kPlain = Secrecy::plain;

// Printed above each [section] by render_config and in the reference.
constexpr SectionSpec kSections[] = {
    {"api", "The HTTP management API (integrations, authenticated by API key)."},
    {"registry", "Where integrations are stored, and how processes keep their copy fresh."},
    {"routing", "Integration selection."},
    {"kafka", "The Kafka consumer group the worker joins and the topics it reads and writes."},
    {"worker", "The worker process: admin endpoints, concurrency, shutdown."},
    {"retry", "Retries of failed deliveries, with exponential back-off."},
    {"delivery", "Outbound requests to providers: timeouts, connections and rate limits."},
    {"breaker", "Circuit breakers: an integration that keeps failing is skipped (failed over) for a while."},
    {"log", "Logging."},
};

// THE table. Order = the order of --print-config, config/switchboard.toml and the
// reference. Defaults are not repeated here: they are read from a default-constructed
// Config, so the struct initializers in switchboard_config.h stay the single source.
constexpr KeySpec kKeys[] = {
    // [api]
    {"api", "bind", field<&Config::api, &ApiConfig::bind>(), non_empty(), kPlain,
     "Address the API listens on: 127.0.0.1 keeps it on this host, 0.0.0.0 accepts other hosts (containers)."},
    {"api", "port", field<&Config::api, &ApiConfig::port>(), at_least(1), kPlain,
     "TCP port of the API."},
    {"api", "max_body_bytes", field<&Config::api, &ApiConfig::max_body_bytes>(), positive(), kPlain,
     "Largest request body accepted, in bytes (default 1 MiB); larger requests are refused."},
    {"api", "idempotency_ttl_s", field<&Config::api, &ApiConfig::idempotency_ttl_s>(), positive(), kPlain,
     "How long the answer to a request with an Idempotency-Key is kept and replayed to retries, in seconds "
     "(default 24 h)."},
    {"api", "request_timeout_ms", field<&Config::api, &ApiConfig::request_timeout_ms>(), positive(), kPlain,
     "Time limit for handling one API request, store round trips included, in milliseconds."},
    {"api", "threads", field<&Config::api, &ApiConfig::threads>(), positive(), kPlain,
     "Threads serving the API; management traffic is light, raise it only if API latency grows under load."},
    {"api", "keys", field<&Config::api, &ApiConfig::keys>(), any_value(), Secrecy::secret,
     "API keys: one [[api.keys]] table per key with key, organization_id and environment_id; a key only "
     "reaches its own organization and environment."},

    // [registry]
    {"registry", "backend", field<&Config::registry, &RegistryConfig::backend>(), one_of("file|redis"), kPlain,
     "Integration store: \"file\" (a JSON file, for the demo and a single machine) or \"redis\" (production, "
     "shared by every process)."},
    {"registry", "file", field<&Config::registry, &RegistryConfig::file>(), non_empty(), kPlain,
     "Integrations JSON file used when backend = \"file\"; a relative path is resolved from the working "
     "directory."},
    {"registry", "redis_url", field<&Config::registry, &RegistryConfig::redis_url>(), non_empty(),
     Secrecy::url_password,
     "Redis used when backend = \"redis\": redis://[user:password@]host:port/db (the password is redacted when "
     "printed)."},
    {"registry", "key_prefix", field<&Config::registry, &RegistryConfig::key_prefix>(), any_value(), kPlain,
     "Prefix of every Redis key switchboard reads and writes; give each deployment sharing one Redis its own."},
    {"registry", "poll_ms", field<&Config::registry, &RegistryConfig::poll_ms>(), positive(), kPlain,
     "How often processes poll the store for changed environments, in milliseconds; the safety net for missed "
     "invalidations, so it bounds how stale routing can get."},
    {"registry", "start_timeout_s", field<&Config::registry, &RegistryConfig::start_timeout_s>(), positive(), kPlain,
     "How long a starting process waits for the store to answer before it exits with an error, in seconds."},
    {"registry", "command_timeout_ms", field<&Config::registry, &RegistryConfig::command_timeout_ms>(), positive(),
     kPlain, "Time limit of one store command (a Redis round trip), in milliseconds; slower answers fail as timeouts."},
    {"registry", "reconnect_max_ms", field<&Config::registry, &RegistryConfig::reconnect_max_ms>(), positive(),
     kPlain, "Longest pause between attempts to reconnect to Redis (the back-off doubles up to it), in milliseconds."},

    // [routing]
    {"routing", "max_failover", field<&Config::routing, &RoutingConfig::max_failover>(), any_value(), kPlain,
     "How many fallback integrations are selected after the chosen one, tried in order when a delivery fails; "
     "0 disables failover."},

    // [kafka]
    {"kafka", "brokers", field<&Config::kafka, &KafkaConfig::brokers>(), non_empty(), kPlain,
     "Bootstrap brokers, comma-separated host:port; the rest of the cluster is discovered from them."},
    {"kafka", "group_id", field<&Config::kafka, &KafkaConfig::group_id>(), non_empty(), kPlain,
     "Consumer group id; every worker of one deployment uses the same id so that they share the partitions."},
    {"kafka", "events_topic", field<&Config::kafka, &KafkaConfig::events_topic>(), non_empty(), kPlain,
     "Topic the worker consumes notification events from."},
    {"kafka", "status_topic", field<&Config::kafka, &KafkaConfig::status_topic>(), non_empty(), kPlain,
     "Topic the worker produces delivery status events to."},
    {"kafka", "dlq_topic", field<&Config::kafka, &KafkaConfig::dlq_topic>(), non_empty(), kPlain,
     "Dead-letter topic: events that cannot be routed or delivered are produced there with the reason."},
    {"kafka", "commit_interval_ms", field<&Config::kafka, &KafkaConfig::commit_interval_ms>(), positive(), kPlain,
     "How often consumed offsets are committed, in milliseconds; lower means fewer events redelivered after a "
     "crash, for more commit traffic."},
    {"kafka", "session_timeout_ms", field<&Config::kafka, &KafkaConfig::session_timeout_ms>(), positive(), kPlain,
     "Consumer group session timeout (librdkafka session.timeout.ms), in milliseconds: a worker silent this long "
     "loses its partitions."},
    {"kafka", "heartbeat_interval_ms", field<&Config::kafka, &KafkaConfig::heartbeat_interval_ms>(), positive(),
     kPlain,
     "Consumer group heartbeat interval (librdkafka heartbeat.interval.ms), in milliseconds; keep it at most a "
     "third of session_timeout_ms."},
    {"kafka", "fetch_wait_max_ms", field<&Config::kafka, &KafkaConfig::fetch_wait_max_ms>(), any_value(), kPlain,
     "Longest a broker holds a fetch while waiting for data (librdkafka fetch.wait.max.ms), in milliseconds: "
     "latency on quiet topics versus request rate."},
    {"kafka", "librdkafka", field<&Config::kafka, &KafkaConfig::extra>(), any_value(), kPlain,
     "More librdkafka properties, passed verbatim, e.g. \"security.protocol\" = \"SASL_SSL\"; those set by the "
     "keys above are refused; password and secret values are redacted when printed."},

    // [worker]
    {"worker", "admin_port", field<&Config::worker, &WorkerConfig::admin_port>(), at_least(1), kPlain,
     "TCP port of the admin endpoints (health, readiness, metrics)."},
    {"worker", "admin_bind", field<&Config::worker, &WorkerConfig::admin_bind>(), non_empty(), kPlain,
     "Address the admin endpoints listen on; 0.0.0.0 so that Kubernetes probes and Prometheus can reach them."},
    {"worker", "max_in_flight", field<&Config::worker, &WorkerConfig::max_in_flight>(), positive(), kPlain,
     "Most events a worker routes and delivers at once; when reached it stops fetching until some finish "
     "(back-pressure, bounds memory)."},
    {"worker", "max_event_bytes", field<&Config::worker, &WorkerConfig::max_event_bytes>(), positive(), kPlain,
     "Largest event accepted, in bytes (default 256 KiB); larger events go to the dead-letter topic unparsed."},
    {"worker", "dedup_ttl_s", field<&Config::worker, &WorkerConfig::dedup_ttl_s>(), positive(), kPlain,
     "How long a processed event is remembered so that a redelivered copy is not sent twice, in seconds "
     "(default 24 h)."},
    {"worker", "drain_timeout_ms", field<&Config::worker, &WorkerConfig::drain_timeout_ms>(), any_value(), kPlain,
     "On shutdown, how long in-flight deliveries may finish before the worker exits, in milliseconds; keep it "
     "below the pod's termination grace period."},

    // [retry]
    {"retry", "max_attempts", field<&Config::retry, &RetryConfig::max_attempts>(), positive(), kPlain,
     "Attempts of one delivery, the first included; 1 disables retries."},
    {"retry", "base_ms", field<&Config::retry, &RetryConfig::base_ms>(), positive(), kPlain,
     "Pause before the first retry, in milliseconds; it doubles at every further retry, up to max_ms."},
    {"retry", "max_ms", field<&Config::retry, &RetryConfig::max_ms>(), positive(), kPlain,
     "Longest pause between two retries, in milliseconds (at least base_ms)."},

    // [delivery]
    {"delivery", "timeout_ms", field<&Config::delivery, &DeliveryConfig::timeout_ms>(), positive(), kPlain,
     "Time limit of one request to a provider (connect, TLS, answer), in milliseconds."},
    {"delivery", "max_queue_ms", field<&Config::delivery, &DeliveryConfig::max_queue_ms>(), positive(), kPlain,
     "Longest a delivery waits for its integration's rate limit, in milliseconds; when the next token is further "
     "away, the attempt fails as retryable (retried, then failed over)."},
    {"delivery", "max_connections_per_host", field<&Config::delivery, &DeliveryConfig::max_connections_per_host>(),
     positive(), kPlain,
     "Most concurrent connections to one provider host; further deliveries queue for a free one."},
    {"delivery", "ca_file", field<&Config::delivery, &DeliveryConfig::ca_file>(), any_value(), kPlain,
     "Extra CA certificates (PEM file) trusted for provider TLS, e.g. a private CA; empty: the system's CAs only."},
    {"delivery", "mode", field<&Config::delivery, &DeliveryConfig::mode>(), one_of("adapters|null|webhook"), kPlain,
     "adapters: each integration's provider adapter; null: deliver nowhere and report sent (pipeline benchmarks); "
     "webhook: POST every event as JSON to webhook_url (load tests against `switchboard sink`)."},
    {"delivery", "webhook_url", field<&Config::delivery, &DeliveryConfig::webhook_url>(), any_value(), kPlain,
     "With mode = webhook: the URL every delivery is POSTed to; empty: the integration's credentials.webhookUrl "
     "or baseUrl."},
    {"delivery", "rate_limits", field<&Config::delivery, &DeliveryConfig::rate_limits>(), any_value(), kPlain,
     "Default rate limit per providerId, e.g. sendgrid = { per_second = 100, burst = 200 }, for integrations "
     "without configurations.rateLimit; providers not listed are unlimited. Limits apply per worker process: "
     "set a provider's global limit divided by the number of replicas."},

    // [breaker]
    {"breaker", "failure_threshold", field<&Config::breaker, &BreakerConfig::failure_threshold>(), positive(), kPlain,
     "Consecutive retryable failures of one integration, within window_ms, that open its circuit: deliveries "
     "then skip it and fail over at once."},
    {"breaker", "window_ms", field<&Config::breaker, &BreakerConfig::window_ms>(), positive(), kPlain,
     "How close together those failures must be, in milliseconds."},
    {"breaker", "cooldown_ms", field<&Config::breaker, &BreakerConfig::cooldown_ms>(), positive(), kPlain,
     "How long an open circuit stays open, in milliseconds; then one delivery probes the integration: success "
     "closes the circuit, a retryable failure opens it again."},

    // [log]
    {"log", "level", field<&Config::log, &LogConfig::level>(), one_of("trace|debug|info|warn|error"), kPlain,
     "Least severe level logged: trace, debug, info, warn or error; debug and trace are for troubleshooting."},
};

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string choices_text(std::string_view choices) {
  std::string out(choices);
  std::size_t at = 0;
  while ((at = out.find('|', at)) != std::string::npos) out.replace(at, 1, ", ");
  return out;
}

template <typename T>
std::string integer_range(const Check& check) {
  return cat(std::to_string(check.min), "..", std::to_string(std::numeric_limits<T>::max()));
}

}  // namespace

std::span<const SectionSpec> sections() { return kSections; }
std::span<const KeySpec> keys() { return kKeys; }

const SectionSpec* find_section(std::string_view name) {
  for (const auto& section : kSections) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

const KeySpec* find_key(std::string_view section, std::string_view key) {
  for (const auto& spec : kKeys) {
    if (spec.section == section && spec.key == key) return &spec;
  }
  return nullptr;
}

std::vector<const KeySpec*> keys_of(std::string_view section) {
  std::vector<const KeySpec*> out;
  for (const auto& spec : kKeys) {
    if (spec.section == section) out.push_back(&spec);
  }
  return out;
}

bool is_table_valued(const KeySpec& spec) {
  return std::holds_alternative<Accessor<std::vector<ApiKey>>>(spec.field) || is_keyed_table(spec);
}

bool is_keyed_table(const KeySpec& spec) {
  return std::holds_alternative<Accessor<StringMap>>(spec.field) ||
         std::holds_alternative<Accessor<RateLimitMap>>(spec.field);
}

std::string dotted_name(const KeySpec& spec) { return cat(spec.section, ".", spec.key); }

std::string env_var_name(const KeySpec& spec) {
  std::string name = cat("SWITCHBOARD_", upper(spec.section), "_", upper(spec.key));
  if (is_keyed_table(spec)) name += "_";
  return name;
}

std::string type_name(const KeySpec& spec) {
  if (std::holds_alternative<Accessor<std::string>>(spec.field)) {
    if (!spec.check.choices.empty()) return cat("string: ", choices_text(spec.check.choices));
    return spec.check.non_empty ? "string, not empty" : "string";
  }
  if (std::holds_alternative<Accessor<std::uint16_t>>(spec.field)) {
    return cat("uint16, ", integer_range<std::uint16_t>(spec.check));
  }
  if (std::holds_alternative<Accessor<std::uint32_t>>(spec.field)) {
    return spec.check.min == 0 ? std::string("uint32") : cat("uint32, ≥ ", std::to_string(spec.check.min));
  }
  if (std::holds_alternative<Accessor<bool>>(spec.field)) return "bool";
  if (std::holds_alternative<Accessor<StringList>>(spec.field)) return "string list";
  if (std::holds_alternative<Accessor<std::vector<ApiKey>>>(spec.field)) {
    return "array of tables {key, organization_id, environment_id}";
  }
  if (std::holds_alternative<Accessor<RateLimitMap>>(spec.field)) return "table, providerId → {per_second, burst}";
  return "table, string → string";
}

std::string expected_form(const KeySpec& spec) {
  if (std::holds_alternative<Accessor<std::string>>(spec.field)) {
    if (!spec.check.choices.empty()) return cat("one of: ", choices_text(spec.check.choices));
    return spec.check.non_empty ? "a non-empty string" : "a string";
  }
  if (std::holds_alternative<Accessor<std::uint16_t>>(spec.field)) {
    return cat("an integer in ", integer_range<std::uint16_t>(spec.check));
  }
  if (std::holds_alternative<Accessor<std::uint32_t>>(spec.field)) {
    const std::string max = std::to_string(std::numeric_limits<std::uint32_t>::max());
    if (spec.check.min == 0) return cat("a non-negative integer, at most ", max);
    if (spec.check.min == 1) return cat("a positive integer, at most ", max);
    return cat("an integer in ", integer_range<std::uint32_t>(spec.check));
  }
  if (std::holds_alternative<Accessor<bool>>(spec.field)) return "true or false";
  if (std::holds_alternative<Accessor<StringList>>(spec.field)) return "an array of strings";
  if (std::holds_alternative<Accessor<std::vector<ApiKey>>>(spec.field)) {
    return cat("[[", dotted_name(spec), "]] tables, each with string key, organization_id and environment_id");
  }
  if (std::holds_alternative<Accessor<RateLimitMap>>(spec.field)) {
    return cat("a table of providerId = ", kRateLimitForm);
  }
  return "a table of librdkafka properties with string, integer or boolean values";
}

bool is_sensitive_librdkafka_property(std::string_view name) {
  // librdkafka's own list of sensitive properties, plus anything named like a secret so
  // that properties of newer librdkafka versions are covered too.
  if (name.find("password") != std::string_view::npos || name.find("secret") != std::string_view::npos) return true;
  return name == "ssl.key.pem" || name == "ssl_key" || name == "sasl.oauthbearer.config";
}

std::string_view librdkafka_property_owner(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kOwned = {{
      {"bootstrap.servers", "kafka.brokers"},
      {"metadata.broker.list", "kafka.brokers"},
      {"group.id", "kafka.group_id"},
      {"auto.commit.interval.ms", "kafka.commit_interval_ms"},
      {"session.timeout.ms", "kafka.session_timeout_ms"},
      {"heartbeat.interval.ms", "kafka.heartbeat_interval_ms"},
      {"fetch.wait.max.ms", "kafka.fetch_wait_max_ms"},
  }};
  for (const auto& [property, owner] : kOwned) {
    if (property == name) return owner;
  }
  return {};
}

std::string number_text(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::optional<bool> parse_bool_text(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lowered == "true" || lowered == "1") return true;
  if (lowered == "false" || lowered == "0") return false;
  return std::nullopt;
}

std::string redact_url_password(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t authority_begin = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  std::size_t authority_end = url.find_first_of("/?#", authority_begin);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  const std::string_view authority = url.substr(authority_begin, authority_end - authority_begin);
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  const std::string_view user_info = authority.substr(0, at);
  // "redis://secret@host" is a password alone for several Redis clients: redact it all.
  const std::size_t colon = user_info.find(':');
  const std::size_t secret_begin = colon == std::string_view::npos ? 0 : colon + 1;
  if (secret_begin == user_info.size()) return std::string(url);
  std::string out(url.substr(0, authority_begin + secret_begin));
  out += kRedacted;
  out += url.substr(authority_begin + at);
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace switchboard::config::schema
