#include "registry/integration_table.h"

#include "routing/channel.h"

namespace switchboard::registry {
namespace {

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

Error identifier_taken(const std::string& identifier, const std::string& org) {
  return Error{kConflict, "identifier " + quoted(identifier) + " is already used in organization " + quoted(org)};
}

}  // namespace

std::string primary_bucket(const routing::Integration& integration) {
  const std::string channel = integration.channel ? std::string(routing::channel_name(*integration.channel)) : "";
  return integration.kind == routing::IntegrationKind::kAgent ? "agent:" + channel : channel;
}

bool primary_eligible(std::string_view bucket) noexcept { return bucket == "email" || bucket == "sms"; }

Result<IntegrationTable> IntegrationTable::from(std::vector<Integration> integrations) {
  IntegrationTable table;
  for (Integration& integration : integrations) {
    if (table.by_id_.contains(integration.id)) {
      return Error{kConflict, "integration _id " + quoted(integration.id) + " appears twice"};
    }
    if (!table.identifiers_.try_emplace({integration.organization_id, integration.identifier}, integration.id).second) {
      return identifier_taken(integration.identifier, integration.organization_id);
    }
    table.by_id_.emplace(integration.id, table.integrations_.size());
    table.integrations_.push_back(std::move(integration));
  }
  return table;
}

std::vector<Integration> IntegrationTable::list(const std::string& org, const std::string& env) const {
  std::vector<Integration> out;
  for (const Integration& integration : integrations_) {
    if (integration.organization_id == org && integration.environment_id == env) out.push_back(integration);
  }
  return out;
}

Result<Integration> IntegrationTable::get(const std::string& org, const std::string& id) const {
  const auto it = by_id_.find(id);
  if (it == by_id_.end() || integrations_[it->second].organization_id != org) {
    return Error{kNotFound, "integration " + quoted(id) + " not found in organization " + quoted(org)};
  }
  return integrations_[it->second];
}

Result<std::size_t> IntegrationTable::find_writable(const std::string& org, const std::string& id) const {
  const auto it = by_id_.find(id);
  if (it == by_id_.end() || integrations_[it->second].organization_id != org) {
    return Error{kNotFound, "integration " + quoted(id) + " not found in organization " + quoted(org)};
  }
  if (integrations_[it->second].deleted) {
    return Error{kNotFound, "integration " + quoted(id) + " is deleted"};
  }
  return it->second;
}

bool IntegrationTable::has_primary(const std::string& org, const std::string& env, const std::string& bucket,
                                   const std::string& except_id) const {
  for (const Integration& other : integrations_) {
    if (other.organization_id == org && other.environment_id == env && other.id != except_id && other.primary &&
        other.active && !other.deleted && primary_bucket(other) == bucket) {
      return true;
    }
  }
  return false;
}

Result<Integration> IntegrationTable::create(Integration integration) {
  if (integration.id.empty()) return Error{kConflict, "an integration needs an _id"};
  if (by_id_.contains(integration.id)) {
    return Error{kConflict, "integration _id " + quoted(integration.id) + " already exists"};
  }
  const std::pair key{integration.organization_id, integration.identifier};
  if (identifiers_.contains(key)) return identifier_taken(integration.identifier, integration.organization_id);
  if (integration.deleted) integration.active = false;
  const std::string bucket = primary_bucket(integration);
  integration.primary = integration.active && !integration.deleted && primary_eligible(bucket) &&
                        !has_primary(integration.organization_id, integration.environment_id, bucket, integration.id);
  identifiers_.emplace(key, integration.id);
  by_id_.emplace(integration.id, integrations_.size());
  integrations_.push_back(integration);
  return integration;
}

Result<Integration> IntegrationTable::update(Integration integration) {
  auto index = find_writable(integration.organization_id, integration.id);
  if (!index) return index.error();
  Integration& stored = integrations_[index.value()];
  if (stored.environment_id != integration.environment_id) {
    return Error{kNotFound, "integration " + quoted(integration.id) + " not found in environment " +
                                quoted(integration.environment_id)};
  }
  const std::string& org = integration.organization_id;
  if (integration.identifier != stored.identifier) {
    const auto owner = identifiers_.find({org, integration.identifier});
    if (owner != identifiers_.end() && owner->second != integration.id) {
      return identifier_taken(integration.identifier, org);
    }
  }
  integration.deleted = stored.deleted;
  integration.deleted_at = stored.deleted_at;
  integration.deleted_by = stored.deleted_by;
  const std::string bucket = primary_bucket(integration);
  const bool same_bucket = bucket == primary_bucket(stored);
  bool primary = stored.primary && integration.active && same_bucket;
  const bool entering = integration.active && (!stored.active || !same_bucket);
  if (!primary && entering && primary_eligible(bucket) &&
      !has_primary(org, integration.environment_id, bucket, integration.id)) {
    primary = true;
  }
  integration.primary = primary;
  if (integration.identifier != stored.identifier) {
    identifiers_.erase({org, stored.identifier});
    identifiers_.emplace(std::pair{org, integration.identifier}, integration.id);
  }
  stored = integration;
  return integration;
}

Result<Integration> IntegrationTable::set_primary(const std::string& org, const std::string& id) {
  auto index = find_writable(org, id);
  if (!index) return index.error();
  Integration& target = integrations_[index.value()];
  const std::string bucket = primary_bucket(target);
  for (Integration& other : integrations_) {
    if (other.organization_id == org && other.environment_id == target.environment_id && other.id != id &&
        other.primary && primary_bucket(other) == bucket) {
      other.primary = false;
    }
  }
  target.active = true;
  target.primary = true;
  return target;
}

Result<Integration> IntegrationTable::remove(const std::string& org, const std::string& id,
                                             const std::string& deleted_by, const std::string& deleted_at) {
  auto index = find_writable(org, id);
  if (!index) return index.error();
  Integration& target = integrations_[index.value()];
  target.deleted = true;
  target.deleted_at = deleted_at;
  target.deleted_by = deleted_by;
  target.active = false;
  target.primary = false;
  return target;
}

}  // namespace switchboard::registry
