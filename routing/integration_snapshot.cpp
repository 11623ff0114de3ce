#include "routing/integration_snapshot.h"

#include <algorithm>
#include <map>
#include <utility>

namespace switchboard::routing {

bool selection_order_before(const Integration& a, const Integration& b) noexcept {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.created_at.has_value() != b.created_at.has_value()) return a.created_at.has_value();
  if (a.created_at && b.created_at) {
    auto c = compare_instants(*a.created_at, *b.created_at);
    if (c != 0) return c > 0;
  }
  return a.id < b.id;
}

std::shared_ptr<const IntegrationSnapshot::Environment> IntegrationSnapshot::Environment::build(
    std::string organization_id, std::string environment_id, std::vector<Integration> integrations) {
  auto env = std::make_shared<Environment>();
  env->organization_id = std::move(organization_id);
  env->environment_id = std::move(environment_id);
  env->entries.reserve(integrations.size());
  for (Integration& integration : integrations) {
    const bool eligible = integration.active && !integration.deleted &&
                          integration.kind == IntegrationKind::kDelivery && integration.channel.has_value();
    if (eligible) {
      env->buckets[static_cast<std::size_t>(*integration.channel)].ordered.push_back(
          static_cast<std::uint32_t>(env->entries.size()));
    }
    env->entries.push_back(Entry{std::move(integration), {}, 0});
  }
  ListScratch scratch;
  for (Bucket& bucket : env->buckets) {
    std::sort(bucket.ordered.begin(), bucket.ordered.end(), [&](std::uint32_t a, std::uint32_t b) {
      return selection_order_before(env->entries[a].integration, env->entries[b].integration);
    });
    for (std::uint32_t position = 0; position < bucket.ordered.size(); ++position) {
      Entry& entry = env->entries[bucket.ordered[position]];
      entry.bucket_position = position;
      entry.program = ConditionProgram::compile(entry.integration.conditions, bucket.fields, scratch);
    }
    bucket.fields.finalize();
  }
  return env;
}

std::shared_ptr<const IntegrationSnapshot> IntegrationSnapshot::assemble(
    std::vector<std::shared_ptr<const Environment>> environments) {
  auto snapshot = std::make_shared<IntegrationSnapshot>();
  std::size_t total = 0;
  for (const auto& env : environments) total += env->entries.size();
  snapshot->entries_.reserve(total);
  for (std::uint32_t e = 0; e < environments.size(); ++e) {
    const Environment& env = *environments[e];
    snapshot->bases_.push_back(static_cast<std::uint32_t>(snapshot->entries_.size()));
    for (const Entry& entry : env.entries) snapshot->entries_.push_back(&entry);
    snapshot->by_environment_[env.environment_id].push_back(e);
  }
  snapshot->environments_ = std::move(environments);
  return snapshot;
}

std::shared_ptr<const IntegrationSnapshot> IntegrationSnapshot::build(std::vector<Integration> integrations) {
  // Group by (organization, environment), keeping first-appearance order of environments
  // and input order inside each.
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::pair<std::string, std::string>, std::vector<Integration>> groups;
  for (Integration& integration : integrations) {
    auto key = std::make_pair(integration.organization_id, integration.environment_id);
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) keys.push_back(key);
    it->second.push_back(std::move(integration));
  }
  std::vector<std::shared_ptr<const Environment>> environments;
  environments.reserve(keys.size());
  for (auto& key : keys) {
    environments.push_back(Environment::build(key.first, key.second, std::move(groups[key])));
  }
  return assemble(std::move(environments));
}

std::shared_ptr<const IntegrationSnapshot> IntegrationSnapshot::with_environment(
    const std::string& organization_id, const std::string& environment_id,
    std::vector<Integration> integrations) const {
  std::vector<std::shared_ptr<const Environment>> environments;
  environments.reserve(environments_.size() + 1);
  bool replaced = false;
  for (const auto& env : environments_) {
    if (env->organization_id == organization_id && env->environment_id == environment_id) {
      replaced = true;
      if (!integrations.empty()) {
        environments.push_back(Environment::build(organization_id, environment_id, std::move(integrations)));
      }
    } else {
      environments.push_back(env);
    }
  }
  if (!replaced && !integrations.empty()) {
    environments.push_back(Environment::build(organization_id, environment_id, std::move(integrations)));
  }
  return assemble(std::move(environments));
}

IntegrationSnapshot::EnvironmentRef IntegrationSnapshot::find(std::string_view organization_id,
                                                              std::string_view environment_id) const noexcept {
  auto it = by_environment_.find(environment_id);
  if (it == by_environment_.end()) return {};
  for (std::uint32_t e : it->second) {
    if (environments_[e]->organization_id == organization_id) return {environments_[e].get(), bases_[e]};
  }
  return {};
}

const FieldTable* IntegrationSnapshot::field_table_for(std::string_view organization_id,
                                                       std::string_view environment_id, Channel channel) const noexcept {
  EnvironmentRef ref = find(organization_id, environment_id);
  if (!ref) return nullptr;
  const FieldTable& table = ref.environment->buckets[static_cast<std::size_t>(channel)].fields;
  return table.slot_count() == 0 ? nullptr : &table;
}

}  // namespace switchboard::routing
