#pragma once
// LatencyHistogram: log-linear buckets over microseconds (HDR-style). Values below 128 µs
// get one bucket each (exact); above, every power of two is split into 64 buckets, so a
// bucket is at most 1/64 of its lower bound wide and a percentile read from its midpoint is
// within 1/128 (< 1%) of the value a sorted array gives.
//
// Value type; not thread-safe. record() is O(1) and allocates only when a value needs a
// bucket beyond the highest one used so far.

#include <cstdint>
#include <vector>

namespace switchboard::loadgen {

class LatencyHistogram {
 public:
  struct Bucket {
    std::uint64_t lower = 0;  // inclusive, µs
    std::uint64_t upper = 0;  // exclusive, µs
    std::uint64_t count = 0;
  };

  void record(std::uint64_t micros);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
  std::uint64_t max() const noexcept { return max_; }
  // Nearest-rank percentile, p in [0, 100]: the value of rank ceil(p/100 * count) (at least
  // 1) in sorted order, as its bucket's midpoint clamped to [min, max]; 0 when empty.
  double percentile(double p) const noexcept;
  // The non-empty buckets in increasing order (for the histogram chart).
  std::vector<Bucket> buckets() const;

  static std::size_t bucket_index(std::uint64_t micros) noexcept;
  static Bucket bucket_bounds(std::size_t index) noexcept;  // count left 0

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace switchboard::loadgen
