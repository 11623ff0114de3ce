// OffsetTracker: the contiguous-finished-prefix rule, bookkeeping, and a randomized
// comparison against a brute-force reference model.

#include "worker/kafka/offset_tracker.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace switchboard::kafka {
namespace {

const TopicPartition kA{"events", 0};
const TopicPartition kB{"events", 1};
const TopicPartition kC{"status", 0};

TEST(KafkaOffsetTracker, NothingBegunHasNothingToCommit) {
  OffsetTracker t;
  EXPECT_FALSE(t.committable(kA).has_value());
  EXPECT_EQ(t.in_flight(kA), 0u);
  EXPECT_EQ(t.total_in_flight(), 0u);
  EXPECT_TRUE(t.commit_candidates().empty());
  EXPECT_TRUE(t.partitions().empty());
}

TEST(KafkaOffsetTracker, InOrderFinishing) {
  OffsetTracker t;
  EXPECT_TRUE(t.begin(kA, 10));
  EXPECT_EQ(t.committable(kA), 10);  // 10 in flight: commit nothing past it
  EXPECT_TRUE(t.finish(kA, 10));
  EXPECT_EQ(t.committable(kA), 11);
  EXPECT_TRUE(t.begin(kA, 11));
  EXPECT_TRUE(t.begin(kA, 12));
  EXPECT_TRUE(t.finish(kA, 11));
  EXPECT_EQ(t.committable(kA), 12);
  EXPECT_TRUE(t.finish(kA, 12));
  EXPECT_EQ(t.committable(kA), 13);
  EXPECT_EQ(t.total_in_flight(), 0u);
}

TEST(KafkaOffsetTracker, OutOfOrderFinishingCommitsOnlyTheContiguousPrefix) {
  OffsetTracker t;
  for (int o = 5; o <= 9; ++o) ASSERT_TRUE(t.begin(kA, o));
  EXPECT_TRUE(t.finish(kA, 7));
  EXPECT_TRUE(t.finish(kA, 9));
  EXPECT_EQ(t.committable(kA), 5);
  EXPECT_TRUE(t.finish(kA, 5));
  EXPECT_EQ(t.committable(kA), 6);
  EXPECT_TRUE(t.finish(kA, 8));
  EXPECT_EQ(t.committable(kA), 6);
  EXPECT_EQ(t.in_flight(kA), 1u);
  EXPECT_TRUE(t.finish(kA, 6));
  EXPECT_EQ(t.committable(kA), 10);
  EXPECT_EQ(t.in_flight(kA), 0u);
}

TEST(KafkaOffsetTracker, GapsThatWereNeverBegunDoNotBlock) {
  // Compacted topics and transaction markers leave holes in the offsets.
  OffsetTracker t;
  t.begin(kA, 3);
  t.begin(kA, 7);
  t.begin(kA, 20);
  t.finish(kA, 3);
  t.finish(kA, 20);
  EXPECT_EQ(t.committable(kA), 7);
  t.finish(kA, 7);
  EXPECT_EQ(t.committable(kA), 21);
}

TEST(KafkaOffsetTracker, DuplicateAndUnknownCallsAreRejected) {
  OffsetTracker t;
  EXPECT_TRUE(t.begin(kA, 1));
  EXPECT_FALSE(t.begin(kA, 1));  // already in flight
  EXPECT_EQ(t.total_in_flight(), 1u);
  EXPECT_FALSE(t.finish(kA, 2));  // never begun
  EXPECT_FALSE(t.finish(kB, 1));  // unknown partition
  EXPECT_TRUE(t.finish(kA, 1));
  EXPECT_FALSE(t.finish(kA, 1));  // twice
  EXPECT_EQ(t.total_in_flight(), 0u);
  EXPECT_EQ(t.committable(kA), 2);
}

TEST(KafkaOffsetTracker, RedeliveryBelowTheCommitPointHoldsItBack) {
  OffsetTracker t;
  t.begin(kA, 0);
  t.begin(kA, 1);
  t.finish(kA, 0);
  t.finish(kA, 1);
  EXPECT_EQ(t.committable(kA), 2);
  EXPECT_TRUE(t.begin(kA, 1));  // redelivered (e.g. after a seek)
  EXPECT_EQ(t.committable(kA), 1);
  t.finish(kA, 1);
  EXPECT_EQ(t.committable(kA), 2);
}

TEST(KafkaOffsetTracker, PartitionsAreIndependent) {
  OffsetTracker t;
  t.begin(kA, 100);
  t.begin(kB, 5);
  t.begin(kC, 0);
  t.finish(kB, 5);
  EXPECT_EQ(t.committable(kA), 100);
  EXPECT_EQ(t.committable(kB), 6);
  EXPECT_EQ(t.committable(kC), 0);
  EXPECT_EQ(t.total_in_flight(), 2u);
  EXPECT_EQ(t.in_flight(kA), 1u);
  EXPECT_EQ(t.in_flight(kB), 0u);
  const std::vector<TopicPartition> expected = {kA, kB, kC};
  EXPECT_EQ(t.partitions(), expected);
}

TEST(KafkaOffsetTracker, LookupByViewNeedsNoOwnedString) {
  OffsetTracker t;
  std::string topic = "events";
  t.begin(TopicPartitionRef{topic, 0}, 1);
  EXPECT_EQ(t.in_flight(kA), 1u);
  EXPECT_TRUE(t.finish(TopicPartitionRef{std::string_view("events"), 0}, 1));
}

TEST(KafkaOffsetTracker, ForgetDropsInFlightWorkOfARevokedPartition) {
  OffsetTracker t;
  t.begin(kA, 1);
  t.begin(kA, 2);
  t.begin(kB, 1);
  EXPECT_EQ(t.forget(kA), 2u);
  EXPECT_EQ(t.total_in_flight(), 1u);
  EXPECT_FALSE(t.committable(kA).has_value());
  EXPECT_FALSE(t.finish(kA, 1));  // late finish after the revoke: ignored
  EXPECT_EQ(t.total_in_flight(), 1u);
  EXPECT_EQ(t.forget(kA), 0u);
  t.mark_committed(kA, 3);  // a commit completing after the revoke does not resurrect it
  EXPECT_TRUE(t.commit_candidates().size() == 1 && t.commit_candidates()[0].topic == "events" &&
              t.commit_candidates()[0].partition == 1);
  // Re-assigned later: starts afresh.
  t.begin(kA, 7);
  EXPECT_EQ(t.committable(kA), 7);
}

TEST(KafkaOffsetTracker, CommitCandidatesOnlyListProgress) {
  OffsetTracker t;
  t.begin(kA, 0);
  t.begin(kB, 0);
  EXPECT_EQ(t.commit_candidates().size(), 2u);  // committable 0 > nothing committed yet
  t.mark_committed(kA, 0);
  t.mark_committed(kB, 0);
  EXPECT_TRUE(t.commit_candidates().empty());
  t.finish(kA, 0);
  auto c = t.commit_candidates();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], (TopicPartitionOffset{"events", 0, 1}));
  t.mark_committed(kA, 1);
  EXPECT_EQ(t.last_committed(kA), 1);
  EXPECT_TRUE(t.commit_candidates().empty());
  t.mark_committed(kA, 0);  // an older commit completing late does not move it back
  EXPECT_EQ(t.last_committed(kA), 1);
}

// The reference: the definition, evaluated by brute force over everything ever begun.
struct Reference {
  std::map<std::int64_t, bool> begun;  // offset -> finished
  std::optional<std::int64_t> committable() const {
    if (begun.empty()) return std::nullopt;
    for (const auto& [offset, finished] : begun) {
      if (!finished) return offset;  // the first unfinished one blocks
    }
    return begun.rbegin()->first + 1;
  }
};

TEST(KafkaOffsetTracker, RandomizedOutOfOrderFinishingMatchesTheReference) {
  std::mt19937_64 rng(20240607);
  for (int round = 0; round < 50; ++round) {
    OffsetTracker t;
    std::map<int, Reference> ref;
    std::map<int, std::vector<std::int64_t>> unfinished;
    std::map<int, std::int64_t> next_offset;
    std::size_t in_flight = 0;
    const int partitions = 1 + static_cast<int>(rng() % 4);
    for (int step = 0; step < 4000; ++step) {
      const int p = static_cast<int>(rng() % partitions);
      const TopicPartition tp{"t", p};
      const unsigned action = static_cast<unsigned>(rng() % 100);
      if (action < 55 || unfinished[p].empty()) {
        // Hand out the next offset, sometimes skipping some (gaps).
        const std::int64_t o = next_offset[p] + ((rng() % 10 == 0) ? static_cast<std::int64_t>(rng() % 5) : 0);
        next_offset[p] = o + 1;
        ASSERT_TRUE(t.begin(tp, o));
        ref[p].begun[o] = false;
        unfinished[p].push_back(o);
        ++in_flight;
      } else {
        // Finish a random in-flight offset (any order).
        auto& u = unfinished[p];
        const std::size_t i = rng() % u.size();
        const std::int64_t o = u[i];
        u[i] = u.back();
        u.pop_back();
        ASSERT_TRUE(t.finish(tp, o));
        ref[p].begun[o] = true;
        --in_flight;
      }
      ASSERT_EQ(t.committable(tp), ref[p].committable()) << "round " << round << " step " << step;
      ASSERT_EQ(t.in_flight(tp), unfinished[p].size());
      ASSERT_EQ(t.total_in_flight(), in_flight);
    }
    // Finish everything in random order: committable ends one past the last offset.
    for (int p = 0; p < partitions; ++p) {
      auto& u = unfinished[p];
      std::shuffle(u.begin(), u.end(), rng);
      for (std::int64_t o : u) {
        ASSERT_TRUE(t.finish({"t", p}, o));
        ref[p].begun[o] = true;
        ASSERT_EQ(t.committable({"t", p}), ref[p].committable());
      }
      if (!ref[p].begun.empty()) {
        EXPECT_EQ(t.committable({"t", p}), next_offset[p]);
      }
    }
    EXPECT_EQ(t.total_in_flight(), 0u);
  }
}

TEST(KafkaOffsetTracker, ManyInFlightStaysFast) {
  // 200k offsets, finished in reverse: every finish but the last leaves the prefix blocked.
  OffsetTracker t;
  constexpr std::int64_t kN = 200000;
  for (std::int64_t o = 0; o < kN; ++o) t.begin(kA, o);
  for (std::int64_t o = kN - 1; o > 0; --o) {
    t.finish(kA, o);
    if (o % 50000 == 0) {
      ASSERT_EQ(t.committable(kA), 0);
    }
  }
  t.finish(kA, 0);
  EXPECT_EQ(t.committable(kA), kN);
}

}  // namespace
}  // namespace switchboard::kafka
