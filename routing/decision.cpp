#include "routing/decision.h"

#include <array>

namespace switchboard::routing {

namespace {
constexpr std::array<std::string_view, 7> kReasons = {
    "override", "conditions_matched", "primary", "fallback",
    "no_eligible_integration", "override_not_found", "no_subscriber_channels"};
constexpr std::array<std::string_view, 8> kWhys = {"agent",    "channel",    "deleted",    "inactive",
                                                   "provider", "identifier", "conditions", "failover_limit"};
static_assert(kWhys.size() == kRejectWhyCount);
constexpr std::array<std::string_view, 2> kStatuses = {"routed", "no_integration"};
}  // namespace

std::string_view route_reason_name(RouteReason r) noexcept { return kReasons[static_cast<std::size_t>(r)]; }
std::string_view reject_why_name(RejectWhy w) noexcept { return kWhys[static_cast<std::size_t>(w)]; }
std::string_view target_status_name(TargetStatus s) noexcept { return kStatuses[static_cast<std::size_t>(s)]; }

TargetDecision& Decision::add_target() {
  if (target_count == targets.size()) targets.emplace_back();
  TargetDecision& t = targets[target_count++];
  t.name.clear();
  t.status = TargetStatus::kNoIntegration;
  t.reason = RouteReason::kNoEligibleIntegration;
  t.candidates.clear();
  t.rejected.clear();
  t.subscriber_channel = -1;
  return t;
}

}  // namespace switchboard::routing
