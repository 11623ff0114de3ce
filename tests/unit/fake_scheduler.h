#pragma once
// A providers::Scheduler on a fake clock: tasks run in time order (ties in the order they
// were scheduled) when the test advances the clock, so waits are checked to the nanosecond.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "providers/scheduler.h"

namespace switchboard::providers::testing {

class FakeScheduler final : public Scheduler {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  TimePoint now() const override { return now_; }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    delays.push_back(delay);
    pending_.emplace(std::pair(now_ + delay, next_sequence_++), std::move(fn));
  }

  // Runs every task due by now + `by`, in time order, then leaves the clock there.
  void advance(std::chrono::nanoseconds by) { run_until(now_ + by); }
  // Runs everything scheduled, including what the tasks schedule.
  void drain() { run_until(TimePoint::max()); }
  std::size_t pending() const { return pending_.size(); }

  std::vector<std::chrono::milliseconds> delays;  // every after() delay, in call order

 private:
  void run_until(TimePoint end) {
    while (!pending_.empty() && pending_.begin()->first.first <= end) {
      auto node = pending_.extract(pending_.begin());
      now_ = std::max(now_, node.key().first);
      node.mapped()();
    }
    if (end != TimePoint::max()) now_ = std::max(now_, end);
  }

  TimePoint now_{std::chrono::hours(1)};  // not the epoch: "never" must differ from "now"
  std::uint64_t next_sequence_ = 0;
  std::map<std::pair<TimePoint, std::uint64_t>, std::function<void()>> pending_;
};

}  // namespace switchboard::providers::testing
