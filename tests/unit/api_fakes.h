#pragma once
// In-memory stores for the API's unit tests: registry::IntegrationTable (the real
// bookkeeping rules, no I/O) behind the IntegrationStore interface, and a map behind
// IdempotencyStore. Both can hold their callbacks (to test requests in flight) and fail
// every operation with a chosen error code.

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "registry/idempotency_store.h"
#include "registry/integration_store.h"
#include "registry/integration_table.h"

namespace switchboard::api::testing {

using routing::Integration;

// Completes callbacks inline, or queues them while `hold` is set (run them with drain()).
class CallbackQueue {
 public:
  bool hold = false;
  void run(std::function<void()> fn) {
    if (hold) {
      pending_.push_back(std::move(fn));
    } else {
      fn();
    }
  }
  void drain() {
    while (!pending_.empty()) {
      auto fn = std::move(pending_.front());
      pending_.pop_front();
      fn();
    }
  }
  std::size_t pending() const noexcept { return pending_.size(); }

 private:
  std::deque<std::function<void()>> pending_;
};

class FakeIntegrationStore final : public registry::IntegrationStore {
 public:
  CallbackQueue queue;
  std::optional<std::string> fail_code;  // every operation fails with this code
  int writes = 0;                        // successful create/update/set_primary/remove

  std::vector<registry::ReadOptions> reads;  // the options of every list and get, in order

  registry::IntegrationTable& table() { return table_; }

  using registry::IntegrationStore::get;
  using registry::IntegrationStore::list;
  // Without credentials, answers have them absent, as the real stores do.
  void list(const std::string& org, const std::string& env, registry::ReadOptions read,
            registry::StoreCallback<std::vector<Integration>> done) override {
    reads.push_back(read);
    answer(std::move(done), [&]() -> Result<std::vector<Integration>> {
      auto integrations = table_.list(org, env);
      if (!read.with_credentials) {
        for (Integration& integration : integrations) integration.credentials.reset();
      }
      return integrations;
    });
  }
  void get(const std::string& org, const std::string& id, registry::ReadOptions read,
           registry::StoreCallback<Integration> done) override {
    reads.push_back(read);
    answer(std::move(done), [&] {
      auto result = table_.get(org, id);
      if (result && !read.with_credentials) result.value().credentials.reset();
      return result;
    });
  }
  void create(Integration integration, registry::StoreCallback<Integration> done) override {
    write(std::move(done), [this, integration] { return table_.create(integration); });
  }
  void update(Integration integration, registry::StoreCallback<Integration> done) override {
    write(std::move(done), [this, integration] { return table_.update(integration); });
  }
  void set_primary(const std::string& org, const std::string& id, registry::StoreCallback<Integration> done) override {
    write(std::move(done), [this, org, id] { return table_.set_primary(org, id); });
  }
  void remove(const std::string& org, const std::string& id, const std::string& deleted_by,
              const std::string& deleted_at, registry::StoreCallback<Integration> done) override {
    write(std::move(done),
          [this, org, id, deleted_by, deleted_at] { return table_.remove(org, id, deleted_by, deleted_at); });
  }
  void versions(registry::StoreCallback<std::vector<registry::EnvironmentVersion>> done) override {
    answer(std::move(done), []() -> Result<std::vector<registry::EnvironmentVersion>> {
      return std::vector<registry::EnvironmentVersion>{};
    });
  }
  void on_invalidation(std::function<void(const std::string&, const std::string&)>) override {}

 private:
  template <typename T, typename Op>
  void answer(registry::StoreCallback<T> done, Op op) {
    if (fail_code) {
      queue.run([done, code = *fail_code] { done(Error{code, "fake store: " + code}); });
      return;
    }
    Result<T> result = op();
    queue.run([done, result] { done(result); });
  }
  template <typename Op>
  void write(registry::StoreCallback<Integration> done, Op op) {
    if (fail_code) {
      queue.run([done, code = *fail_code] { done(Error{code, "fake store: " + code}); });
      return;
    }
    // Applied when the callback runs, as a store that answers later would.
    queue.run([this, done, op] {
      Result<Integration> result = op();
      if (result) ++writes;
      done(result);
    });
  }

  registry::IntegrationTable table_;
};

class FakeIdempotencyStore final : public registry::IdempotencyStore {
 public:
  CallbackQueue queue;
  std::optional<std::string> fail_code;
  std::map<std::string, registry::IdempotencyRecord> records;

  void claim(const std::string& key, const std::string& hash, std::uint32_t,
             std::function<void(Result<std::optional<registry::IdempotencyRecord>>)> done) override {
    if (fail_code) {
      queue.run([done, code = *fail_code] { done(Error{code, "fake idempotency: " + code}); });
      return;
    }
    std::optional<registry::IdempotencyRecord> existing;
    if (const auto it = records.find(key); it != records.end()) {
      existing = it->second;
    } else {
      records[key] = registry::IdempotencyRecord{hash, true, 0, {}};
    }
    queue.run([done, existing] { done(existing); });
  }
  void complete(const std::string& key, const registry::IdempotencyRecord& record, std::uint32_t,
                std::function<void(Result<bool>)> done) override {
    records[key] = record;
    queue.run([done] { done(true); });
  }
  void release(const std::string& key, std::function<void(Result<bool>)> done) override {
    records.erase(key);
    queue.run([done] { done(true); });
  }
};

}  // namespace switchboard::api::testing
