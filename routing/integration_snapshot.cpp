#include "routing/integration_snapshot.h"

#include <algorithm>

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

std::shared_ptr<const IntegrationSnapshot> IntegrationSnapshot::build(std::vector<Integration> integrations) {
  auto snapshot = std::make_shared<IntegrationSnapshot>();
  snapshot->entries_.reserve(integrations.size());
  for (Integration& integration : integrations) snapshot->entries_.push_back(Entry{std::move(integration), {}, 0});

  for (std::uint32_t i = 0; i < snapshot->entries_.size(); ++i) {
    const Integration& integration = snapshot->entries_[i].integration;
    auto& slots = snapshot->by_environment_[integration.environment_id];
    auto it = std::find_if(slots.begin(), slots.end(), [&](std::uint32_t e) {
      return snapshot->environments_[e].organization_id == integration.organization_id;
    });
    std::uint32_t env_index;
    if (it == slots.end()) {
      env_index = static_cast<std::uint32_t>(snapshot->environments_.size());
      snapshot->environments_.emplace_back();
      snapshot->environments_.back().organization_id = integration.organization_id;
      snapshot->environments_.back().environment_id = integration.environment_id;
      slots.push_back(env_index);
    } else {
      env_index = *it;
    }
    Environment& env = snapshot->environments_[env_index];
    env.all.push_back(i);
    const bool eligible = integration.active && !integration.deleted &&
                          integration.kind == IntegrationKind::kDelivery && integration.channel.has_value();
    if (eligible) env.buckets[static_cast<std::size_t>(*integration.channel)].ordered.push_back(i);
  }

  ListScratch scratch;
  for (Environment& env : snapshot->environments_) {
    for (Bucket& bucket : env.buckets) {
      std::sort(bucket.ordered.begin(), bucket.ordered.end(), [&](std::uint32_t a, std::uint32_t b) {
        return selection_order_before(snapshot->entries_[a].integration, snapshot->entries_[b].integration);
      });
      for (std::uint32_t position = 0; position < bucket.ordered.size(); ++position) {
        Entry& entry = snapshot->entries_[bucket.ordered[position]];
        entry.bucket_position = position;
        entry.program = ConditionProgram::compile(entry.integration.conditions, bucket.fields, scratch);
      }
      bucket.fields.finalize();
    }
  }
  return snapshot;
}

const IntegrationSnapshot::Environment* IntegrationSnapshot::find(std::string_view organization_id,
                                                                  std::string_view environment_id) const noexcept {
  auto it = by_environment_.find(environment_id);
  if (it == by_environment_.end()) return nullptr;
  for (std::uint32_t e : it->second) {
    if (environments_[e].organization_id == organization_id) return &environments_[e];
  }
  return nullptr;
}

const FieldTable* IntegrationSnapshot::field_table_for(std::string_view organization_id,
                                                       std::string_view environment_id, Channel channel) const noexcept {
  const Environment* env = find(organization_id, environment_id);
  if (env == nullptr) return nullptr;
  const FieldTable& table = env->buckets[static_cast<std::size_t>(channel)].fields;
  return table.slot_count() == 0 ? nullptr : &table;
}

}  // namespace switchboard::routing
