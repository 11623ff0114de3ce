#pragma once
// Deferred work, injectable so that retry timing is testable with a fake clock.

#include <chrono>
#include <functional>

namespace switchboard::providers {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Runs `fn` once, `delay` from now, on the scheduler's thread.
  virtual void after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
};

}  // namespace switchboard::providers
