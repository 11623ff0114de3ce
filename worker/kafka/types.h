#pragma once
// Value types shared by the Kafka layer: topic/partition names, offsets, record headers.
// Pure header: no librdkafka, no Asio.

#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace switchboard::kafka {

// A non-owning (topic, partition) pair; the topic text must outlive the view.
struct TopicPartitionRef {
  std::string_view topic;
  std::int32_t partition = 0;

  friend bool operator==(const TopicPartitionRef&, const TopicPartitionRef&) = default;
  friend auto operator<=>(const TopicPartitionRef&, const TopicPartitionRef&) = default;
};

// An owning (topic, partition) pair. Orders by topic, then partition.
struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;

  TopicPartition() = default;
  TopicPartition(std::string t, std::int32_t p) : topic(std::move(t)), partition(p) {}
  explicit TopicPartition(TopicPartitionRef ref) : topic(ref.topic), partition(ref.partition) {}

  operator TopicPartitionRef() const noexcept { return {topic, partition}; }  // NOLINT: implicit by design

  friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

// An offset to commit (the next offset to consume, Kafka's convention) or a position.
struct TopicPartitionOffset {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = -1;

  friend bool operator==(const TopicPartitionOffset&, const TopicPartitionOffset&) = default;
};

// One record header as views: valid only as long as the record (or caller's buffer) it came from.
struct HeaderRef {
  std::string_view key;
  std::string_view value;
};

// "topic[partition]", for messages and logs.
std::string to_string(TopicPartitionRef tp);

// Transparent ordering so maps keyed by TopicPartition can be searched with a view.
struct TopicPartitionLess {
  using is_transparent = void;
  bool operator()(TopicPartitionRef a, TopicPartitionRef b) const noexcept { return a < b; }
  bool operator()(const TopicPartition& a, const TopicPartition& b) const noexcept {
    return TopicPartitionRef(a) < TopicPartitionRef(b);
  }
  bool operator()(const TopicPartition& a, TopicPartitionRef b) const noexcept { return TopicPartitionRef(a) < b; }
  bool operator()(TopicPartitionRef a, const TopicPartition& b) const noexcept { return a < TopicPartitionRef(b); }
};

}  // namespace switchboard::kafka
