#pragma once
// OffsetTracker: at-least-once bookkeeping for a consumer that finishes messages out of order.
//
// Per (topic, partition) it records the offsets handed out (`begin`) and those done
// (`finish`). `committable(tp)` is the offset to commit: one past the highest offset H such
// that every begun offset <= H has finished. Committing it never skips unfinished work, so
// a restart redelivers at most the messages that were in flight or finished beyond a gap.
//
//   begin 5,6,7; finish 7,5  -> committable 6 (6 is still in flight)
//   finish 6                 -> committable 8
//
// Offsets need not be contiguous (compaction, transaction markers): gaps that were never
// begun do not hold the commit back.
//
// Pure: no librdkafka, no clock, no I/O. Not thread-safe (use it on the consumer's thread).
// Costs: begin/finish O(log n) in the partition's in-flight count plus O(log P) to find the
// partition; committable/in_flight O(log P); total_in_flight O(1).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "worker/kafka/types.h"

namespace switchboard::kafka {

class OffsetTracker {
 public:
  // Records that `offset` was handed out. Returns false (and changes nothing) if it is
  // already in flight. Beginning an offset below the committable point again (a
  // redelivery) is allowed and moves `committable` back until it finishes.
  bool begin(TopicPartitionRef tp, std::int64_t offset);

  // Records that `offset` is done. Returns false if it was not in flight (never begun,
  // finished twice, or the partition was forgotten after a revoke); such calls are ignored.
  bool finish(TopicPartitionRef tp, std::int64_t offset);

  // The next offset to commit for `tp`, or nullopt if nothing was ever begun there.
  std::optional<std::int64_t> committable(TopicPartitionRef tp) const;

  std::size_t in_flight(TopicPartitionRef tp) const;
  std::size_t total_in_flight() const noexcept { return total_in_flight_; }

  // Drops all state of `tp` (on revoke). Returns how many offsets were still in flight;
  // their later `finish` calls return false.
  std::size_t forget(TopicPartitionRef tp);

  // Commit bookkeeping: partitions whose committable offset is above the last offset
  // passed to `mark_committed`, with that offset. Call `mark_committed` from the commit's
  // success callback.
  std::vector<TopicPartitionOffset> commit_candidates() const;
  void mark_committed(TopicPartitionRef tp, std::int64_t offset);
  std::optional<std::int64_t> last_committed(TopicPartitionRef tp) const;

  // The partitions with state, in order.
  std::vector<TopicPartition> partitions() const;

 private:
  struct Partition {
    std::set<std::int64_t> pending;  // begun, not finished
    std::int64_t high = -1;          // one past the highest offset ever begun
    std::int64_t committed = -1;     // last value given to mark_committed
  };

  Partition* find(TopicPartitionRef tp);
  const Partition* find(TopicPartitionRef tp) const;
  static std::int64_t committable_of(const Partition& p) noexcept {
    return p.pending.empty() ? p.high : *p.pending.begin();
  }

  std::map<TopicPartition, Partition, TopicPartitionLess> partitions_;
  std::size_t total_in_flight_ = 0;
};

}  // namespace switchboard::kafka
