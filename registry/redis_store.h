#pragma once
// IntegrationStore on Redis (production). Key layout and the atomicity design: see
// registry/README.md. In short: every write is one Lua script (EVALSHA, EVAL on NOSCRIPT)
// that checks its preconditions, applies the bookkeeping rules of integration_store.h to
// small per-integration flags records, stores the C++-encoded document, bumps the
// environment's version and publishes the invalidation, all in one atomic step; two API
// processes racing cannot break identifier uniqueness or the one-primary rule.
//
// Conventions of IntegrationStore: callbacks on the io_context thread (always posted);
// not thread-safe; destroying the store drops callbacks not yet run. Redis down: every
// operation fails with kUnavailable at once until the connection is back (reconnects by
// itself); kTimeout when Redis does not answer within the command timeout. Both mean a
// write may or may not have been applied. on_invalidation handlers may be called more
// than once for one write (this process's writes are reported at once and again when the
// pub/sub echo arrives, unless it is recognised), and may miss writes while the
// subscriber is down: callers also poll versions().
//
// Needs a standalone Redis (scripts build key names from the integration's location, which
// Redis Cluster would refuse); Redis >= 5 (script effects replication).

#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "registry/credential_cipher.h"
#include "registry/integration_store.h"
#include "registry/redis_connection.h"
#include "registry/redis_layout.h"

namespace switchboard::registry {

struct RedisStoreOptions {
  RedisOptions redis;  // endpoint, timeouts; connections are named redis.name ("registry" by default) and + "-subscriber"
  std::string key_prefix = "sb:";
  std::shared_ptr<const CredentialCipher> cipher;  // null: credentials stored in clear
  // Called once per up/down change of each connection ("registry", "registry-subscriber").
  std::function<void(const std::string& connection, bool up, const std::string& reason)> on_state_change;
};

class RedisStore final : public IntegrationStore {
 public:
  // Starts connecting at once; operations fail with kUnavailable until connected().
  RedisStore(boost::asio::io_context& io, RedisStoreOptions options);
  ~RedisStore() override;

  using IntegrationStore::get;
  using IntegrationStore::list;
  void list(const std::string& organization_id, const std::string& environment_id, ReadOptions read,
            StoreCallback<std::vector<Integration>> done) override;
  void get(const std::string& organization_id, const std::string& id, ReadOptions read,
           StoreCallback<Integration> done) override;
  void create(Integration integration, StoreCallback<Integration> done) override;
  void update(Integration integration, StoreCallback<Integration> done) override;
  void set_primary(const std::string& organization_id, const std::string& id, StoreCallback<Integration> done) override;
  void remove(const std::string& organization_id, const std::string& id, const std::string& deleted_by,
              const std::string& deleted_at, StoreCallback<Integration> done) override;
  void versions(StoreCallback<std::vector<EnvironmentVersion>> done) override;
  void on_invalidation(std::function<void(const std::string&, const std::string&)> handler) override;

  bool connected() const noexcept { return connection_->is_up(); }
  const RedisKeys& keys() const noexcept { return keys_; }

 private:
  void get_located(const std::string& organization_id, const std::string& env, const std::string& location, const std::string& id,
                   ReadOptions read, StoreCallback<Integration> done);
  void remember_location(const std::string& id, const std::string& location);
  Result<std::vector<std::string>> write_arguments(const Integration& integration) const;
  void notify(const std::string& org, const std::string& env, std::uint64_t version, bool local);
  void on_message(const std::string& message);

  boost::asio::io_context& io_;
  RedisStoreOptions options_;
  RedisKeys keys_;
  std::unique_ptr<RedisConnection> connection_;
  std::unique_ptr<RedisSubscriber> subscriber_;
  std::vector<std::function<void(const std::string&, const std::string&)>> handlers_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> last_notified_;
  static constexpr std::size_t kMaxRememberedLocations = 100'000;
  std::unordered_map<std::string, std::string> locations_;  // _id -> "{o}\t{e}" (escaped), see get()
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace switchboard::registry
