// What only RedisStore and RedisConnection do: the key layout, scripts, two processes
// racing, pub/sub between instances, Redis going away and coming back, timeouts.

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "registry/lua_scripts.h"
#include "registry/redis_connection.h"
#include "registry/redis_layout.h"
#include "registry/redis_store.h"
#include "registry_test_support.h"

extern char** environ;

namespace switchboard::registry::testing {
namespace {

using routing::Channel;

struct StateLog {
  std::vector<std::pair<bool, std::string>> changes;  // (up, reason)
  int downs() const {
    int n = 0;
    for (const auto& change : changes) n += change.first ? 0 : 1;
    return n;
  }
  int ups() const { return static_cast<int>(changes.size()) - downs(); }
};

class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_available()); }

  std::unique_ptr<RedisStore> open(std::shared_ptr<const CredentialCipher> key = nullptr, StateLog* log = nullptr,
                                   std::chrono::milliseconds timeout = 2000ms, bool wait = true) {
    RedisStoreOptions options;
    options.redis.endpoint = redis_endpoint();
    options.redis.command_timeout = timeout;
    options.redis.reconnect_max = 500ms;
    options.key_prefix = prefix_;
    options.cipher = std::move(key);
    if (log != nullptr) {
      options.on_state_change = [log](const std::string& name, bool up, const std::string& reason) {
        if (name == "registry") log->changes.emplace_back(up, reason);
      };
    }
    auto store = std::make_unique<RedisStore>(loop_.io(), std::move(options));
    if (wait) {
      EXPECT_TRUE(loop_.run_until([&] { return store->connected(); }, 5s));
    }
    return store;
  }

  template <typename T, typename Start>
  Result<T> await(Start start, std::chrono::milliseconds timeout = 5s) {
    return loop_.await<T>(std::move(start), timeout);
  }

  Result<Integration> create(RedisStore& store, Integration integration) {
    return await<Integration>([&](auto done) { store.create(std::move(integration), done); });
  }

  TestLoop loop_;
  std::string prefix_ = unique_prefix();
  RedisKeys keys_{prefix_};
};

// ---- layout and scripts ----------------------------------------------------------------

TEST_F(RedisStoreTest, KeyLayoutIsAsDocumented) {
  auto store = open(cipher(kKeyA));
  ASSERT_TRUE(create(*store, sample_integration("id-1", "sg-main")).ok());
  EXPECT_EQ(redis_cli("type " + keys_.env_documents("org-1", "env-1")), "hash");
  EXPECT_EQ(redis_cli("type " + keys_.env_flags("org-1", "env-1")), "hash");
  EXPECT_EQ(redis_cli("lrange " + keys_.env_order("org-1", "env-1") + " 0 -1"), "id-1");
  EXPECT_EQ(redis_cli("hget " + keys_.org_identifiers("org-1") + " sg-main"), "id-1");
  EXPECT_EQ(redis_cli("--no-raw get " + keys_.id_location("id-1")), "\"org-1\\tenv-1\"");
  EXPECT_EQ(redis_cli("hget " + keys_.versions() + " 'org-1\tenv-1'"), "1");
  const auto flags = flags_from_json(redis_cli("hget " + keys_.env_flags("org-1", "env-1") + " id-1"), "test");
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags.value(), (StoredFlags{true, true, false, std::nullopt, std::nullopt, "email", "sg-main"}));
  // The document is the wire JSON, not re-encoded by cjson: the empty conditions array
  // stays an array.
  const auto document = nlohmann::json::parse(redis_cli("hget " + keys_.env_documents("org-1", "env-1") + " id-1"));
  EXPECT_TRUE(document["conditions"].is_array());
  EXPECT_EQ(document["identifier"], "sg-main");
}

TEST_F(RedisStoreTest, RawRedisHoldsNoPlaintextCredential) {
  auto store = open(cipher(kKeyA));
  ASSERT_TRUE(create(*store, sample_integration("id-1", "sg-main")).ok());
  const std::string raw = redis_cli("hgetall " + keys_.env_documents("org-1", "env-1"));
  EXPECT_NE(raw.find("\"apiKey\":\"sb1:"), std::string::npos) << raw;
  EXPECT_NE(raw.find("\"secure\":\"sb1:"), std::string::npos) << raw;
  EXPECT_EQ(raw.find(kSecretApiKey), std::string::npos) << raw;
  EXPECT_EQ(raw.find("ciphers"), std::string::npos) << raw;
}

TEST_F(RedisStoreTest, WrongKeyFailsClearlyWithNoValueInTheMessage) {
  auto writer = open(cipher(kKeyA));
  ASSERT_TRUE(create(*writer, sample_integration("id-1", "sg-main")).ok());
  auto reader = open(cipher(kKeyB));
  const auto got = await<Integration>([&](auto done) { reader->get("org-1", "id-1", done); });
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, kDecryptFailed);
  EXPECT_NE(got.error().message.find(keys_.env_documents("org-1", "env-1")), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("SWITCHBOARD_SECRET_KEY"), std::string::npos);
  EXPECT_EQ(got.error().message.find(kSecretApiKey), std::string::npos);
  EXPECT_EQ(got.error().message.find("sb1:"), std::string::npos);
}

TEST_F(RedisStoreTest, ScriptDigestsMatchRedis) {
  RedisOptions options;
  options.endpoint = redis_endpoint();
  RedisConnection connection(loop_.io(), options);
  connection.start();
  ASSERT_TRUE(loop_.run_until([&] { return connection.is_up(); }, 5s));
  for (const LuaScript* script : {&lua::create_integration(), &lua::update_integration(), &lua::set_primary(),
                                  &lua::remove_integration(), &lua::get_integration(), &lua::list_integrations(),
                                  &lua::idempotency_claim(), &lua::idempotency_complete(),
                                  &lua::idempotency_release()}) {
    const auto loaded =
        await<RedisReply>([&](auto done) { connection.command({"SCRIPT", "LOAD", script->source}, done); });
    ASSERT_TRUE(loaded.ok()) << script->name;
    EXPECT_EQ(loaded.value().text, script->sha1) << script->name << ": " << loaded.value().text;
  }
}

TEST_F(RedisStoreTest, FallsBackToEvalAfterScriptFlush) {
  auto store = open();
  ASSERT_TRUE(create(*store, sample_integration("id-1", "one")).ok());
  EXPECT_EQ(redis_cli("script flush"), "OK");
  ASSERT_TRUE(create(*store, sample_integration("id-2", "two")).ok());
  const auto listed = await<std::vector<Integration>>([&](auto done) { store->list("org-1", "env-1", done); });
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed.value().size(), 2u);
}

TEST_F(RedisStoreTest, CorruptDataIsReportedWithItsKey) {
  auto store = open();
  ASSERT_TRUE(create(*store, sample_integration("id-1", "one")).ok());
  redis_cli("hset " + keys_.env_documents("org-1", "env-1") + " id-1 '{\"_id\": 5}'");
  const auto got = await<Integration>([&](auto done) { store->get("org-1", "id-1", done); });
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, kCorrupt);
  EXPECT_NE(got.error().message.find(keys_.env_documents("org-1", "env-1") + " field id-1"), std::string::npos)
      << got.error().message;
}

// A store that created an integration reads it by its remembered location (no script);
// the answers must be those of a store that has to locate it.
TEST_F(RedisStoreTest, RememberedLocationsAnswerLikeTheScript) {
  auto writer = open();
  auto reader = open();
  ASSERT_TRUE(create(*writer, sample_integration("id-1", "one")).ok());
  for (auto* store : {writer.get(), reader.get()}) {
    const auto got = await<Integration>([&](auto done) { store->get("org-1", "id-1", done); });
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got.value().identifier, "one");
    const auto other_org = await<Integration>([&](auto done) { store->get("org-2", "id-1", done); });
    ASSERT_FALSE(other_org.ok());
    EXPECT_EQ(other_org.error().code, kNotFound);
  }
  // Gone behind the stores' backs: both give the script's answer.
  redis_cli("hdel " + keys_.env_documents("org-1", "env-1") + " id-1");
  const auto located = await<Integration>([&](auto done) { writer->get("org-1", "id-1", done); });
  const auto scripted = await<Integration>([&](auto done) { reader->get("org-1", "id-1", done); });
  ASSERT_FALSE(located.ok());
  ASSERT_FALSE(scripted.ok());
  EXPECT_EQ(located.error().code, scripted.error().code);
}

TEST_F(RedisStoreTest, IdsWithSeparatorsStayInTheirEnvironment) {
  auto store = open();
  ASSERT_TRUE(create(*store, sample_integration("id-1", "one", Channel::kEmail, true, "c", "a:b")).ok());
  ASSERT_TRUE(create(*store, sample_integration("id-2", "two", Channel::kEmail, true, "b:c", "a")).ok());
  const auto first = await<std::vector<Integration>>([&](auto done) { store->list("a:b", "c", done); });
  const auto second = await<std::vector<Integration>>([&](auto done) { store->list("a", "b:c", done); });
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first.value().size(), 1u);
  ASSERT_EQ(second.value().size(), 1u);
  EXPECT_EQ(first.value()[0].id, "id-1");
  const auto versions = await<std::vector<EnvironmentVersion>>([&](auto done) { store->versions(done); });
  ASSERT_TRUE(versions.ok());
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& version : versions.value()) seen.emplace(version.organization_id, version.environment_id);
  EXPECT_TRUE(seen.contains({"a:b", "c"}));
  EXPECT_TRUE(seen.contains({"a", "b:c"}));
}

// ---- two processes ------------------------------------------------------------------------

std::map<std::string, int> read_counts(const std::string& path) {
  std::map<std::string, int> counts;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) counts[line.substr(0, eq)] = std::stoi(line.substr(eq + 1));
  }
  return counts;
}

TEST_F(RedisStoreTest, TwoProcessesRacingSetPrimaryAndCreatesKeepTheRules) {
  constexpr int kRounds = 1000;
  constexpr int kCreates = 200;
  auto store = open();
  for (int i = 0; i < 4; ++i) {
    auto integration = sample_integration("p" + std::to_string(i), "p" + std::to_string(i));
    integration.credentials.reset();
    ASSERT_TRUE(create(*store, integration).ok());
  }

  const auto dir = temp_dir();
  const auto start_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                            (std::chrono::system_clock::now() + 1500ms).time_since_epoch())
                            .count();
  std::vector<pid_t> children;
  std::vector<std::string> outputs;
  for (const std::string name : {"alpha", "beta"}) {
    outputs.push_back((dir / (name + ".txt")).string());
    std::vector<std::string> args = {"/proc/self/exe",       "--race-helper",          redis_url(),
                                     prefix_,                name,                     std::to_string(start_at),
                                     std::to_string(kRounds), std::to_string(kCreates), outputs.back()};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(::posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ), 0);
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "helper " << pid << " did not exit normally";
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }

  int created = 0;
  int conflicts = 0;
  for (const std::string& output : outputs) {
    auto counts = read_counts(output);
    EXPECT_EQ(counts["set_primary_ok"], kRounds) << output;
    EXPECT_EQ(counts["set_primary_error"], 0) << output;
    EXPECT_EQ(counts["create_error"], 0) << output;
    created += counts["create_ok"];
    conflicts += counts["create_conflict"];
  }
  EXPECT_EQ(created, kCreates);    // each identifier won exactly once...
  EXPECT_EQ(conflicts, kCreates);  // ...and lost exactly once

  const auto listed = await<std::vector<Integration>>([&](auto done) { store->list("org-1", "env-1", done); });
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed.value().size(), static_cast<std::size_t>(4 + kCreates));
  int email_primaries = 0;
  int sms_primaries = 0;
  std::set<std::string> identifiers;
  for (const Integration& integration : listed.value()) {
    EXPECT_TRUE(identifiers.insert(integration.identifier).second) << integration.identifier;
    if (!integration.primary) continue;
    EXPECT_TRUE(integration.active);
    (integration.channel == Channel::kEmail ? email_primaries : sms_primaries) += 1;
  }
  EXPECT_EQ(email_primaries, 1);
  EXPECT_EQ(sms_primaries, 1);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

// ---- pub/sub --------------------------------------------------------------------------------

TEST_F(RedisStoreTest, InvalidationReachesASecondInstanceQuickly) {
  auto writer = open();
  auto reader = open();
  std::vector<std::pair<std::string, std::string>> seen;
  reader->on_invalidation([&](const std::string& org, const std::string& env) { seen.emplace_back(org, env); });
  loop_.run_for(300ms);  // the subscriber connects and subscribes
  const auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(create(*writer, sample_integration("id-1", "one", Channel::kSms, true, "env-9")).ok());
  ASSERT_TRUE(loop_.run_until([&] { return !seen.empty(); }, 1s)) << "no invalidation within 1 s";
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
  EXPECT_EQ(seen.front(), std::make_pair(std::string("org-1"), std::string("env-9")));
}

// ---- Redis going away ------------------------------------------------------------------------

// Makes sure the shared Redis is running again whatever the test did.
struct RedisRestartGuard {
  ~RedisRestartGuard() {
    if (redis_cli("ping") != "PONG") start_redis();
  }
};

TEST_F(RedisStoreTest, RedisKilledThenRestartedOnTheSamePort) {
  RedisRestartGuard guard;
  StateLog log;
  auto store = open(nullptr, &log);
  auto watcher = open();
  int invalidations = 0;
  watcher->on_invalidation([&](const std::string&, const std::string&) { ++invalidations; });
  loop_.run_for(300ms);
  ASSERT_TRUE(create(*store, sample_integration("id-1", "one")).ok());
  ASSERT_TRUE(loop_.run_until([&] { return invalidations > 0; }, 2s));
  ASSERT_TRUE(loop_.run_until([&] { return log.ups() == 1; }, 1s));

  ASSERT_TRUE(stop_redis());
  // The connection notices at once (the server closes it); from then on commands fail
  // fast with kUnavailable.
  ASSERT_TRUE(loop_.run_until([&] { return !store->connected(); }, 3s));
  for (int i = 0; i < 3; ++i) {
    const auto begin = std::chrono::steady_clock::now();
    const auto down = await<std::vector<EnvironmentVersion>>([&](auto done) { store->versions(done); });
    ASSERT_FALSE(down.ok());
    EXPECT_EQ(down.error().code, kUnavailable) << down.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 100ms);
    const auto write = create(*store, sample_integration("id-2", "two"));
    ASSERT_FALSE(write.ok());
    EXPECT_EQ(write.error().code, kUnavailable);
    loop_.run_for(200ms);  // several reconnect attempts fail meanwhile
  }
  EXPECT_EQ(log.downs(), 1) << "down is reported once, not per reconnect attempt";

  ASSERT_TRUE(start_redis());
  ASSERT_TRUE(loop_.run_until([&] { return store->connected() && log.ups() == 2; }, 5s)) << "no reconnect";
  EXPECT_EQ(log.downs(), 1);
  // A fresh server: empty, no cached scripts (EVALSHA -> NOSCRIPT -> EVAL).
  const auto again = create(*store, sample_integration("id-2", "two"));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again.value().primary);
  // The subscriber subscribed again.
  const int before = invalidations;
  ASSERT_TRUE(loop_.run_until(
      [&] {
        if (invalidations > before) return true;
        store->set_primary("org-1", "id-2", [](Result<Integration>) {});
        loop_.run_for(100ms);
        return invalidations > before;
      },
      5s));
}

TEST_F(RedisStoreTest, CommandTimeoutFailsWithTimeoutAndReconnects) {
  StateLog log;
  auto store = open(nullptr, &log, 300ms);
  ASSERT_TRUE(await<std::vector<EnvironmentVersion>>([&](auto done) { store->versions(done); }).ok());
  EXPECT_EQ(redis_cli("client pause 1200 all"), "OK");
  const auto begin = std::chrono::steady_clock::now();
  const auto paused = await<std::vector<EnvironmentVersion>>([&](auto done) { store->versions(done); });
  const auto waited = std::chrono::steady_clock::now() - begin;
  ASSERT_FALSE(paused.ok());
  EXPECT_EQ(paused.error().code, kTimeout) << paused.error().message;
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 1000ms);
  // Dropped and reconnected; once the pause is over commands work again.
  ASSERT_TRUE(loop_.run_until(
      [&] {
        const auto result = await<std::vector<EnvironmentVersion>>([&](auto done) { store->versions(done); });
        if (!result.ok()) loop_.run_for(100ms);
        return result.ok();
      },
      5s));
  EXPECT_GE(log.downs(), 1);
  EXPECT_GE(log.ups(), 2);
}

TEST_F(RedisStoreTest, UnreachableRedisFailsFastAndReportsDownOnce) {
  StateLog log;
  RedisStoreOptions options;
  options.redis.endpoint = {"127.0.0.1", 1, 0, "", ""};  // nothing listens on port 1
  options.redis.reconnect_max = 200ms;
  options.key_prefix = prefix_;
  options.on_state_change = [&](const std::string&, bool up, const std::string& reason) {
    log.changes.emplace_back(up, reason);
  };
  RedisStore store(loop_.io(), options);
  const auto begin = std::chrono::steady_clock::now();
  const auto result = await<Integration>([&](auto done) { store.get("org-1", "id-1", done); });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 100ms);
  loop_.run_for(1s);  // several attempts
  ASSERT_EQ(log.changes.size(), 1u);
  EXPECT_FALSE(log.changes[0].first);
  EXPECT_NE(log.changes[0].second.find("refused"), std::string::npos) << log.changes[0].second;
}

TEST_F(RedisStoreTest, ConnectionAnswersEveryReplyType) {
  RedisOptions options;
  options.endpoint = redis_endpoint();
  RedisConnection connection(loop_.io(), options);
  connection.start();
  ASSERT_TRUE(loop_.run_until([&] { return connection.is_up(); }, 5s));
  const std::string key = prefix_ + "k";
  const std::string binary("a\0b\r\nc", 6);
  auto run = [&](std::vector<std::string> argv) {
    return await<RedisReply>([&](auto done) { connection.command(std::move(argv), done); });
  };
  EXPECT_EQ(run({"SET", key, binary}).value(), (RedisReply{RedisReply::Type::kStatus, "OK", 0, {}}));
  EXPECT_EQ(run({"GET", key}).value().text, binary);
  EXPECT_EQ(run({"INCR", key + "n"}).value().integer, 1);
  EXPECT_TRUE(run({"GET", key + "none"}).value().is_nil());
  EXPECT_TRUE(run({"NOSUCHCOMMAND"}).value().is_error());
  EXPECT_EQ(run({"MGET", key, key + "none"}).value().elements.size(), 2u);
  // Pipelined: many in flight at once, answered in order.
  int answered = 0;
  for (int i = 0; i < 2000; ++i) {
    connection.command({"ECHO", std::to_string(i)}, [&answered, i](Result<RedisReply> reply) {
      if (reply.ok() && reply.value().text == std::to_string(i)) ++answered;
    });
  }
  ASSERT_TRUE(loop_.run_until([&] { return answered == 2000; }, 5s));
}

}  // namespace
}  // namespace switchboard::registry::testing
