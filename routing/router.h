#pragma once
// Selection (contract section 4): for one event and a snapshot, the integration that
// delivers each target, its failover chain and, when explaining, why the others were not
// taken. Pure: no I/O, clock or logging. Not thread-safe: one Router per thread; the
// snapshot it reads may be shared.

#include <cstdint>
#include <string_view>
#include <vector>

#include "routing/condition_program.h"
#include "routing/decision.h"
#include "routing/event_parser.h"
#include "routing/integration_snapshot.h"
#include "routing/json_canonical.h"

namespace switchboard::routing {

struct RouteOptions {
  std::uint32_t max_failover = 2;  // routing.max_failover; 0 disables failover
  bool explain = false;            // also fill TargetDecision::rejected
};

class Router {
 public:
  // Parses and validates `event_json`, then selects. Returns false with `error` set when
  // the event is invalid (contract section 2); `decision` is then empty.
  bool route(std::string_view event_json, const IntegrationSnapshot& snapshot, const RouteOptions& options,
             Decision& decision, Error& error);

  // The event of the last successful route(), valid until the next call.
  const EventView& event() const noexcept { return event_; }

 private:
  using Bucket = IntegrationSnapshot::Bucket;
  using Entry = IntegrationSnapshot::Entry;

  // Entry indexes below are local to env_ unless they sit in a Candidate or Rejection.
  const Entry& local_entry(std::uint32_t local) const noexcept { return env_.environment->entries[local]; }
  const std::vector<std::uint32_t>& bucket_order() const noexcept;
  void add_candidate(TargetDecision& target, std::uint32_t local, RouteReason reason);
  void select_single(TargetDecision& target);
  void select_fan_out(Decision& decision);
  void fill_fan_out_target(const SubscriberChannelEntry& entry, TargetDecision& target);
  bool passes(std::uint32_t local);
  RejectWhy single_target_why(const Integration& integration, std::uint32_t local);
  RejectWhy fan_out_why(const Integration& integration, std::uint32_t local, const SubscriberChannelEntry& entry);
  template <typename WhyFn>
  void explain_rejections(TargetDecision& target, WhyFn why);
  bool full(const TargetDecision& target) const noexcept;
  void finish_target(TargetDecision& target, RouteReason none_reason);

  EventParser parser_;
  EventView event_;
  EvalScratch scratch_;
  const IntegrationSnapshot* snapshot_ = nullptr;
  IntegrationSnapshot::EnvironmentRef env_;
  RouteOptions options_;
  std::vector<std::int8_t> verdicts_;  // per bucket position: -1 unknown, 0 fails, 1 passes
  JsonCanonicalizer canonicalizer_;
  std::vector<std::string> seen_channels_;  // canonical texts of this event's fan-out entries
};

}  // namespace switchboard::routing
