#pragma once
// Token buckets, one per integration (keyed by its _id): `per_second` tokens a second, at
// most `burst` saved up; a send takes one. A send that finds the bucket empty waits for
// its token in a FIFO queue per integration (a Scheduler timer, never a sleep), unless the
// wait would exceed `max_wait`: then it is refused and nothing is reserved.
//
// The bucket is kept as the time it will be full again (GCRA, the token bucket expressed
// in time), so a queued send's token is reserved when it is queued and the exact wait is
// known up front. Limits are local to this object: one per executor, so per thread and per
// pod (see docs/delivery-semantics.md for sizing across pods).
// Not thread-safe: call it on the scheduler's thread.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>

#include "providers/scheduler.h"
#include "routing/integration.h"

namespace switchboard::providers {

class RateLimiter {
 public:
  RateLimiter(Scheduler& scheduler, std::chrono::milliseconds max_wait);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  enum class Verdict : std::uint8_t {
    kNow,       // a token was taken: go ahead; `go` is not called
    kQueued,    // `go` runs from a timer after `wait`, in order of arrival
    kRejected,  // the wait would exceed max_wait: nothing taken, `go` is dropped
  };
  struct Admission {
    Verdict verdict = Verdict::kNow;
    std::chrono::nanoseconds wait{0};  // until the token is (or would be) available
  };

  // `limit` is the integration's current rate; a bucket created with other parameters
  // adopts these, keeping the tokens it owes.
  Admission acquire(const std::string& integration_id, const routing::RateLimit& limit, std::function<void()> go);

  std::size_t size() const noexcept { return buckets_.size(); }

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Waiter {
    TimePoint due;
    std::function<void()> go;
  };
  struct Bucket {
    routing::RateLimit limit;
    std::chrono::nanoseconds interval{0};   // between two tokens
    std::chrono::nanoseconds tolerance{0};  // (burst - 1) intervals: how far ahead `due` may run
    TimePoint full_at{};                    // every token back by then; the next may go at full_at - tolerance
    std::deque<Waiter> queue;
    bool timer_armed = false;
  };

  void adopt(Bucket& bucket, const routing::RateLimit& limit, TimePoint now);
  void arm(const std::string& integration_id, Bucket& bucket, TimePoint now);
  void release_due(const std::string& integration_id);
  void drop_idle(TimePoint now);

  Scheduler& scheduler_;
  std::chrono::milliseconds max_wait_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::size_t sweep_at_ = kFirstSweep;
  static constexpr std::size_t kFirstSweep = 1024;
};

}  // namespace switchboard::providers
