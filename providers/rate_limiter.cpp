#include "providers/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace switchboard::providers {

namespace {

using std::chrono::nanoseconds;

// Bounds that keep the time arithmetic far from overflow: a token at most every ~11 days,
// a burst saved over at most ~3 years. Both are beyond any real provider limit.
constexpr double kMaxIntervalNs = 1e15;
constexpr double kMaxToleranceNs = 1e17;

nanoseconds interval_of(const routing::RateLimit& limit) {
  const double ns = 1e9 / limit.per_second;
  if (!(ns >= 1)) return nanoseconds(1);  // also a non-positive rate: unlimited rather than stuck
  return nanoseconds(std::llround(std::min(ns, kMaxIntervalNs)));
}

}  // namespace

RateLimiter::RateLimiter(Scheduler& scheduler, std::chrono::milliseconds max_wait)
    : scheduler_(scheduler), max_wait_(max_wait) {}

RateLimiter::Admission RateLimiter::acquire(const std::string& integration_id, const routing::RateLimit& limit,
                                            std::function<void()> go) {
  const TimePoint now = scheduler_.now();
  if (buckets_.size() >= sweep_at_) drop_idle(now);
  auto [it, created] = buckets_.try_emplace(integration_id);
  Bucket& bucket = it->second;
  if (created || !(bucket.limit == limit)) adopt(bucket, limit, now);

  const TimePoint start = std::max(bucket.full_at, now);
  TimePoint go_at = start - bucket.tolerance;
  // A send never overtakes one already queued, even after the rate went up.
  if (!bucket.queue.empty()) go_at = std::max(go_at, bucket.queue.back().due);
  const nanoseconds wait = std::max(nanoseconds(0), go_at - now);
  if (wait > max_wait_) return {Verdict::kRejected, wait};

  bucket.full_at = start + bucket.interval;
  if (wait == nanoseconds(0) && bucket.queue.empty()) return {Verdict::kNow, wait};
  bucket.queue.push_back({now + wait, std::move(go)});
  if (!bucket.timer_armed) arm(integration_id, bucket, now);
  return {Verdict::kQueued, wait};
}

void RateLimiter::adopt(Bucket& bucket, const routing::RateLimit& limit, TimePoint now) {
  const nanoseconds interval = interval_of(limit);
  // Tokens already taken stay owed, re-priced at the new rate.
  if (bucket.full_at > now && bucket.interval > nanoseconds(0)) {
    const double owed = static_cast<double>((bucket.full_at - now).count()) /
                        static_cast<double>(bucket.interval.count());
    bucket.full_at = now + nanoseconds(std::llround(owed * static_cast<double>(interval.count())));
  }
  const double spare = static_cast<double>(std::max<std::int64_t>(limit.burst - 1, 0));
  const double tolerance = std::min(spare * static_cast<double>(interval.count()), kMaxToleranceNs);
  bucket.limit = limit;
  bucket.interval = interval;
  bucket.tolerance = nanoseconds(std::llround(tolerance));
}

void RateLimiter::arm(const std::string& integration_id, Bucket& bucket, TimePoint now) {
  bucket.timer_armed = true;
  const nanoseconds wait = std::max(nanoseconds(0), bucket.queue.front().due - now);
  scheduler_.after(std::chrono::ceil<std::chrono::milliseconds>(wait), [this, integration_id] {
    release_due(integration_id);
  });
}

void RateLimiter::release_due(const std::string& integration_id) {
  auto it = buckets_.find(integration_id);
  if (it == buckets_.end()) return;
  it->second.timer_armed = false;
  while (true) {
    Bucket& bucket = it->second;
    if (bucket.queue.empty() || bucket.queue.front().due > scheduler_.now()) break;
    std::function<void()> go = std::move(bucket.queue.front().go);
    bucket.queue.pop_front();
    // `go` may acquire again (a retry, a failover), which may rehash or sweep the map.
    go();
    it = buckets_.find(integration_id);
    if (it == buckets_.end()) return;
  }
  Bucket& bucket = it->second;
  if (!bucket.queue.empty() && !bucket.timer_armed) arm(integration_id, bucket, scheduler_.now());
}

void RateLimiter::drop_idle(TimePoint now) {
  // A bucket that is full with nobody waiting is what a new one would be.
  std::erase_if(buckets_, [now](const auto& entry) {
    const Bucket& b = entry.second;
    return b.queue.empty() && !b.timer_armed && b.full_at <= now;
  });
  sweep_at_ = std::max(kFirstSweep, buckets_.size() * 2);
}

}  // namespace switchboard::providers
