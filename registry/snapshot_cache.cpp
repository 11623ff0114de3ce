#include "registry/snapshot_cache.h"

#include <vector>

namespace switchboard::registry {

namespace {
std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

SnapshotCache::SnapshotCache(boost::asio::io_context& io, IntegrationStore& store, SnapshotCacheOptions options)
    : io_(io), store_(store), options_(options), poll_timer_(io), retry_timer_(io),
      snapshot_(routing::IntegrationSnapshot::build({})) {}

SnapshotCache::~SnapshotCache() {
  *alive_ = false;
  stop();
}

void SnapshotCache::stop() {
  stopped_ = true;
  poll_timer_.cancel();
  retry_timer_.cancel();
}

double SnapshotCache::age_seconds() const noexcept {
  const std::int64_t fresh = fresh_at_ns_.load();
  return fresh == 0 ? 0.0 : static_cast<double>(now_ns() - fresh) / 1e9;
}

void SnapshotCache::mark_fresh() noexcept { fresh_at_ns_.store(now_ns()); }

void SnapshotCache::set_healthy(bool healthy, const Error& error) {
  if (healthy == healthy_) return;
  healthy_ = healthy;
  if (state_callback_) state_callback_(healthy, error);
}

void SnapshotCache::start(ReadyCallback ready) {
  store_.on_invalidation([this, alive = alive_](const std::string& org, const std::string& env) {
    if (!*alive || stopped_) return;
    // The version is unknown here; the reload reads the environment as it is now and the
    // next poll records the version.
    reload({org, env}, 0, [](Result<bool>) {});
  });
  initial_load(std::chrono::steady_clock::now() + options_.start_timeout, std::move(ready));
}

void SnapshotCache::initial_load(std::chrono::steady_clock::time_point deadline, ReadyCallback ready) {
  sync_versions([this, alive = alive_, deadline, ready = std::move(ready)](Result<bool> result) mutable {
    if (!*alive || stopped_) return;
    if (result.ok()) {
      ready(true);
      schedule_poll();
      return;
    }
    if (std::chrono::steady_clock::now() + options_.start_retry >= deadline) {
      ready(Error{result.error().code, "the registry did not load within registry.start_timeout_s: " +
                                           result.error().message});
      return;
    }
    retry_timer_.expires_after(options_.start_retry);
    retry_timer_.async_wait([this, alive, deadline, ready = std::move(ready)](boost::system::error_code ec) mutable {
      if (ec || !*alive || stopped_) return;
      initial_load(deadline, std::move(ready));
    });
  });
}

void SnapshotCache::schedule_poll() {
  if (stopped_) return;
  poll_timer_.expires_after(options_.poll_interval);
  poll_timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
    if (ec || !*alive || stopped_) return;
    sync_versions([this, alive](Result<bool>) {
      if (*alive) schedule_poll();
    });
  });
}

void SnapshotCache::sync_versions(std::function<void(Result<bool>)> done) {
  store_.versions([this, alive = alive_, done = std::move(done)](Result<std::vector<EnvironmentVersion>> result) {
    if (!*alive) return;
    if (!result.ok()) {
      set_healthy(false, result.error());
      done(result.error());
      return;
    }
    std::vector<std::pair<EnvKey, std::uint64_t>> changed;
    std::set<EnvKey> present;
    for (const EnvironmentVersion& v : result.value()) {
      EnvKey key{v.organization_id, v.environment_id};
      present.insert(key);
      auto it = versions_.find(key);
      if (it == versions_.end() || it->second != v.version) changed.emplace_back(std::move(key), v.version);
    }
    for (auto it = versions_.begin(); it != versions_.end();) {
      if (present.count(it->first) == 0) {
        snapshot_.store(snapshot_.load()->with_environment(it->first.first, it->first.second, {}));
        it = versions_.erase(it);
      } else {
        ++it;
      }
    }
    if (changed.empty()) {
      set_healthy(true, {});
      mark_fresh();
      done(true);
      return;
    }
    // Reload every changed environment; answer once all are done.
    auto pending = std::make_shared<std::size_t>(changed.size());
    auto failure = std::make_shared<std::optional<Error>>();
    for (auto& [key, version] : changed) {
      reload(key, version, [this, alive, pending, failure, done](Result<bool> r) {
        if (!*alive) return;
        if (!r.ok() && !*failure) *failure = r.error();
        if (--*pending > 0) return;
        if (*failure) {
          set_healthy(false, **failure);
          done(**failure);
        } else {
          set_healthy(true, {});
          mark_fresh();
          done(true);
        }
      });
    }
  });
}

void SnapshotCache::reload(const EnvKey& key, std::uint64_t version, std::function<void(Result<bool>)> done) {
  if (loading_.count(key)) {
    // A reload is running; it may have read the environment before this write.
    dirty_.insert(key);
    done(true);
    return;
  }
  loading_.insert(key);
  store_.list(key.first, key.second,
              [this, alive = alive_, key, version, done = std::move(done)](Result<std::vector<Integration>> result) {
                if (!*alive) return;
                loading_.erase(key);
                if (!result.ok()) {
                  done(result.error());
                  return;
                }
                snapshot_.store(snapshot_.load()->with_environment(key.first, key.second, std::move(result.value())));
                reloads_.fetch_add(1);
                if (version != 0) versions_[key] = version;
                if (dirty_.erase(key)) {
                  reload(key, 0, [](Result<bool>) {});
                }
                done(true);
              });
}

}  // namespace switchboard::registry
