#include "providers/circuit_breaker.h"

#include <algorithm>

namespace switchboard::providers {

std::string_view circuit_state_name(CircuitState state) noexcept {
  switch (state) {
    case CircuitState::kClosed: return "closed";
    case CircuitState::kHalfOpen: return "half-open";
    case CircuitState::kOpen: return "open";
  }
  return "closed";
}

CircuitBreaker::Permit CircuitBreaker::admit(const BreakerPolicy& policy, TimePoint now) {
  if (state_ == CircuitState::kOpen) {
    if (now - opened_at_ < policy.cooldown) return {false, generation_};
    move_to(CircuitState::kHalfOpen, now);
  }
  if (state_ == CircuitState::kHalfOpen) {
    if (probe_in_flight_) return {false, generation_};
    probe_in_flight_ = true;
  }
  return {true, generation_};
}

void CircuitBreaker::record(const BreakerPolicy& policy, const Permit& permit, OutcomeKind kind, TimePoint now) {
  if (!permit.allowed || permit.generation != generation_) return;
  if (state_ == CircuitState::kHalfOpen) {
    probe_in_flight_ = false;
    if (kind == OutcomeKind::kSent) move_to(CircuitState::kClosed, now);
    if (kind == OutcomeKind::kRetryable) move_to(CircuitState::kOpen, now);
    return;
  }
  // Closed (an open breaker admitted nothing of this generation).
  if (kind == OutcomeKind::kSent) {
    failures_.clear();
  } else if (kind == OutcomeKind::kRetryable) {
    failures_.push_back(now);
    while (now - failures_.front() > policy.window) failures_.pop_front();
    if (failures_.size() >= std::max<std::uint32_t>(policy.failure_threshold, 1)) move_to(CircuitState::kOpen, now);
  }
}

void CircuitBreaker::release(const Permit& permit) {
  if (permit.allowed && permit.generation == generation_ && state_ == CircuitState::kHalfOpen) {
    probe_in_flight_ = false;
  }
}

void CircuitBreaker::move_to(CircuitState state, TimePoint now) {
  state_ = state;
  ++generation_;
  failures_.clear();
  probe_in_flight_ = false;
  if (state == CircuitState::kOpen) opened_at_ = now;
}

CircuitBreakers::Admission CircuitBreakers::admit(const std::string& integration_id, CircuitBreaker::TimePoint now) {
  if (breakers_.size() >= sweep_at_) drop_idle();
  CircuitBreaker& breaker = breakers_[integration_id];
  const CircuitState before = breaker.state();
  Admission admission{breaker.admit(policy_, now), std::nullopt};
  if (breaker.state() != before) admission.changed = breaker.state();
  return admission;
}

std::optional<CircuitState> CircuitBreakers::record(const std::string& integration_id,
                                                    const CircuitBreaker::Permit& permit, OutcomeKind kind,
                                                    CircuitBreaker::TimePoint now) {
  const auto it = breakers_.find(integration_id);
  // Dropped as idle while the call was in flight: one outcome of a healthy integration.
  if (it == breakers_.end()) return std::nullopt;
  const CircuitState before = it->second.state();
  it->second.record(policy_, permit, kind, now);
  if (it->second.state() == before) return std::nullopt;
  return it->second.state();
}

void CircuitBreakers::release(const std::string& integration_id, const CircuitBreaker::Permit& permit) {
  if (const auto it = breakers_.find(integration_id); it != breakers_.end()) it->second.release(permit);
}

CircuitState CircuitBreakers::state(const std::string& integration_id) const {
  const auto it = breakers_.find(integration_id);
  return it == breakers_.end() ? CircuitState::kClosed : it->second.state();
}

void CircuitBreakers::drop_idle() {
  std::erase_if(breakers_, [](const auto& entry) { return entry.second.idle(); });
  // Sweep again only once the map has doubled: amortised O(1) per admission.
  sweep_at_ = std::max(kFirstSweep, breakers_.size() * 2);
}

}  // namespace switchboard::providers
