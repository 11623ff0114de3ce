// One "API process" of the two-process race test: its own io_context, RedisStore and
// connection, hammering the same environment as its twin.
//
//   registry_integration_tests --race-helper URL PREFIX NAME START_AT_MS ROUNDS CREATES OUT_FILE
//
// Waits until START_AT_MS (Unix ms, so both processes begin together), then
//   1. ROUNDS set_primary calls on the email integrations p0..p3 (16 in flight, random
//      target), then
//   2. CREATES creates of sms integrations NAME-i with identifier race-i (the twin uses the
//      same identifiers: each must be won exactly once; the first winner becomes primary).
// Writes "key=value" counts to OUT_FILE. Exit 0, or 2 on bad arguments, 3 when Redis is
// unreachable.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>

#include "registry/redis_store.h"
#include "registry_test_support.h"

namespace switchboard::registry::testing {

namespace {

struct Counts {
  int ok = 0;
  int conflict = 0;
  int error = 0;
};

// Runs `total` operations with at most `window` in flight; `start(i, done)` starts one.
void run_windowed(TestLoop& loop, int total, int window,
                  const std::function<void(int, std::function<void(const std::string&)>)>& start, Counts& counts) {
  int next = 0;
  int finished = 0;
  int in_flight = 0;
  std::function<void()> pump = [&] {
    while (in_flight < window && next < total) {
      ++in_flight;
      start(next++, [&](const std::string& code) {
        --in_flight;
        ++finished;
        if (code.empty()) {
          ++counts.ok;
        } else if (code == kConflict) {
          ++counts.conflict;
        } else {
          ++counts.error;
          std::fprintf(stderr, "race helper: operation failed: %s\n", code.c_str());
        }
        pump();
      });
    }
  };
  pump();
  loop.run_until([&] { return finished == total; }, std::chrono::minutes(2));
}

}  // namespace

int run_race_helper(int argc, char** argv) {
  if (argc != 9) {
    std::fprintf(stderr, "usage: --race-helper URL PREFIX NAME START_AT_MS ROUNDS CREATES OUT_FILE\n");
    return 2;
  }
  const std::string url = argv[2];
  const std::string prefix = argv[3];
  const std::string name = argv[4];
  const long long start_at = std::stoll(argv[5]);
  const int rounds = std::stoi(argv[6]);
  const int creates = std::stoi(argv[7]);
  const std::string out_file = argv[8];

  const auto endpoint = parse_redis_url(url);
  if (!endpoint.ok()) return 2;
  TestLoop loop;
  RedisStoreOptions options;
  options.redis.endpoint = endpoint.value();
  options.key_prefix = prefix;
  RedisStore store(loop.io(), options);
  if (!loop.run_until([&] { return store.connected(); }, std::chrono::seconds(5))) return 3;

  const auto begin = std::chrono::system_clock::time_point(std::chrono::milliseconds(start_at));
  std::this_thread::sleep_until(begin);

  std::mt19937 random(std::random_device{}());
  Counts primary;
  run_windowed(
      loop, rounds, 16,
      [&](int, std::function<void(const std::string&)> done) {
        const std::string id = "p" + std::to_string(random() % 4);
        store.set_primary("org-1", id, [done](Result<Integration> result) { done(result.ok() ? "" : result.error().code); });
      },
      primary);

  Counts created;
  run_windowed(
      loop, creates, 16,
      [&](int i, std::function<void(const std::string&)> done) {
        auto integration = sample_integration(name + "-" + std::to_string(i), "race-" + std::to_string(i),
                                              routing::Channel::kSms);
        integration.credentials.reset();
        store.create(std::move(integration),
                     [done](Result<Integration> result) { done(result.ok() ? "" : result.error().code); });
      },
      created);

  std::ofstream out(out_file);
  out << "set_primary_ok=" << primary.ok << "\nset_primary_error=" << primary.error + primary.conflict
      << "\ncreate_ok=" << created.ok << "\ncreate_conflict=" << created.conflict << "\ncreate_error=" << created.error
      << "\n";
  return out ? 0 : 2;
}

}  // namespace switchboard::registry::testing
