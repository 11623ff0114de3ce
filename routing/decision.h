#pragma once
// The routing decision for one event: per target, the chosen integration, its failover
// chain and, when explaining, why every other integration of the environment was passed over.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::routing {

enum class RouteReason : std::uint8_t {
  kOverride, kConditionsMatched, kPrimary, kFallback,               // why a candidate was taken
  kNoEligibleIntegration, kOverrideNotFound, kNoSubscriberChannels,  // why nothing was
};

enum class RejectWhy : std::uint8_t {
  kAgent, kChannel, kDeleted, kInactive, kProvider, kIdentifier, kConditions, kFailoverLimit,
};
inline constexpr std::size_t kRejectWhyCount = 8;

enum class TargetStatus : std::uint8_t { kRouted, kNoIntegration };

std::string_view route_reason_name(RouteReason) noexcept;
std::string_view reject_why_name(RejectWhy) noexcept;
std::string_view target_status_name(TargetStatus) noexcept;

struct Candidate {
  std::uint32_t entry = 0;  // IntegrationSnapshot entry index
  RouteReason reason = RouteReason::kFallback;
};

struct Rejection {
  std::uint32_t entry = 0;
  RejectWhy why = RejectWhy::kConditions;
};

struct TargetDecision {
  std::string name;                     // "default" or "<providerId>:<index>"
  TargetStatus status = TargetStatus::kNoIntegration;
  RouteReason reason = RouteReason::kNoEligibleIntegration;  // the chosen one's, or why none
  std::vector<Candidate> candidates;    // [0] is chosen, the rest the failover chain
  std::vector<Rejection> rejected;      // filled only when explaining
  std::int32_t subscriber_channel = -1; // index into EventView::subscriber_channels, fan-out only
};

// Reused across events: targets beyond `target_count` are stale capacity.
struct Decision {
  std::vector<TargetDecision> targets;
  std::size_t target_count = 0;

  TargetDecision& add_target();
  std::size_t size() const noexcept { return target_count; }
  const TargetDecision& operator[](std::size_t i) const noexcept { return targets[i]; }
};

}  // namespace switchboard::routing
