// Registry figures of the registry issue (docs/performance.md, "Registry"):
//  1. snapshot reload: IntegrationSnapshot::with_environment for one environment of 1,000
//     integrations (half conditioned), as SnapshotCache does on a change (target <= 20 ms);
//  2. write visibility: a RedisStore create answered -> the SnapshotCache following the
//     same Redis shows it (target p99 <= 100 ms). Needs SWITCHBOARD_TEST_REDIS_URL (run it
//     through bench/registry_bench.sh, which starts a throwaway redis-server).
// Prints one JSON object.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/switchboard_config.h"
#include "registry/registry_factory.h"
#include "registry/snapshot_cache.h"
#include "routing/integration_snapshot.h"

namespace {

using namespace switchboard;
using Clock = std::chrono::steady_clock;

routing::Integration make_integration(const std::string& env, int i) {
  routing::Integration x;
  x.id = "id-" + env + "-" + std::to_string(i);
  x.organization_id = "org-bench";
  x.environment_id = env;
  x.name = "integration " + std::to_string(i);
  x.identifier = "ident-" + env + "-" + std::to_string(i);
  x.provider_id = "sendgrid";
  x.channel = routing::Channel::kEmail;
  x.active = true;
  x.priority = i % 7;
  if (i % 2 == 0) {
    routing::ConditionGroup g;
    g.children.push_back({routing::ConditionOn::kPayload, "order.total", routing::Operator::kLarger, std::to_string(i)});
    g.children.push_back({routing::ConditionOn::kTenant, "data.region", routing::Operator::kAnyIn, "eu,us,apac"});
    g.children.push_back({routing::ConditionOn::kSubscriber, "email", routing::Operator::kLike, "%@example.org"});
    x.conditions.push_back(g);
  }
  return x;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void snapshot_reload(std::string& out) {
  std::vector<routing::Integration> others;
  for (int e = 0; e < 50; ++e) {
    for (int i = 0; i < 100; ++i) others.push_back(make_integration("env-other-" + std::to_string(e), i));
  }
  auto snapshot = routing::IntegrationSnapshot::build(others);
  std::vector<double> ms;
  for (int round = 0; round < 30; ++round) {
    std::vector<routing::Integration> env;
    for (int i = 0; i < 1000; ++i) env.push_back(make_integration("env-big", i));
    const auto start = Clock::now();
    snapshot = snapshot->with_environment("org-bench", "env-big", std::move(env));
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, R"("snapshot_reload_1000":{"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"rounds":%zu})",
                percentile(ms, 0.5), percentile(ms, 0.99), *std::max_element(ms.begin(), ms.end()), ms.size());
  out += buf;
}

bool write_visibility(std::string& out, int writes) {
  const char* url = std::getenv("SWITCHBOARD_TEST_REDIS_URL");
  if (url == nullptr) {
    std::fprintf(stderr, "registry_bench: SWITCHBOARD_TEST_REDIS_URL is not set (use bench/registry_bench.sh)\n");
    return false;
  }
  boost::asio::io_context io;
  config::RegistryConfig cfg;
  cfg.backend = "redis";
  cfg.redis_url = url;
  cfg.key_prefix = "bench:";
  auto writer = registry::make_integration_store(io, cfg, nullptr);
  auto follower = registry::make_integration_store(io, cfg, nullptr);
  registry::SnapshotCacheOptions options;  // registry.poll_ms default: invalidations carry the load
  registry::SnapshotCache cache(io, *follower, options);
  bool ready = false;
  cache.start([&](Result<bool> r) { ready = r.ok(); });
  const auto ready_deadline = Clock::now() + std::chrono::seconds(10);
  while (!ready && Clock::now() < ready_deadline) io.run_for(std::chrono::milliseconds(5));
  if (!ready) {
    std::fprintf(stderr, "registry_bench: snapshot cache did not start\n");
    return false;
  }
  std::vector<double> ms;
  for (int i = 0; i < writes; ++i) {
    routing::Integration x = make_integration("env-visibility", i);
    x.identifier += "-" + std::to_string(Clock::now().time_since_epoch().count());
    x.id += "-" + std::to_string(Clock::now().time_since_epoch().count());
    const std::string id = x.id;
    Clock::time_point answered{};
    bool failed = false;
    writer->create(std::move(x), [&](Result<routing::Integration> r) {
      answered = Clock::now();
      failed = !r.ok();
    });
    auto visible = [&] {
      auto ref = cache.current()->find("org-bench", "env-visibility");
      if (!ref) return false;
      for (const auto& e : ref.environment->entries) {
        if (e.integration.id == id) return true;
      }
      return false;
    };
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (Clock::now() < deadline && (answered == Clock::time_point{} || !visible()) && !failed) {
      io.run_one_for(std::chrono::microseconds(200));
    }
    if (failed || answered == Clock::time_point{} || !visible()) {
      std::fprintf(stderr, "registry_bench: write %d not visible within 5 s\n", i);
      return false;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - answered).count());
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, R"(,"write_visibility":{"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"writes":%zu})",
                percentile(ms, 0.5), percentile(ms, 0.99), *std::max_element(ms.begin(), ms.end()), ms.size());
  out += buf;
  cache.stop();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const int writes = argc > 1 ? std::atoi(argv[1]) : 300;
  std::string out = "{";
  snapshot_reload(out);
  const bool ok = write_visibility(out, writes);
  out += "}";
  std::printf("%s\n", out.c_str());
  return ok ? 0 : 1;
}
