#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "config/config_schema.h"
#include "config/switchboard_config.h"

namespace switchboard::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A NULL-terminated array like ::environ, from "NAME=value" strings.
class Environment {
 public:
  Environment(std::initializer_list<std::string> entries = {}) : entries_(entries) {
    for (auto& entry : entries_) pointers_.push_back(entry.data());
    pointers_.push_back(nullptr);
  }
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  char** get() { return pointers_.data(); }

 private:
  std::vector<std::string> entries_;
  std::vector<char*> pointers_;
};

// A file under the test temp dir, named after the running test (ctest runs tests of this
// binary in parallel processes), removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(std::string_view text, std::string_view suffix = ".toml") {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "sb_config_" + std::string(test->test_suite_name()) + "_" + test->name() + "_" +
                       std::to_string(::getpid()) + std::string(suffix);
    // Parameterized tests have "/" in their names.
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = (std::filesystem::path(::testing::TempDir()) / name).string();
    std::ofstream(path_, std::ios::binary) << text;
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { std::filesystem::remove(path_); }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Config load_text(std::string_view toml, std::initializer_list<std::string> env = {}) {
  TempFile file(toml);
  Environment environment(env);
  return load_config(file.path(), environment.get());
}

// The ConfigError message of loading `toml` (with the file's path replaced by FILE so that
// expectations can spell out locations), or a test failure when loading succeeds.
std::string load_error(std::string_view toml, std::initializer_list<std::string> env = {}) {
  TempFile file(toml);
  Environment environment(env);
  try {
    load_config(file.path(), environment.get());
  } catch (const ConfigError& error) {
    std::string message = error.what();
    for (std::size_t at; (at = message.find(file.path())) != std::string::npos;) {
      message.replace(at, file.path().size(), "FILE");
    }
    return message;
  }
  ADD_FAILURE() << "loaded without error:\n" << toml;
  return "";
}

std::string env_error(std::initializer_list<std::string> env) {
  Environment environment(env);
  try {
    load_config("", environment.get());
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "loaded without error";
  return "";
}

// Every field different from its default, strings with characters TOML must escape.
Config full_config() {
  Config config;
  config.api.bind = "0.0.0.0";
  config.api.port = 8443;
  config.api.keys = {{"sk_live_alpha", "org_1", "env_prod"}, {"sk_live_beta", "org_2", "env_dev"}};
  config.api.max_body_bytes = 2097152;
  config.api.idempotency_ttl_s = 3600;
  config.api.request_timeout_ms = 5000;
  config.api.threads = 4;
  config.registry.backend = "redis";
  config.registry.file = "C:\\dir\\integrations\t\"prod\".json";
  config.registry.redis_url = "redis://:hunter2pass@redis.internal:6380/2";
  config.registry.key_prefix = "prod:";
  config.registry.poll_ms = 250;
  config.registry.start_timeout_s = 60;
  config.registry.command_timeout_ms = 500;
  config.registry.reconnect_max_ms = 10000;
  config.routing.max_failover = 0;
  config.kafka.brokers = "k1:9092,k2:9092";
  config.kafka.group_id = "sb-prod";
  config.kafka.events_topic = "ev";
  config.kafka.status_topic = "st";
  config.kafka.dlq_topic = "dlq";
  config.kafka.commit_interval_ms = 1000;
  config.kafka.session_timeout_ms = 30000;
  config.kafka.heartbeat_interval_ms = 2000;
  config.kafka.fetch_wait_max_ms = 0;
  config.kafka.extra = {{"security.protocol", "SASL_SSL"},
                        {"sasl.mechanisms", "PLAIN"},
                        {"sasl.password", "kafka-pass-123"},
                        {"socket.keepalive.enable", "true"},
                        {"message.max.bytes", "2000000"}};
  config.worker.admin_port = 9200;
  config.worker.admin_bind = "127.0.0.1";
  config.worker.max_in_flight = 50;
  config.worker.max_event_bytes = 65536;
  config.worker.dedup_ttl_s = 600;
  config.worker.drain_timeout_ms = 0;
  config.retry.max_attempts = 5;
  config.retry.base_ms = 50;
  config.retry.max_ms = 60000;
  config.delivery.timeout_ms = 3000;
  config.delivery.max_queue_ms = 100;
  config.delivery.max_connections_per_host = 8;
  config.delivery.ca_file = "/etc/ssl/private-ca.pem";
  config.delivery.rate_limits = {{"sendgrid", {100, 200}}, {"one-signal", {0.5, 1}}};
  config.breaker.failure_threshold = 3;
  config.breaker.window_ms = 2000;
  config.breaker.cooldown_ms = 60000;
  config.log.level = "debug";
  return config;
}

// full_config() as an operator would write it: dotted librdkafka names unquoted, numbers
// and booleans as TOML values.
constexpr std::string_view kFullToml = R"toml(
[api]
bind = "0.0.0.0"
port = 8443
max_body_bytes = 2097152
idempotency_ttl_s = 3600
request_timeout_ms = 5000
threads = 4

[[api.keys]]
key = "sk_live_alpha"
organization_id = "org_1"
environment_id = "env_prod"

[[api.keys]]
key = "sk_live_beta"
organization_id = "org_2"
environment_id = "env_dev"

[registry]
backend = "redis"
file = "C:\\dir\\integrations\t\"prod\".json"
redis_url = "redis://:hunter2pass@redis.internal:6380/2"
key_prefix = "prod:"
poll_ms = 250
start_timeout_s = 60
command_timeout_ms = 500
reconnect_max_ms = 10000

[routing]
max_failover = 0

[kafka]
brokers = "k1:9092,k2:9092"
group_id = "sb-prod"
events_topic = "ev"
status_topic = "st"
dlq_topic = "dlq"
commit_interval_ms = 1000
session_timeout_ms = 30000
heartbeat_interval_ms = 2000
fetch_wait_max_ms = 0

[kafka.librdkafka]
security.protocol = "SASL_SSL"
"sasl.mechanisms" = "PLAIN"
sasl.password = "kafka-pass-123"
socket.keepalive.enable = true
"message.max.bytes" = 2000000

[worker]
admin_port = 9200
admin_bind = "127.0.0.1"
max_in_flight = 50
max_event_bytes = 65536
dedup_ttl_s = 600
drain_timeout_ms = 0

[retry]
max_attempts = 5
base_ms = 50
max_ms = 60000

[delivery]
timeout_ms = 3000
max_queue_ms = 100
max_connections_per_host = 8
ca_file = "/etc/ssl/private-ca.pem"

[delivery.rate_limits]
sendgrid = { per_second = 100, burst = 200 }
one-signal = { per_second = 0.5, burst = 1 }

[breaker]
failure_threshold = 3
window_ms = 2000
cooldown_ms = 60000

[log]
level = "debug"
)toml";

// --- Defaults and a full file.

TEST(ConfigLoad, EmptyPathGivesTheStructDefaults) {
  Environment environment;
  const Config config = load_config("", environment.get());
  EXPECT_EQ(config, Config{});
  EXPECT_EQ(config.kafka.brokers, "127.0.0.1:9092");
  EXPECT_EQ(config.api.port, 8080);
  EXPECT_EQ(config.worker.max_in_flight, 1000u);
  EXPECT_TRUE(config.api.keys.empty());
}

TEST(ConfigLoad, NullEnvironmentIsNoOverrides) { EXPECT_EQ(load_config("", nullptr), Config{}); }

TEST(ConfigLoad, EmptyFileGivesTheDefaults) { EXPECT_EQ(load_text(""), Config{}); }

TEST(ConfigLoad, FullFileSetsEveryKey) {
  const Config config = load_text(kFullToml);
  EXPECT_EQ(config, full_config());
  // Spot checks so that a failure says which part went wrong.
  EXPECT_EQ(config.registry.file, "C:\\dir\\integrations\t\"prod\".json");
  EXPECT_EQ(config.kafka.extra.at("security.protocol"), "SASL_SSL");
  EXPECT_EQ(config.kafka.extra.at("socket.keepalive.enable"), "true");
  EXPECT_EQ(config.kafka.extra.at("message.max.bytes"), "2000000");
  ASSERT_EQ(config.api.keys.size(), 2u);
  EXPECT_EQ(config.api.keys[1].organization_id, "org_2");
}

TEST(ConfigLoad, PartialFileKeepsOtherDefaults) {
  const Config config = load_text("[worker]\nmax_in_flight = 7\n");
  Config expected;
  expected.worker.max_in_flight = 7;
  EXPECT_EQ(config, expected);
}

// --- Unknown names.

TEST(ConfigLoad, UnknownKeyNamesFileLineKeyAndKnownKeys) {
  const std::string error = load_error("[kafka]\nbrokers = \"b:9092\"\nbrokerz = \"x\"\n");
  EXPECT_THAT(error, HasSubstr("FILE:3:1: unknown key kafka.brokerz"));
  EXPECT_THAT(error, HasSubstr("did you mean kafka.brokers?"));
  EXPECT_THAT(error, HasSubstr("(known keys of [kafka]: brokers, group_id, events_topic, status_topic, dlq_topic, "
                               "commit_interval_ms, session_timeout_ms, heartbeat_interval_ms, fetch_wait_max_ms, "
                               "librdkafka)"));
}

TEST(ConfigLoad, UnknownKeyWithoutCloseMatchHasNoSuggestion) {
  const std::string error = load_error("[api]\ncolour = 1\n");
  EXPECT_THAT(error, HasSubstr("FILE:2:1: unknown key api.colour (known keys of [api]: bind, port,"));
  EXPECT_THAT(error, Not(HasSubstr("did you mean")));
}

TEST(ConfigLoad, UnknownSection) {
  const std::string error = load_error("[kafkaa]\nbrokers = \"x\"\n");
  EXPECT_THAT(error, HasSubstr("FILE:1:2: unknown section [kafkaa], did you mean kafka?"));
  EXPECT_THAT(error, HasSubstr("known sections: api, registry, routing, kafka, worker, retry, delivery, breaker, log"));
}

TEST(ConfigLoad, TopLevelKeyIsRejected) {
  EXPECT_THAT(load_error("brokers = \"x\"\n"),
              HasSubstr("FILE:1:1: unknown key brokers at the top level: keys belong in a [section]"));
}

TEST(ConfigLoad, SectionMustBeATable) {
  EXPECT_THAT(load_error("api = 1\n"), HasSubstr("FILE:1:7: api: got an integer (expected a table [api])"));
}

TEST(ConfigLoad, NestedTableInPlainSectionIsAnUnknownKey) {
  EXPECT_THAT(load_error("[worker.extra]\nx = 1\n"), HasSubstr("unknown key worker.extra"));
}

// --- Types and ranges.

struct BadValue {
  std::string toml;
  std::string message;
};

void PrintTo(const BadValue& value, std::ostream* out) { *out << value.toml; }

class ConfigBadValue : public ::testing::TestWithParam<BadValue> {};

TEST_P(ConfigBadValue, IsRejectedWithKeyProblemAndAcceptedForm) {
  EXPECT_THAT(load_error(GetParam().toml), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    WrongTypes, ConfigBadValue,
    ::testing::Values(
        BadValue{"[api]\nport = \"8080\"", "FILE:2:8: api.port: got a string (expected an integer in 1..65535)"},
        BadValue{"[api]\nport = 80.5", "api.port: got a floating-point number (expected an integer in 1..65535)"},
        BadValue{"[kafka]\nbrokers = 9092", "kafka.brokers: got an integer (expected a non-empty string)"},
        BadValue{"[kafka]\nbrokers = [\"a\", \"b\"]", "kafka.brokers: got an array (expected a non-empty string)"},
        BadValue{"[log]\nlevel = true",
                 "log.level: got a boolean (expected one of: trace, debug, info, warn, error)"},
        BadValue{"[worker]\nmax_in_flight = 1979-05-27",
                 "worker.max_in_flight: got a date (expected a positive integer, at most 4294967295)"},
        BadValue{"[api]\nkeys = \"k\"", "api.keys: got a string (expected [[api.keys]] tables"},
        BadValue{"[api.keys]\nkey = \"k\"", "api.keys: got a table (expected [[api.keys]] tables"},
        BadValue{"[kafka]\nlibrdkafka = \"x\"", "kafka.librdkafka: got a string (expected a table"},
        BadValue{"[kafka.librdkafka]\n\"linger.ms\" = 0.5",
                 "kafka.librdkafka.linger.ms: got a floating-point number (expected a string, an integer or a "
                 "boolean)"}));

INSTANTIATE_TEST_SUITE_P(
    OutOfRange, ConfigBadValue,
    ::testing::Values(
        BadValue{"[api]\nport = 0", "FILE:2:8: api.port: 0 is out of range (expected an integer in 1..65535)"},
        BadValue{"[api]\nport = 65536", "api.port: 65536 is out of range (expected an integer in 1..65535)"},
        BadValue{"[worker]\nadmin_port = -1", "worker.admin_port: -1 is out of range"},
        BadValue{"[worker]\nmax_in_flight = 0",
                 "worker.max_in_flight: 0 is out of range (expected a positive integer, at most 4294967295)"},
        BadValue{"[kafka]\nfetch_wait_max_ms = -5",
                 "kafka.fetch_wait_max_ms: -5 is out of range (expected a non-negative integer, at most 4294967295)"},
        BadValue{"[api]\nmax_body_bytes = 4294967296", "api.max_body_bytes: 4294967296 is out of range"},
        BadValue{"[registry]\nbackend = \"mysql\"",
                 "registry.backend: \"mysql\" is not accepted (expected one of: file, redis)"},
        BadValue{"[log]\nlevel = \"verbose\"",
                 "log.level: \"verbose\" is not accepted (expected one of: trace, debug, info, warn, error)"},
        BadValue{"[log]\nlevel = \"INFO\"", "log.level: \"INFO\" is not accepted"},
        BadValue{"[kafka]\nbrokers = \"\"", "kafka.brokers: must not be empty (expected a non-empty string)"}));

TEST(ConfigLoad, ZeroIsAcceptedWhereItMeansSomething) {
  const Config config = load_text("[routing]\nmax_failover = 0\n[worker]\ndrain_timeout_ms = 0\n");
  EXPECT_EQ(config.routing.max_failover, 0u);
  EXPECT_EQ(config.worker.drain_timeout_ms, 0u);
}

TEST(ConfigLoad, LargestValuesAreAccepted) {
  const Config config = load_text("[api]\nport = 65535\nmax_body_bytes = 4294967295\n");
  EXPECT_EQ(config.api.port, 65535);
  EXPECT_EQ(config.api.max_body_bytes, 4294967295u);
}

TEST(ConfigLoad, ReportsEveryProblemInFileOrder) {
  const std::string error = load_error("[worker]\nmax_in_flight = 0\n[api]\nport = 0\nbogus = 1\n");
  EXPECT_EQ(error,
            "FILE:2:17: worker.max_in_flight: 0 is out of range (expected a positive integer, at most 4294967295)\n"
            "FILE:4:8: api.port: 0 is out of range (expected an integer in 1..65535)\n"
            "FILE:5:1: unknown key api.bogus (known keys of [api]: bind, port, max_body_bytes, idempotency_ttl_s, "
            "request_timeout_ms, threads, keys)");
}

TEST(ConfigLoad, SyntaxErrorHasLineAndColumn) {
  const std::string error = load_error("[api]\nport = 8080\nbind = \"unterminated\n");
  EXPECT_THAT(error, HasSubstr("FILE:3:"));
  EXPECT_THAT(error, HasSubstr("TOML syntax error: "));
}

TEST(ConfigLoad, DuplicateKeyIsASyntaxError) {
  EXPECT_THAT(load_error("[api]\nport = 1\nport = 2\n"),
              HasSubstr("FILE:3:8: TOML syntax error: Error while parsing key-value pair: cannot redefine existing "
                        "integer 'port'"));
}

TEST(ConfigLoad, MissingFileNamesThePath) {
  Environment environment;
  try {
    load_config("/nonexistent/switchboard.toml", environment.get());
    FAIL() << "loaded a missing file";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("/nonexistent/switchboard.toml: cannot read config file: "));
  }
}

// --- Cross-key rules.

TEST(ConfigLoad, RetryMaxBelowBaseIsRejected) {
  EXPECT_THAT(load_error("[retry]\nbase_ms = 200\nmax_ms = 100\n"),
              HasSubstr("retry.max_ms (100) is below retry.base_ms (200)"));
}

TEST(ConfigLoad, HeartbeatMustBeBelowSessionTimeout) {
  EXPECT_THAT(env_error({"SWITCHBOARD_KAFKA_HEARTBEAT_INTERVAL_MS=45000"}),
              HasSubstr("kafka.heartbeat_interval_ms (45000) is not below kafka.session_timeout_ms (45000)"));
}

TEST(ConfigLoad, ProducingToTheConsumedTopicIsRejected) {
  EXPECT_THAT(load_error("[kafka]\ndlq_topic = \"notifications.events\"\n"),
              HasSubstr("kafka.dlq_topic: \"notifications.events\" is also kafka.events_topic"));
}

// --- api.keys.

TEST(ConfigApiKeys, InlineArrayFormLoadsToo) {
  const Config config =
      load_text("[api]\nkeys = [{key = \"k1\", organization_id = \"o1\", environment_id = \"e1\"}]\n");
  EXPECT_EQ(config.api.keys, (std::vector<ApiKey>{{"k1", "o1", "e1"}}));
}

TEST(ConfigApiKeys, EmptyArrayIsNoKeys) { EXPECT_TRUE(load_text("[api]\nkeys = []\n").api.keys.empty()); }

TEST(ConfigApiKeys, FileErrorsNameTheEntryAndNeverTheKey) {
  const std::string error = load_error(R"toml(
[[api.keys]]
key = "sk_first_secret"
organization_id = "o1"

[[api.keys]]
key = "sk_second_secret"
organization_id = "o2"
environment_id = "e2"
org = "typo"
)toml");
  EXPECT_THAT(error, HasSubstr("FILE:10:1: unknown key api.keys[1].org (known keys of [[api.keys]]: key, "
                               "organization_id, environment_id)"));
  EXPECT_THAT(error, Not(HasSubstr("sk_first_secret")));
  EXPECT_THAT(error, Not(HasSubstr("sk_second_secret")));

  EXPECT_THAT(load_error("[[api.keys]]\nkey = \"sk_x\"\norganization_id = \"o\"\n"),
              HasSubstr("api.keys[0].environment_id: is missing or empty"));
  EXPECT_THAT(load_error("[[api.keys]]\nkey = 5\norganization_id = \"o\"\nenvironment_id = \"e\"\n"),
              HasSubstr("FILE:2:7: api.keys[0].key: got an integer (expected a string)"));
}

TEST(ConfigApiKeys, DuplicateKeysAreRejectedWithoutEchoingThem) {
  const std::string error = load_error(
      "[[api.keys]]\nkey = \"sk_dup\"\norganization_id = \"o1\"\nenvironment_id = \"e1\"\n"
      "[[api.keys]]\nkey = \"sk_dup\"\norganization_id = \"o2\"\nenvironment_id = \"e2\"\n");
  EXPECT_THAT(error, HasSubstr("api.keys[1].key: same key as api.keys[0] (expected every API key to be unique)"));
  EXPECT_THAT(error, Not(HasSubstr("sk_dup")));
}

TEST(ConfigApiKeys, FromEnvironment) {
  Environment environment({"SWITCHBOARD_API_KEYS=key1:org:env, key2:org2:env2,"});
  const Config config = load_config("", environment.get());
  EXPECT_EQ(config.api.keys, (std::vector<ApiKey>{{"key1", "org", "env"}, {"key2", "org2", "env2"}}));
}

TEST(ConfigApiKeys, EnvironmentReplacesTheFileKeys) {
  const Config config = load_text("[[api.keys]]\nkey = \"file_key\"\norganization_id = \"o\"\nenvironment_id = \"e\"\n",
                                  {"SWITCHBOARD_API_KEYS=env_key:o2:e2"});
  EXPECT_EQ(config.api.keys, (std::vector<ApiKey>{{"env_key", "o2", "e2"}}));
  EXPECT_TRUE(load_text("[[api.keys]]\nkey = \"k\"\norganization_id = \"o\"\nenvironment_id = \"e\"\n",
                        {"SWITCHBOARD_API_KEYS="})
                  .api.keys.empty());
}

TEST(ConfigApiKeys, MalformedEnvironmentEntryIsRejectedWithoutEchoingIt) {
  const std::string error = env_error({"SWITCHBOARD_API_KEYS=good:o:e,sk_leaky_secret:org_only"});
  EXPECT_THAT(error, HasSubstr("environment SWITCHBOARD_API_KEYS: api.keys: entry 2 has 2 colon-separated fields "
                               "(expected key:organization_id:environment_id, comma-separated)"));
  EXPECT_THAT(error, Not(HasSubstr("sk_leaky_secret")));
  EXPECT_THAT(env_error({"SWITCHBOARD_API_KEYS=k::e"}), HasSubstr("api.keys[0].organization_id: is missing or empty"));
}

// --- [kafka.librdkafka].

TEST(ConfigLibrdkafka, PropertyOwnedByAKeyIsRejected) {
  EXPECT_THAT(load_error("[kafka.librdkafka]\n\"bootstrap.servers\" = \"x:9092\"\n"),
              HasSubstr("FILE:2:1: kafka.librdkafka.bootstrap.servers: is set by kafka.brokers (expected "
                        "kafka.brokers instead)"));
  EXPECT_THAT(env_error({"SWITCHBOARD_KAFKA_LIBRDKAFKA_GROUP_ID=g"}),
              HasSubstr("kafka.librdkafka.group.id: is set by kafka.group_id"));
}

TEST(ConfigLibrdkafka, SamePropertyQuotedAndDottedIsRejected) {
  EXPECT_THAT(load_error("[kafka.librdkafka]\n\"client.id\" = \"a\"\nclient.id = \"b\"\n"),
              HasSubstr("kafka.librdkafka.client.id: is given twice"));
}

TEST(ConfigLibrdkafka, OneEnvironmentVariablePerProperty) {
  const Config config = load_text("[kafka.librdkafka]\n\"security.protocol\" = \"SSL\"\n\"client.id\" = \"c\"\n",
                                  {"SWITCHBOARD_KAFKA_LIBRDKAFKA_SASL_PASSWORD=pw",
                                   "SWITCHBOARD_KAFKA_LIBRDKAFKA_SECURITY_PROTOCOL=SASL_SSL"});
  EXPECT_EQ(config.kafka.extra, (std::map<std::string, std::string>{
                                    {"client.id", "c"}, {"sasl.password", "pw"}, {"security.protocol", "SASL_SSL"}}));
  EXPECT_THAT(env_error({"SWITCHBOARD_KAFKA_LIBRDKAFKA=x"}),
              HasSubstr("kafka.librdkafka: set one property per variable, e.g. "
                        "SWITCHBOARD_KAFKA_LIBRDKAFKA_SECURITY_PROTOCOL=SASL_SSL"));
}

// --- [delivery.rate_limits].

TEST(ConfigRateLimits, BadEntriesNameTheProviderAndTheAcceptedForm) {
  EXPECT_THAT(load_error("[delivery.rate_limits]\nsendgrid = { per_second = 0, burst = 1 }\n"),
              HasSubstr("FILE:2:12: delivery.rate_limits.sendgrid.per_second: 0 is out of range (expected a number "
                        "greater than 0)"));
  EXPECT_THAT(load_error("[delivery.rate_limits]\nsendgrid = { per_second = 1, burst = 0 }\n"),
              HasSubstr("delivery.rate_limits.sendgrid.burst: 0 is out of range (expected an integer in "
                        "1..4294967295)"));
  EXPECT_THAT(load_error("[delivery.rate_limits]\nsendgrid = { per_second = 1 }\n"),
              HasSubstr("delivery.rate_limits.sendgrid: burst is missing (expected { per_second = N, burst = M }"));
  EXPECT_THAT(load_error("[delivery.rate_limits]\nsendgrid = { per_second = 1, burst = 1.5 }\n"),
              HasSubstr("delivery.rate_limits.sendgrid.burst: got a floating-point number (expected an integer)"));
  EXPECT_THAT(load_error("[delivery.rate_limits]\nsendgrid = { per_second = \"1\", burst = 1 }\n"),
              HasSubstr("delivery.rate_limits.sendgrid.per_second: got a string (expected a number)"));
  EXPECT_THAT(load_error("[delivery.rate_limits]\nsendgrid = { per_second = 1, burst = 1, per_minute = 5 }\n"),
              HasSubstr("unknown key delivery.rate_limits.sendgrid.per_minute (known keys: per_second, burst)"));
  EXPECT_THAT(load_error("[delivery.rate_limits]\nsendgrid = \"100/200\"\n"),
              HasSubstr("delivery.rate_limits.sendgrid: got a string (expected { per_second = N, burst = M }"));
  EXPECT_THAT(load_error("[delivery]\nrate_limits = 5\n"),
              HasSubstr("delivery.rate_limits: got an integer (expected a table of providerId = {"));
}

TEST(ConfigRateLimits, OneEnvironmentVariablePerProvider) {
  const Config config = load_text("[delivery.rate_limits]\nsendgrid = { per_second = 100, burst = 200 }\n",
                                  {"SWITCHBOARD_DELIVERY_RATE_LIMITS_ONE_SIGNAL= per_second=2.5 , burst=5"});
  EXPECT_EQ(config.delivery.rate_limits,
            (std::map<std::string, ProviderRateLimit>{{"one-signal", {2.5, 5}}, {"sendgrid", {100, 200}}}));
  EXPECT_EQ(load_text("", {"SWITCHBOARD_DELIVERY_RATE_LIMITS_SENDGRID=burst=1,per_second=1"}).delivery.rate_limits,
            (std::map<std::string, ProviderRateLimit>{{"sendgrid", {1, 1}}}));
  EXPECT_THAT(env_error({"SWITCHBOARD_DELIVERY_RATE_LIMITS_SENDGRID=100/200"}),
              HasSubstr("environment SWITCHBOARD_DELIVERY_RATE_LIMITS_SENDGRID: delivery.rate_limits.sendgrid: "
                        "\"100/200\" is not understood (expected per_second=N,burst=M)"));
  EXPECT_THAT(env_error({"SWITCHBOARD_DELIVERY_RATE_LIMITS_SENDGRID=per_second=-1,burst=1"}),
              HasSubstr("delivery.rate_limits.sendgrid.per_second: -1 is out of range"));
  EXPECT_THAT(env_error({"SWITCHBOARD_DELIVERY_RATE_LIMITS_SENDGRID=per_second=1"}),
              HasSubstr("delivery.rate_limits.sendgrid: burst is missing"));
  EXPECT_THAT(env_error({"SWITCHBOARD_DELIVERY_RATE_LIMITS=x"}),
              HasSubstr("delivery.rate_limits: set one provider per variable, e.g. "
                        "SWITCHBOARD_DELIVERY_RATE_LIMITS_SENDGRID=per_second=100,burst=200"));
}

TEST(ConfigRateLimits, RenderedAsInlineTables) {
  EXPECT_THAT(render_config(full_config()),
              HasSubstr("[delivery.rate_limits]\none-signal = { per_second = 0.5, burst = 1 }\n"
                        "sendgrid = { per_second = 100, burst = 200 }\n"));
}

// --- Environment overrides.

TEST(ConfigEnvironment, OverridesTheFile) {
  const Config config = load_text("[kafka]\nbrokers = \"file:9092\"\n[worker]\nmax_in_flight = 10\n",
                                  {"SWITCHBOARD_KAFKA_BROKERS=env:9092", "SWITCHBOARD_WORKER_MAX_IN_FLIGHT= 25\n",
                                   "SWITCHBOARD_REGISTRY_REDIS_URL=redis://r:6379/1", "SWITCHBOARD_API_PORT=9000",
                                   "SWITCHBOARD_DELIVERY_CA_FILE="});
  EXPECT_EQ(config.kafka.brokers, "env:9092");
  EXPECT_EQ(config.worker.max_in_flight, 25u);
  EXPECT_EQ(config.registry.redis_url, "redis://r:6379/1");
  EXPECT_EQ(config.api.port, 9000);
  EXPECT_EQ(config.delivery.ca_file, "");
}

// Every plain key of the table is reachable through its variable: a key added to the
// schema cannot miss its override.
TEST(ConfigEnvironment, EveryKeyHasAWorkingVariable) {
  for (const auto& spec : schema::keys()) {
    if (schema::is_table_valued(spec)) continue;  // own tests above
    std::string text;
    std::visit(
        [&](const auto& accessor) {
          using T = std::decay_t<decltype(accessor.read(Config{}))>;
          if constexpr (std::is_same_v<T, std::string>) {
            // The last accepted choice is never the default of a choice key.
            text = spec.check.choices.empty() ? "override-value" : std::string(spec.check.choices.substr(spec.check.choices.rfind('|') + 1));
          } else if constexpr (std::is_same_v<T, bool>) {
            text = accessor.read(Config{}) ? "0" : "1";
          } else if constexpr (std::is_integral_v<T>) {
            text = "4321";
          } else {
            text = "a,b";
          }
        },
        spec.field);
    const std::string variable = schema::env_var_name(spec) + "=" + text;
    Environment environment({variable});
    Config config;
    ASSERT_NO_THROW(config = load_config("", environment.get())) << variable;
    EXPECT_NE(config, Config{}) << variable << " changed nothing";
  }
}

TEST(ConfigEnvironment, BadValuesAreRejectedLikeInTheFile) {
  EXPECT_THAT(env_error({"SWITCHBOARD_WORKER_MAX_IN_FLIGHT=0"}),
              HasSubstr("environment SWITCHBOARD_WORKER_MAX_IN_FLIGHT: worker.max_in_flight: 0 is out of range "
                        "(expected a positive integer, at most 4294967295)"));
  EXPECT_THAT(env_error({"SWITCHBOARD_WORKER_MAX_IN_FLIGHT=lots"}),
              HasSubstr("worker.max_in_flight: \"lots\" is not an integer (expected a positive integer"));
  EXPECT_THAT(env_error({"SWITCHBOARD_WORKER_MAX_IN_FLIGHT=12abc"}), HasSubstr("\"12abc\" is not an integer"));
  EXPECT_THAT(env_error({"SWITCHBOARD_WORKER_MAX_IN_FLIGHT="}), HasSubstr("\"\" is not an integer"));
  EXPECT_THAT(env_error({"SWITCHBOARD_API_PORT=-1"}), HasSubstr("api.port: -1 is out of range"));
  EXPECT_THAT(env_error({"SWITCHBOARD_API_PORT=70000"}), HasSubstr("api.port: 70000 is out of range"));
  EXPECT_THAT(env_error({"SWITCHBOARD_API_MAX_BODY_BYTES=99999999999999999999999"}),
              HasSubstr("api.max_body_bytes: 99999999999999999999999 is out of range"));
  EXPECT_THAT(env_error({"SWITCHBOARD_REGISTRY_BACKEND=etcd"}),
              HasSubstr("registry.backend: \"etcd\" is not accepted (expected one of: file, redis)"));
  EXPECT_THAT(env_error({"SWITCHBOARD_KAFKA_BROKERS="}), HasSubstr("kafka.brokers: must not be empty"));
}

TEST(ConfigEnvironment, BooleansFromText) {
  // No key of today's schema is a bool; the parser every bool key would use:
  EXPECT_EQ(schema::parse_bool_text("true"), true);
  EXPECT_EQ(schema::parse_bool_text("TRUE"), true);
  EXPECT_EQ(schema::parse_bool_text("1"), true);
  EXPECT_EQ(schema::parse_bool_text("false"), false);
  EXPECT_EQ(schema::parse_bool_text("False"), false);
  EXPECT_EQ(schema::parse_bool_text("0"), false);
  EXPECT_EQ(schema::parse_bool_text("yes"), std::nullopt);
  EXPECT_EQ(schema::parse_bool_text(""), std::nullopt);
  EXPECT_EQ(schema::parse_bool_text("2"), std::nullopt);
}

TEST(ConfigEnvironment, TypoInAKnownSectionIsAnError) {
  EXPECT_EQ(env_error({"SWITCHBOARD_KAFKA_BROKERZ=x"}),
            "environment SWITCHBOARD_KAFKA_BROKERZ: no key kafka.brokerz, did you mean SWITCHBOARD_KAFKA_BROKERS? "
            "(known keys of [kafka]: brokers, group_id, events_topic, status_topic, dlq_topic, commit_interval_ms, "
            "session_timeout_ms, heartbeat_interval_ms, fetch_wait_max_ms, librdkafka)");
  EXPECT_THAT(env_error({"SWITCHBOARD_WORKER_MAX_INFLIGHT=5"}),
              HasSubstr("did you mean SWITCHBOARD_WORKER_MAX_IN_FLIGHT?"));
  EXPECT_THAT(env_error({"SWITCHBOARD_LOG_="}), HasSubstr("environment SWITCHBOARD_LOG_: no key log."));
}

TEST(ConfigEnvironment, SecretsAndOtherVariablesAreIgnored) {
  Environment environment({"SWITCHBOARD_SECRET_KEY=s3cr3t", "SWITCHBOARD_SECRET_KEY_PREVIOUS=old",
                           "SWITCHBOARD_ADMIN_TOKEN=tok", "SWITCHBOARD_BUILD_DIR=build-asan",
                           "SWITCHBOARD_SKIP_FUZZ=1", "SWITCHBOARD_=x", "SWITCHBOARD_KAFKA", "PATH=/usr/bin",
                           "switchboard_kafka_brokers=lowercase-is-not-ours", "NO_EQUALS_SIGN"});
  EXPECT_EQ(load_config("", environment.get()), Config{});
}

TEST(ConfigEnvironment, ErrorsOfFileAndEnvironmentAreReportedTogether) {
  const std::string error = load_error("[api]\nport = 0\n", {"SWITCHBOARD_LOG_LEVEL=loud"});
  EXPECT_THAT(error, HasSubstr("FILE:2:8: api.port: 0 is out of range"));
  EXPECT_THAT(error, HasSubstr("\nenvironment SWITCHBOARD_LOG_LEVEL: log.level: \"loud\" is not accepted"));
}

// --- render_config.

TEST(ConfigRender, DefaultsRoundTrip) {
  TempFile file(render_config(Config{}));
  Environment environment;
  EXPECT_EQ(load_config(file.path(), environment.get()), Config{});
}

TEST(ConfigRender, HasEveryKeyWithItsDocAboveIt) {
  const std::string text = render_config(Config{});
  for (const auto& spec : schema::keys()) {
    const std::string doc_start(spec.doc.substr(0, 40));
    EXPECT_THAT(text, HasSubstr("# " + doc_start)) << schema::dotted_name(spec);
  }
  EXPECT_THAT(text, HasSubstr("# TCP port of the API.\nport = 8080\n"));
  EXPECT_THAT(text, HasSubstr("[kafka.librdkafka]\n"));
  EXPECT_THAT(text, HasSubstr("keys = []\n"));
}

TEST(ConfigRender, SecretsNeverAppear) {
  const std::string text = render_config(full_config());
  for (const char* secret : {"sk_live_alpha", "sk_live_beta", "hunter2pass", "kafka-pass-123"}) {
    EXPECT_THAT(text, Not(HasSubstr(secret)));
  }
  EXPECT_THAT(text, HasSubstr("[[api.keys]]\nkey = \"<redacted>\"\norganization_id = \"org_1\"\n"));
  EXPECT_THAT(text, HasSubstr("redis_url = \"redis://:<redacted>@redis.internal:6380/2\"\n"));
  EXPECT_THAT(text, HasSubstr("\"sasl.password\" = \"<redacted>\"\n"));
  EXPECT_THAT(text, HasSubstr("\"security.protocol\" = \"SASL_SSL\"\n"));
}

// The printed config loads back to the same values, except that the "<redacted>"
// placeholders are refused (an API key literally "<redacted>" would be a guessable
// credential); with the secrets put back, every value is equal.
TEST(ConfigRender, FullConfigRoundTripsExceptRedactedSecrets) {
  std::string text = render_config(full_config());
  const std::string error = load_error(text);
  EXPECT_THAT(error, HasSubstr("api.keys[0].key: is the \"<redacted>\" placeholder that --print-config shows"));
  EXPECT_THAT(error, HasSubstr("registry.redis_url: is the \"<redacted>\" placeholder"));
  EXPECT_THAT(error, HasSubstr("kafka.librdkafka.sasl.password: is the \"<redacted>\" placeholder"));

  // Placeholders in file order: [api] keys, [registry] redis_url, [kafka.librdkafka].
  for (const char* secret : {"sk_live_alpha", "sk_live_beta", "hunter2pass", "kafka-pass-123"}) {
    const std::size_t at = text.find("<redacted>");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, std::string_view("<redacted>").size(), secret);
  }
  EXPECT_EQ(text.find("<redacted>"), std::string::npos);
  EXPECT_EQ(load_text(text), full_config());
}

TEST(ConfigRender, RedactsUrlPasswords) {
  using schema::redact_url_password;
  EXPECT_EQ(redact_url_password("redis://127.0.0.1:6379/0"), "redis://127.0.0.1:6379/0");
  EXPECT_EQ(redact_url_password("redis://user:pw@h:1/0"), "redis://user:<redacted>@h:1/0");
  EXPECT_EQ(redact_url_password("rediss://:pw@h"), "rediss://:<redacted>@h");
  EXPECT_EQ(redact_url_password("redis://pw@h/0"), "redis://<redacted>@h/0");
  EXPECT_EQ(redact_url_password("redis://user:@h/0"), "redis://user:@h/0");
  EXPECT_EQ(redact_url_password("redis://u:p@ss@h/0?x=@"), "redis://u:<redacted>@h/0?x=@");
}

// --- The committed files stay in sync with the schema.

std::string source_path(std::string_view relative) {
  return std::string(SWITCHBOARD_SOURCE_DIR) + "/" + std::string(relative);
}

// On a mismatch, writes the expected text next to the test's temp files and says where.
std::string write_expected(std::string_view name, const std::string& text) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) / std::string(name)).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(ConfigFiles, DefaultConfigFileLoadsAndEqualsTheDefaults) {
  const std::string path = source_path("config/switchboard.toml");
  Environment environment;
  EXPECT_EQ(load_config(path, environment.get()), Config{});

  const std::string text = read_text(path);
  const std::string rendered = render_config(Config{});
  EXPECT_TRUE(text.ends_with(rendered))
      << "config/switchboard.toml is not render_config(Config{}) under its header comment; the expected body "
         "is in "
      << write_expected("switchboard.toml.body", rendered);
}

TEST(ConfigFiles, ReferenceDocHasTheGeneratedTable) {
  const std::string markdown = config_reference_markdown();
  EXPECT_THAT(read_text(source_path("docs/configuration.md")), HasSubstr(markdown))
      << "docs/configuration.md does not contain config_reference_markdown(); the expected table is in "
      << write_expected("configuration-reference.md", markdown);
}

// --- The schema table itself.

TEST(ConfigSchema, IsConsistent) {
  std::set<std::string> names;
  std::set<std::string> variables;
  std::vector<std::string_view> section_order;
  for (const auto& spec : schema::keys()) {
    EXPECT_NE(schema::find_section(spec.section), nullptr) << spec.section;
    EXPECT_TRUE(names.insert(schema::dotted_name(spec)).second) << "duplicate " << schema::dotted_name(spec);
    EXPECT_TRUE(variables.insert(schema::env_var_name(spec)).second) << "duplicate " << schema::env_var_name(spec);
    EXPECT_FALSE(spec.doc.empty()) << schema::dotted_name(spec);
    EXPECT_EQ(spec.doc.find('\n'), std::string_view::npos) << schema::dotted_name(spec);
    EXPECT_TRUE(spec.doc.ends_with(".")) << schema::dotted_name(spec);
    if (section_order.empty() || section_order.back() != spec.section) section_order.push_back(spec.section);
  }
  // Keys of one section are contiguous and sections come in their declared order.
  ASSERT_EQ(section_order.size(), schema::sections().size());
  for (std::size_t i = 0; i < section_order.size(); ++i) EXPECT_EQ(section_order[i], schema::sections()[i].name);
}

TEST(ConfigSchema, ReferenceHasOneRowPerKey) {
  const std::string markdown = config_reference_markdown();
  EXPECT_THAT(markdown, HasSubstr("| Key | Type | Default | Environment variable | Description |\n"));
  EXPECT_THAT(markdown,
              HasSubstr("| `worker.max_in_flight` | uint32, ≥ 1 | `1000` | `SWITCHBOARD_WORKER_MAX_IN_FLIGHT` |"));
  EXPECT_THAT(markdown, HasSubstr("| `registry.backend` | string: file, redis | `\"file\"` |"));
  std::size_t rows = 0;
  for (std::size_t at = 0; (at = markdown.find("\n| `", at)) != std::string::npos; ++at) ++rows;
  EXPECT_EQ(rows, schema::keys().size());
}

}  // namespace
}  // namespace switchboard::config
