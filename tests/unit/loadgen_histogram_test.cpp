// LatencyHistogram percentiles against a sorted-array reference (nearest rank).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "worker/loadgen/latency_histogram.h"

namespace switchboard::loadgen {
namespace {

// Rank ceil(p_per_mille / 1000 * n) in integer math, so the reference has no rounding of its own.
std::uint64_t reference(const std::vector<std::uint64_t>& sorted, std::uint64_t p_per_mille) {
  const std::uint64_t n = sorted.size();
  const std::uint64_t rank = std::max<std::uint64_t>(1, (p_per_mille * n + 999) / 1000);
  return sorted[rank - 1];
}

void expect_close_to_reference(std::vector<std::uint64_t> values) {
  LatencyHistogram h;
  for (const auto v : values) h.record(v);
  std::sort(values.begin(), values.end());
  for (const std::uint64_t per_mille : {0, 1, 100, 500, 900, 950, 990, 999, 1000}) {
    const double want = static_cast<double>(reference(values, per_mille));
    const double got = h.percentile(per_mille / 10.0);
    EXPECT_LE(std::abs(got - want), want * 0.01) << "p" << per_mille / 10.0 << " want " << want << " got " << got;
  }
  EXPECT_EQ(h.count(), values.size());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
}

TEST(LoadgenHistogram, EmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.percentile(99), 0);
  EXPECT_EQ(h.count(), 0u);
  EXPECT_TRUE(h.buckets().empty());
}

TEST(LoadgenHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (std::uint64_t v = 0; v < 100; ++v) h.record(v);
  EXPECT_EQ(h.percentile(50), 49);  // rank 50 of 0..99
  EXPECT_EQ(h.percentile(99), 98);
  EXPECT_EQ(h.percentile(100), 99);
  EXPECT_EQ(h.percentile(0), 0);
}

TEST(LoadgenHistogram, BucketsCoverTheirValuesWithinOnePercent) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t v = rng() >> (rng() % 64);
    const auto b = LatencyHistogram::bucket_bounds(LatencyHistogram::bucket_index(v));
    ASSERT_LE(b.lower, v);
    ASSERT_LT(v, b.upper == 0 ? UINT64_MAX : b.upper) << v;  // the top bucket's upper bound wraps
    if (b.lower >= 128) {
      ASSERT_LE(static_cast<double>(b.upper - b.lower) / b.lower, 1.0 / 64) << v;
    }
  }
}

TEST(LoadgenHistogram, UniformMatchesSortedReference) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::uint64_t> d(0, 2'000'000);
  std::vector<std::uint64_t> values(100000);
  for (auto& v : values) v = d(rng);
  expect_close_to_reference(values);
}

TEST(LoadgenHistogram, LongTailMatchesSortedReference) {
  std::mt19937_64 rng(2);
  std::lognormal_distribution<double> d(7.0, 1.5);  // ~1 ms median, tail to seconds
  std::vector<std::uint64_t> values(54321);
  for (auto& v : values) v = static_cast<std::uint64_t>(d(rng));
  expect_close_to_reference(values);
}

TEST(LoadgenHistogram, FewValues) {
  expect_close_to_reference({5000});
  expect_close_to_reference({1000, 2000, 3000});
  expect_close_to_reference({7, 1'000'000'000});
}

TEST(LoadgenHistogram, MergeEqualsRecordingEverything) {
  LatencyHistogram a, b, all;
  for (std::uint64_t v = 1; v < 5000; v += 7) {
    (v % 2 ? a : b).record(v * 13);
    all.record(v * 13);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  for (const double p : {1.0, 50.0, 99.0, 99.9}) EXPECT_EQ(a.percentile(p), all.percentile(p));
}

}  // namespace
}  // namespace switchboard::loadgen
