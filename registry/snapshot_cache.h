#pragma once
// The worker's view of the registry: an immutable IntegrationSnapshot, swapped atomically,
// that follows every write. Routing reads current() and never waits on the store.
//
// Freshness: a write's invalidation (pub/sub) triggers a reload of that environment only;
// a poll of all environment versions every `registry.poll_ms` catches missed messages.
// When the store is down, the last snapshot keeps serving; age_seconds() grows and the
// state change is reported once through the state callback.
//
// Thread-safety: current() and age_seconds() from any thread; everything else on the
// io_context thread the cache was created with.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "registry/integration_store.h"
#include "routing/integration_snapshot.h"

namespace switchboard::registry {

struct SnapshotCacheOptions {
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::seconds start_timeout{30};
  std::chrono::milliseconds start_retry{200};
};

class SnapshotCache {
 public:
  using ReadyCallback = std::function<void(Result<bool>)>;
  // healthy == false: the last sync failed (error says why); true again after a success.
  using StateCallback = std::function<void(bool healthy, const Error& error)>;

  SnapshotCache(boost::asio::io_context& io, IntegrationStore& store, SnapshotCacheOptions options);
  ~SnapshotCache();
  SnapshotCache(const SnapshotCache&) = delete;
  SnapshotCache& operator=(const SnapshotCache&) = delete;

  // Loads every environment, retrying until options.start_timeout; `ready` gets true, or
  // an error naming the store problem when the timeout passes. Then keeps following.
  void start(ReadyCallback ready);
  void stop();
  void on_state_change(StateCallback callback) { state_callback_ = std::move(callback); }

  std::shared_ptr<const routing::IntegrationSnapshot> current() const noexcept { return snapshot_.load(); }
  // Seconds since the snapshot was last known to match the store (0 before the first load).
  double age_seconds() const noexcept;
  // Environment reloads applied so far (for tests and metrics).
  std::uint64_t reloads() const noexcept { return reloads_.load(); }

 private:
  using EnvKey = std::pair<std::string, std::string>;

  void initial_load(std::chrono::steady_clock::time_point deadline, ReadyCallback ready);
  void sync_versions(std::function<void(Result<bool>)> done);
  void reload(const EnvKey& key, std::uint64_t version, std::function<void(Result<bool>)> done);
  void schedule_poll();
  void set_healthy(bool healthy, const Error& error);
  void mark_fresh() noexcept;

  boost::asio::io_context& io_;
  IntegrationStore& store_;
  SnapshotCacheOptions options_;
  boost::asio::steady_timer poll_timer_;
  boost::asio::steady_timer retry_timer_;
  std::atomic<std::shared_ptr<const routing::IntegrationSnapshot>> snapshot_;
  std::atomic<std::int64_t> fresh_at_ns_{0};
  std::atomic<std::uint64_t> reloads_{0};
  std::map<EnvKey, std::uint64_t> versions_;  // what the snapshot holds
  std::set<EnvKey> loading_;                  // reloads in flight
  std::set<EnvKey> dirty_;                    // invalidated while loading: load again after
  StateCallback state_callback_;
  bool healthy_ = true;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards callbacks after destruction
};

}  // namespace switchboard::registry
