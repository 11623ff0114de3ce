#pragma once
// Where integrations live: one interface, two implementations (RedisStore in production,
// FileStore for the demo and single machines). Asynchronous: every operation completes by
// calling its callback exactly once, on the store's io_context thread (FileStore completes
// through a post, never inline). Not thread-safe: call from that thread.
//
// The store owns Novu's bookkeeping so that two API processes racing cannot break it
// (RedisStore makes each write atomic):
//   - `identifier` is unique within an organization (error code "conflict");
//   - an active email/sms integration becomes primary when its (environment, channel) has
//     no active, non-deleted primary (on create, and on an update that activates it);
//   - set_primary makes the integration active and primary and demotes every other
//     primary of its (environment, channel);
//   - deactivating or deleting a primary promotes nothing.
// Every write bumps the environment's version and publishes an invalidation.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "routing/integration.h"
#include "routing/result.h"

namespace switchboard::registry {

// Error codes (Error::code) of store operations.
inline constexpr const char* kNotFound = "not_found";        // no such integration (in that organization)
inline constexpr const char* kConflict = "conflict";         // identifier taken in the organization
inline constexpr const char* kUnavailable = "unavailable";   // backend down or unreachable
inline constexpr const char* kTimeout = "timeout";           // backend did not answer in time
inline constexpr const char* kCorrupt = "corrupt";           // stored data does not parse (names the key)

using routing::Integration;

template <typename T>
using StoreCallback = std::function<void(Result<T>)>;

// (organization, environment) and the version of its integrations.
struct EnvironmentVersion {
  std::string organization_id;
  std::string environment_id;
  std::uint64_t version = 0;
};

// How list and get read.
struct ReadOptions {
  // false, for callers that never show or use credentials (the API's ApiKey callers):
  // every integration answered has `credentials` absent, and the store may skip
  // decrypting them (RedisStore does; so a value that would not decrypt goes unnoticed by
  // such a read). true: credentials as stored, decrypted.
  bool with_credentials = true;
};

class IntegrationStore {
 public:
  virtual ~IntegrationStore() = default;

  // Every integration of the environment, deleted ones included, in creation order.
  virtual void list(const std::string& organization_id, const std::string& environment_id, ReadOptions read,
                    StoreCallback<std::vector<Integration>> done) = 0;
  void list(const std::string& organization_id, const std::string& environment_id,
            StoreCallback<std::vector<Integration>> done) {
    list(organization_id, environment_id, ReadOptions{}, std::move(done));
  }
  // One integration by _id, only when it belongs to the organization (else not_found).
  virtual void get(const std::string& organization_id, const std::string& id, ReadOptions read,
                   StoreCallback<Integration> done) = 0;
  void get(const std::string& organization_id, const std::string& id, StoreCallback<Integration> done) {
    get(organization_id, id, ReadOptions{}, std::move(done));
  }
  // Stores a new integration (caller set _id, timestamps, defaults); applies the primary
  // rule; returns it as stored.
  virtual void create(Integration integration, StoreCallback<Integration> done) = 0;
  // Replaces an existing integration of the same _id and organization (primary is kept
  // as stored: it changes only through set_primary and the rules above).
  virtual void update(Integration integration, StoreCallback<Integration> done) = 0;
  virtual void set_primary(const std::string& organization_id, const std::string& id,
                           StoreCallback<Integration> done) = 0;
  // Soft delete: deleted=true, deletedAt, deletedBy, primary=false, active=false.
  virtual void remove(const std::string& organization_id, const std::string& id, const std::string& deleted_by,
                      const std::string& deleted_at, StoreCallback<Integration> done) = 0;

  // The version of every environment, for polling (one round trip).
  virtual void versions(StoreCallback<std::vector<EnvironmentVersion>> done) = 0;
  // Called with (organization, environment) after any write to that environment, by this
  // process or another (Redis pub/sub). May be missed; callers also poll versions().
  virtual void on_invalidation(std::function<void(const std::string&, const std::string&)> handler) = 0;
};

}  // namespace switchboard::registry
