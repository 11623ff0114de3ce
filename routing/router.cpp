#include "routing/router.h"

#include <algorithm>

#include "routing/provider_catalog.h"

namespace switchboard::routing {

namespace {
constexpr std::int8_t kUnknown = -1;
}

bool Router::full(const TargetDecision& target) const noexcept {
  // When explaining, every candidate is collected so the ones past the limit can be
  // reported as `failover_limit`; otherwise selection stops as soon as the chain is full.
  return !options_.explain && target.candidates.size() >= 1 + static_cast<std::size_t>(options_.max_failover);
}

const std::vector<std::uint32_t>& Router::bucket_order() const noexcept {
  static const std::vector<std::uint32_t> kNone;
  return env_ ? env_.environment->buckets[static_cast<std::size_t>(event_.channel)].ordered : kNone;
}

void Router::add_candidate(TargetDecision& target, std::uint32_t local, RouteReason reason) {
  target.candidates.push_back({env_.base + local, reason});
}

bool Router::passes(std::uint32_t local) {
  const Entry& entry = local_entry(local);
  if (entry.program.empty()) return true;
  std::int8_t& verdict = verdicts_[entry.bucket_position];
  if (verdict == kUnknown) verdict = entry.program.evaluate(event_, scratch_) ? 1 : 0;
  return verdict == 1;
}

void Router::finish_target(TargetDecision& target, RouteReason none_reason) {
  const std::size_t limit = 1 + static_cast<std::size_t>(options_.max_failover);
  if (target.candidates.size() > limit) target.candidates.resize(limit);
  if (target.candidates.empty()) {
    target.status = TargetStatus::kNoIntegration;
    target.reason = none_reason;
  } else {
    target.status = TargetStatus::kRouted;
    target.reason = target.candidates.front().reason;
  }
}

template <typename WhyFn>
void Router::explain_rejections(TargetDecision& target, WhyFn why) {
  if (!options_.explain || !env_) return;
  const std::size_t limit = 1 + static_cast<std::size_t>(options_.max_failover);
  const std::size_t kept = std::min(limit, target.candidates.size());
  const auto local_count = static_cast<std::uint32_t>(env_.environment->entries.size());
  for (std::uint32_t local = 0; local < local_count; ++local) {
    const std::uint32_t index = env_.base + local;
    const bool taken = std::any_of(target.candidates.begin(), target.candidates.begin() + static_cast<std::ptrdiff_t>(kept),
                                   [&](const Candidate& c) { return c.entry == index; });
    if (!taken) target.rejected.push_back(Rejection{index, why(local_entry(local).integration, local)});
  }
}

namespace {

// The reasons that do not depend on the target, in the contract's order.
std::optional<RejectWhy> common_why(const Integration& integration, Channel channel) {
  if (integration.kind == IntegrationKind::kAgent) return RejectWhy::kAgent;
  if (!integration.channel || *integration.channel != channel) return RejectWhy::kChannel;
  if (integration.deleted) return RejectWhy::kDeleted;
  if (!integration.active) return RejectWhy::kInactive;
  return std::nullopt;
}

}  // namespace

RejectWhy Router::single_target_why(const Integration& integration, std::uint32_t local) {
  if (auto why = common_why(integration, event_.channel)) return *why;
  const EventOverrides& ov = event_.overrides;
  if (!ov.integration_identifier.empty()) {
    if (integration.identifier != ov.integration_identifier) return RejectWhy::kIdentifier;
  } else if (!ov.provider_id.empty() && integration.provider_id != ov.provider_id) {
    return RejectWhy::kProvider;
  }
  if (!passes(local)) return RejectWhy::kConditions;
  return RejectWhy::kFailoverLimit;
}

RejectWhy Router::fan_out_why(const Integration& integration, std::uint32_t local,
                              const SubscriberChannelEntry& entry) {
  if (auto why = common_why(integration, event_.channel)) return *why;
  if (integration.provider_id != entry.provider_id) return RejectWhy::kProvider;
  if (!entry.integration_identifier.empty() && integration.identifier != entry.integration_identifier) {
    return RejectWhy::kIdentifier;
  }
  if (!passes(local)) return RejectWhy::kConditions;
  return RejectWhy::kFailoverLimit;
}

void Router::select_single(TargetDecision& target) {
  target.name = "default";
  const EventOverrides& ov = event_.overrides;
  const std::vector<std::uint32_t>& ordered = bucket_order();

  if (!ov.integration_identifier.empty()) {
    // The named integration or nothing: no fallback and no failover (contract 4.1 step 1).
    for (std::uint32_t local : ordered) {
      if (local_entry(local).integration.identifier != ov.integration_identifier) continue;
      if (passes(local)) add_candidate(target, local, RouteReason::kOverride);
      break;
    }
    finish_target(target, RouteReason::kOverrideNotFound);
    if (!target.candidates.empty()) target.candidates.resize(1);
    explain_rejections(target, [&](const Integration& i, std::uint32_t local) { return single_target_why(i, local); });
    return;
  }

  auto provider_ok = [&](const Integration& i) { return ov.provider_id.empty() || i.provider_id == ov.provider_id; };
  const bool primaries_first = uses_primary(event_.channel);
  for (std::uint32_t local : ordered) {
    if (full(target)) break;
    const Integration& i = local_entry(local).integration;
    if (provider_ok(i) && i.conditioned() && passes(local)) add_candidate(target, local, RouteReason::kConditionsMatched);
  }
  if (primaries_first) {
    for (std::uint32_t local : ordered) {
      if (full(target)) break;
      const Integration& i = local_entry(local).integration;
      if (provider_ok(i) && !i.conditioned() && i.primary) add_candidate(target, local, RouteReason::kPrimary);
    }
  }
  for (std::uint32_t local : ordered) {
    if (full(target)) break;
    const Integration& i = local_entry(local).integration;
    if (provider_ok(i) && !i.conditioned() && !(primaries_first && i.primary)) {
      add_candidate(target, local, RouteReason::kFallback);
    }
  }
  explain_rejections(target, [&](const Integration& i, std::uint32_t local) { return single_target_why(i, local); });
  finish_target(target, RouteReason::kNoEligibleIntegration);
}

void Router::fill_fan_out_target(const SubscriberChannelEntry& entry, TargetDecision& target) {
  auto matches = [&](const Integration& i) {
    return i.provider_id == entry.provider_id &&
           (entry.integration_identifier.empty() || i.identifier == entry.integration_identifier);
  };
  const std::vector<std::uint32_t>& ordered = bucket_order();
  for (std::uint32_t local : ordered) {
    if (full(target)) break;
    const Integration& i = local_entry(local).integration;
    if (matches(i) && i.conditioned() && passes(local)) add_candidate(target, local, RouteReason::kConditionsMatched);
  }
  for (std::uint32_t local : ordered) {
    if (full(target)) break;
    const Integration& i = local_entry(local).integration;
    if (matches(i) && !i.conditioned()) add_candidate(target, local, RouteReason::kFallback);
  }
  explain_rejections(target, [&](const Integration& i, std::uint32_t local) { return fan_out_why(i, local, entry); });
  finish_target(target, RouteReason::kNoEligibleIntegration);
}

void Router::select_fan_out(Decision& decision) {
  seen_channels_.clear();
  const auto& channels = event_.subscriber_channels;
  for (std::size_t position = 0; position < channels.size(); ++position) {
    const SubscriberChannelEntry& entry = channels[position];
    if (!provider_belongs_to(entry.provider_id, event_.channel)) continue;
    // Identical entries (deep-equal, key order ignored) are one target (contract 4.2).
    std::string canonical;
    if (!canonicalizer_.canonicalize(entry.json, canonical)) canonical.assign(entry.json);
    if (std::find(seen_channels_.begin(), seen_channels_.end(), canonical) != seen_channels_.end()) continue;
    seen_channels_.push_back(std::move(canonical));

    TargetDecision& target = decision.add_target();
    target.name.assign(entry.provider_id).append(":").append(std::to_string(entry.index));
    target.subscriber_channel = static_cast<std::int32_t>(position);
    fill_fan_out_target(entry, target);
  }
  if (decision.target_count == 0) {
    TargetDecision& target = decision.add_target();
    target.name = "default";
    finish_target(target, RouteReason::kNoSubscriberChannels);
  }
}

bool Router::route(std::string_view event_json, const IntegrationSnapshot& snapshot, const RouteOptions& options,
                   Decision& decision, Error& error) {
  decision.target_count = 0;
  snapshot_ = &snapshot;
  options_ = options;
  if (!parser_.parse(event_json, &snapshot, event_, error)) return false;
  env_ = snapshot.find(event_.organization_id, event_.environment_id);
  verdicts_.assign(bucket_order().size(), kUnknown);
  if (is_fan_out(event_.channel)) {
    select_fan_out(decision);
  } else {
    select_single(decision.add_target());
  }
  return true;
}

}  // namespace switchboard::routing
