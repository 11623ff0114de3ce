#include "worker/kafka/offset_tracker.h"

#include <string>

namespace switchboard::kafka {

std::string to_string(TopicPartitionRef tp) {
  std::string out;
  out.reserve(tp.topic.size() + 12);
  out.append(tp.topic);
  out.push_back('[');
  out.append(std::to_string(tp.partition));
  out.push_back(']');
  return out;
}

OffsetTracker::Partition* OffsetTracker::find(TopicPartitionRef tp) {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : &it->second;
}

const OffsetTracker::Partition* OffsetTracker::find(TopicPartitionRef tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : &it->second;
}

bool OffsetTracker::begin(TopicPartitionRef tp, std::int64_t offset) {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) it = partitions_.emplace(TopicPartition(tp), Partition{}).first;
  Partition& p = it->second;
  if (!p.pending.insert(offset).second) return false;
  if (offset + 1 > p.high) p.high = offset + 1;
  ++total_in_flight_;
  return true;
}

bool OffsetTracker::finish(TopicPartitionRef tp, std::int64_t offset) {
  Partition* p = find(tp);
  if (p == nullptr || p->pending.erase(offset) == 0) return false;
  --total_in_flight_;
  return true;
}

std::optional<std::int64_t> OffsetTracker::committable(TopicPartitionRef tp) const {
  const Partition* p = find(tp);
  if (p == nullptr || p->high < 0) return std::nullopt;
  return committable_of(*p);
}

std::size_t OffsetTracker::in_flight(TopicPartitionRef tp) const {
  const Partition* p = find(tp);
  return p == nullptr ? 0 : p->pending.size();
}

std::size_t OffsetTracker::forget(TopicPartitionRef tp) {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) return 0;
  const std::size_t dropped = it->second.pending.size();
  total_in_flight_ -= dropped;
  partitions_.erase(it);
  return dropped;
}

std::vector<TopicPartitionOffset> OffsetTracker::commit_candidates() const {
  std::vector<TopicPartitionOffset> out;
  for (const auto& [tp, p] : partitions_) {
    if (p.high < 0) continue;
    const std::int64_t next = committable_of(p);
    if (next > p.committed) out.push_back({tp.topic, tp.partition, next});
  }
  return out;
}

void OffsetTracker::mark_committed(TopicPartitionRef tp, std::int64_t offset) {
  // A commit that completes after a revoke must not resurrect the partition.
  if (Partition* p = find(tp); p != nullptr && offset > p->committed) p->committed = offset;
}

std::optional<std::int64_t> OffsetTracker::last_committed(TopicPartitionRef tp) const {
  const Partition* p = find(tp);
  if (p == nullptr || p->committed < 0) return std::nullopt;
  return p->committed;
}

std::vector<TopicPartition> OffsetTracker::partitions() const {
  std::vector<TopicPartition> out;
  out.reserve(partitions_.size());
  for (const auto& entry : partitions_) out.push_back(entry.first);
  return out;
}

}  // namespace switchboard::kafka
