#pragma once
// Circuit breakers, one per integration (keyed by its _id). Closed: calls go through;
// `failure_threshold` consecutive retryable failures within `window` open it. Open: no call
// goes through for `cooldown`. Then the next call finds it half-open and is let through as
// the one probe: `sent` closes it, `retryable` opens it again, `permanent`/`rejected` (the
// provider answered, but about this message) free the probe slot for the next call.
// `sent` clears the failure streak; `permanent` and `rejected` neither count nor clear.
//
// Outcomes carry the permit their call was admitted with: an outcome admitted before the
// last state change (a slow call still in flight when the breaker opened) is ignored, so
// only the probe decides a half-open breaker.
// Time is passed in (tests use a fake clock). Not thread-safe: one per executor.

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "providers/delivery_outcome.h"

namespace switchboard::providers {

enum class CircuitState : std::uint8_t { kClosed = 0, kHalfOpen = 1, kOpen = 2 };  // the metric's values

std::string_view circuit_state_name(CircuitState state) noexcept;

struct BreakerPolicy {
  std::uint32_t failure_threshold = 5;  // >= 1
  std::chrono::milliseconds window{10000};
  std::chrono::milliseconds cooldown{30000};
};

class CircuitBreaker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Permit {
    bool allowed = false;
    std::uint64_t generation = 0;  // the state the call was admitted in
  };

  // Whether a call may go now. An open breaker past its cool-down turns half-open and
  // admits this call as the probe.
  Permit admit(const BreakerPolicy& policy, TimePoint now);
  // The outcome of a call admitted with `permit`.
  void record(const BreakerPolicy& policy, const Permit& permit, OutcomeKind kind, TimePoint now);
  // An admitted call that never reached the provider (throttled away): frees a probe slot.
  void release(const Permit& permit);

  CircuitState state() const noexcept { return state_; }
  // Closed without failures: indistinguishable from a new breaker, so it may be dropped.
  bool idle() const noexcept { return state_ == CircuitState::kClosed && failures_.empty(); }

 private:
  void move_to(CircuitState state, TimePoint now);

  CircuitState state_ = CircuitState::kClosed;
  std::uint64_t generation_ = 0;
  std::deque<TimePoint> failures_;  // the current streak's retryable failures within the window
  TimePoint opened_at_{};
  bool probe_in_flight_ = false;
};

// The breakers of every integration an executor has called. Each call reports a state
// change as its return value, so the caller can publish it (metrics).
class CircuitBreakers {
 public:
  explicit CircuitBreakers(BreakerPolicy policy) : policy_(policy) {}

  struct Admission {
    CircuitBreaker::Permit permit;
    std::optional<CircuitState> changed;  // set when admitting moved the breaker (open → half-open)
  };
  Admission admit(const std::string& integration_id, CircuitBreaker::TimePoint now);
  // The new state when the outcome changed it.
  std::optional<CircuitState> record(const std::string& integration_id, const CircuitBreaker::Permit& permit,
                                     OutcomeKind kind, CircuitBreaker::TimePoint now);
  void release(const std::string& integration_id, const CircuitBreaker::Permit& permit);

  // kClosed for an integration never seen.
  CircuitState state(const std::string& integration_id) const;
  std::size_t size() const noexcept { return breakers_.size(); }

 private:
  void drop_idle();

  BreakerPolicy policy_;
  std::unordered_map<std::string, CircuitBreaker> breakers_;
  std::size_t sweep_at_ = kFirstSweep;
  static constexpr std::size_t kFirstSweep = 1024;
};

}  // namespace switchboard::providers
