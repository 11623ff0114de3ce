// SnapshotCache against an in-memory fake store (the real stores have their own suites).

#include <map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "registry/snapshot_cache.h"

namespace switchboard::registry {
namespace {

using routing::Channel;

Integration make(const std::string& org, const std::string& env, const std::string& id) {
  Integration i;
  i.id = id;
  i.organization_id = org;
  i.environment_id = env;
  i.name = id;
  i.identifier = id;
  i.provider_id = "sendgrid";
  i.channel = Channel::kEmail;
  i.active = true;
  return i;
}

// Holds integrations per environment with a version each; can be switched "down".
class FakeStore final : public IntegrationStore {
 public:
  explicit FakeStore(boost::asio::io_context& io) : io_(io) {}

  void put(const Integration& i) {
    auto& env = data_[{i.organization_id, i.environment_id}];
    env.integrations.push_back(i);
    ++env.version;
  }
  void drop_environment(const std::string& org, const std::string& env) { data_.erase({org, env}); }
  void notify(const std::string& org, const std::string& env) {
    if (handler_) handler_(org, env);
  }
  bool down = false;
  int list_calls = 0;

  void list(const std::string& org, const std::string& env, ReadOptions,
            StoreCallback<std::vector<Integration>> done) override {
    ++list_calls;
    boost::asio::post(io_, [this, org, env, done = std::move(done)] {
      if (down) return done(Error{kUnavailable, "redis is down"});
      auto it = data_.find({org, env});
      done(it == data_.end() ? std::vector<Integration>{} : it->second.integrations);
    });
  }
  void versions(StoreCallback<std::vector<EnvironmentVersion>> done) override {
    boost::asio::post(io_, [this, done = std::move(done)] {
      if (down) return done(Error{kUnavailable, "redis is down"});
      std::vector<EnvironmentVersion> out;
      for (const auto& [key, env] : data_) out.push_back({key.first, key.second, env.version});
      done(out);
    });
  }
  void on_invalidation(std::function<void(const std::string&, const std::string&)> handler) override {
    handler_ = std::move(handler);
  }
  void get(const std::string&, const std::string&, ReadOptions, StoreCallback<Integration>) override { FAIL(); }
  void create(Integration, StoreCallback<Integration>) override { FAIL(); }
  void update(Integration, StoreCallback<Integration>) override { FAIL(); }
  void set_primary(const std::string&, const std::string&, StoreCallback<Integration>) override { FAIL(); }
  void remove(const std::string&, const std::string&, const std::string&, const std::string&,
              StoreCallback<Integration>) override {
    FAIL();
  }

 private:
  struct Env {
    std::vector<Integration> integrations;
    std::uint64_t version = 0;
  };
  boost::asio::io_context& io_;
  std::map<std::pair<std::string, std::string>, Env> data_;
  std::function<void(const std::string&, const std::string&)> handler_;
};

class SnapshotCacheTest : public ::testing::Test {
 protected:
  SnapshotCacheOptions fast_options() {
    SnapshotCacheOptions o;
    o.poll_interval = std::chrono::milliseconds(20);
    o.start_timeout = std::chrono::seconds(1);
    o.start_retry = std::chrono::milliseconds(10);
    return o;
  }
  // Runs the loop until `done` or a bound, so a broken cache fails instead of hanging.
  template <typename Pred>
  bool run_until(Pred done) {
    for (int i = 0; i < 400 && !done(); ++i) {
      io.run_for(std::chrono::milliseconds(5));
      io.restart();
    }
    return done();
  }
  void run_for(std::chrono::milliseconds duration) {
    io.run_for(duration);
    io.restart();
  }
  std::size_t count(const routing::IntegrationSnapshot& s, const std::string& org, const std::string& env) {
    auto ref = s.find(org, env);
    return ref ? ref.environment->entries.size() : 0;
  }

  boost::asio::io_context io;
  FakeStore store{io};
};

TEST_F(SnapshotCacheTest, LoadsEveryEnvironmentAtStart) {
  store.put(make("o1", "e1", "a"));
  store.put(make("o1", "e1", "b"));
  store.put(make("o2", "e9", "c"));
  SnapshotCache cache(io, store, fast_options());
  std::optional<Result<bool>> ready;
  cache.start([&](Result<bool> r) { ready = r; });
  ASSERT_TRUE(run_until([&] { return ready.has_value(); }));
  ASSERT_TRUE(ready->ok());
  EXPECT_EQ(count(*cache.current(), "o1", "e1"), 2u);
  EXPECT_EQ(count(*cache.current(), "o2", "e9"), 1u);
  EXPECT_EQ(count(*cache.current(), "o2", "e1"), 0u);
}

TEST_F(SnapshotCacheTest, InvalidationReloadsOnlyThatEnvironment) {
  store.put(make("o1", "e1", "a"));
  store.put(make("o1", "e2", "b"));
  SnapshotCache cache(io, store, fast_options());
  bool ready = false;
  cache.start([&](Result<bool> r) { ready = r.ok(); });
  ASSERT_TRUE(run_until([&] { return ready; }));
  const int lists_before = store.list_calls;
  auto e2_before = cache.current()->find("o1", "e2").environment;
  store.put(make("o1", "e1", "c"));
  store.notify("o1", "e1");
  ASSERT_TRUE(run_until([&] { return count(*cache.current(), "o1", "e1") == 2; }));
  EXPECT_EQ(store.list_calls - lists_before, 1);
  // The untouched environment is shared, not rebuilt.
  EXPECT_EQ(cache.current()->find("o1", "e2").environment, e2_before);
}

TEST_F(SnapshotCacheTest, PollingCatchesMissedInvalidations) {
  store.put(make("o1", "e1", "a"));
  SnapshotCache cache(io, store, fast_options());
  bool ready = false;
  cache.start([&](Result<bool> r) { ready = r.ok(); });
  ASSERT_TRUE(run_until([&] { return ready; }));
  store.put(make("o1", "e1", "b"));  // no notify
  EXPECT_TRUE(run_until([&] { return count(*cache.current(), "o1", "e1") == 2; }));
  store.drop_environment("o1", "e1");
  EXPECT_TRUE(run_until([&] { return count(*cache.current(), "o1", "e1") == 0; }));
}

TEST_F(SnapshotCacheTest, StartFailsClearlyWhenTheStoreStaysDown) {
  store.down = true;
  SnapshotCache cache(io, store, fast_options());
  std::optional<Result<bool>> ready;
  cache.start([&](Result<bool> r) { ready = r; });
  ASSERT_TRUE(run_until([&] { return ready.has_value(); }));
  ASSERT_FALSE(ready->ok());
  EXPECT_EQ(ready->error().code, kUnavailable);
  EXPECT_NE(ready->error().message.find("registry.start_timeout_s"), std::string::npos);
}

TEST_F(SnapshotCacheTest, StartSucceedsWhenTheStoreComesBackInTime) {
  store.down = true;
  store.put(make("o1", "e1", "a"));
  SnapshotCache cache(io, store, fast_options());
  std::optional<Result<bool>> ready;
  cache.start([&](Result<bool> r) { ready = r; });
  run_for(std::chrono::milliseconds(100));  // some failed attempts
  store.down = false;
  ASSERT_TRUE(run_until([&] { return ready.has_value(); }));
  EXPECT_TRUE(ready->ok());
}

TEST_F(SnapshotCacheTest, KeepsServingWhileTheStoreIsDownAndReportsStateChangesOnce) {
  store.put(make("o1", "e1", "a"));
  SnapshotCache cache(io, store, fast_options());
  std::vector<bool> states;
  cache.on_state_change([&](bool healthy, const Error&) { states.push_back(healthy); });
  bool ready = false;
  cache.start([&](Result<bool> r) { ready = r.ok(); });
  ASSERT_TRUE(run_until([&] { return ready; }));
  store.down = true;
  ASSERT_TRUE(run_until([&] { return !states.empty(); }));
  run_for(std::chrono::milliseconds(100));  // several failed polls
  EXPECT_EQ(count(*cache.current(), "o1", "e1"), 1u);
  EXPECT_GT(cache.age_seconds(), 0.0);
  store.down = false;
  ASSERT_TRUE(run_until([&] { return states.size() == 2; }));
  EXPECT_EQ(states, (std::vector<bool>{false, true}));
}

}  // namespace
}  // namespace switchboard::registry
