#pragma once
// The store's bookkeeping rules (registry/integration_store.h) over integrations held in
// memory: FileStore's engine. RedisStore's Lua scripts implement the same rules inside
// Redis; the shared typed test suite holds both to the same behaviour.
//
// Rules, precisely:
//   - create: the _id must be new (kConflict) and the identifier free in the organization
//     (kConflict; identifiers of deleted integrations stay taken, as in an integrations
//     file). `primary` is computed, never taken from the caller: true when the new
//     integration is active, not deleted, primary-eligible and its bucket has no active,
//     non-deleted primary. A deleted integration is stored inactive.
//   - update: the integration must exist in the organization and environment and not be
//     deleted (kNotFound). A changed identifier must be free (kConflict). `deleted`,
//     `deletedAt`, `deletedBy` stay as stored. `primary` stays as stored while the
//     integration stays active in the same bucket; deactivating or moving it to another
//     channel/kind clears it (promoting nothing); activating it, or moving it while active,
//     makes it primary when eligible and its bucket has no active, non-deleted primary.
//   - set_primary: exists in the organization and not deleted (else kNotFound); becomes
//     active and primary; every other primary of its bucket is demoted.
//   - remove: exists in the organization and not deleted (else kNotFound); deleted, with
//     deletedAt/deletedBy, inactive, not primary. Its identifier stays taken.
// A bucket is (environment, channel, kind): agents never compete with delivery
// integrations. Primary-eligible: delivery integrations of email or sms.
//
// Not thread-safe; no I/O.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/integration_store.h"

namespace switchboard::registry {

// The bucket an integration's primary flag belongs to within its environment: the channel
// name for delivery integrations ("email"), "agent:" + channel (or "agent:") for agents.
std::string primary_bucket(const routing::Integration& integration);
// Only email and sms delivery integrations become primary by themselves.
bool primary_eligible(std::string_view bucket) noexcept;

class IntegrationTable {
 public:
  IntegrationTable() = default;
  // Takes integrations as loaded (a file), keeping their flags as written. kConflict on a
  // duplicate _id or an identifier used twice in one organization.
  static Result<IntegrationTable> from(std::vector<Integration> integrations);

  const std::vector<Integration>& all() const noexcept { return integrations_; }  // creation order

  std::vector<Integration> list(const std::string& org, const std::string& env) const;
  Result<Integration> get(const std::string& org, const std::string& id) const;

  Result<Integration> create(Integration integration);
  Result<Integration> update(Integration integration);
  Result<Integration> set_primary(const std::string& org, const std::string& id);
  Result<Integration> remove(const std::string& org, const std::string& id, const std::string& deleted_by,
                             const std::string& deleted_at);

 private:
  // Index in integrations_ of a live (not deleted) integration of `org`, or an error.
  Result<std::size_t> find_writable(const std::string& org, const std::string& id) const;
  bool has_primary(const std::string& org, const std::string& env, const std::string& bucket,
                   const std::string& except_id) const;

  std::vector<Integration> integrations_;
  std::map<std::string, std::size_t> by_id_;
  std::map<std::pair<std::string, std::string>, std::string> identifiers_;  // (org, identifier) -> _id
};

}  // namespace switchboard::registry
