#include "worker/loadgen/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace switchboard::loadgen {
namespace {

constexpr unsigned kLinearBits = 7;                      // 128 exact buckets
constexpr std::uint64_t kLinear = 1ULL << kLinearBits;
constexpr std::uint64_t kHalf = kLinear / 2;              // 64 sub-buckets per power of two

}  // namespace

std::size_t LatencyHistogram::bucket_index(std::uint64_t micros) noexcept {
  if (micros < kLinear) return static_cast<std::size_t>(micros);
  const unsigned msb = 63U - static_cast<unsigned>(std::countl_zero(micros));
  const unsigned shift = msb - (kLinearBits - 1);  // micros >> shift is in [64, 128)
  return static_cast<std::size_t>(kLinear + (shift - 1) * kHalf + ((micros >> shift) - kHalf));
}

LatencyHistogram::Bucket LatencyHistogram::bucket_bounds(std::size_t index) noexcept {
  if (index < kLinear) return {index, index + 1, 0};
  const std::uint64_t above = index - kLinear;
  const unsigned shift = static_cast<unsigned>(above / kHalf) + 1;
  const std::uint64_t lower = (kHalf + above % kHalf) << shift;
  return {lower, lower + (1ULL << shift), 0};
}

void LatencyHistogram::record(std::uint64_t micros) {
  const std::size_t index = bucket_index(micros);
  if (index >= counts_.size()) counts_.resize(index + 1, 0);
  ++counts_[index];
  min_ = count_ == 0 ? micros : std::min(min_, micros);
  max_ = std::max(max_, micros);
  ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
}

double LatencyHistogram::percentile(double p) const noexcept {
  if (count_ == 0) return 0;
  const double clamped = std::clamp(p, 0.0, 100.0);
  // The epsilon keeps 99 * 100 / 100 at rank 99 despite binary rounding (99.000...01).
  const double exact = clamped * static_cast<double>(count_) / 100.0;
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(exact - 1e-9 * exact)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const Bucket b = bucket_bounds(i);
      const double mid = b.upper - b.lower == 1 ? static_cast<double>(b.lower)
                                                : static_cast<double>(b.lower) + (b.upper - b.lower) / 2.0;
      return std::clamp(mid, static_cast<double>(min_), static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);
}

std::vector<LatencyHistogram::Bucket> LatencyHistogram::buckets() const {
  std::vector<Bucket> out;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    Bucket b = bucket_bounds(i);
    b.count = counts_[i];
    out.push_back(b);
  }
  return out;
}

}  // namespace switchboard::loadgen
