#include "worker/kafka/rd_util.h"

#include <charconv>
#include <stdexcept>

namespace switchboard::kafka::detail {

RdConfPtr make_conf(std::string_view who, const Properties& config, const Properties& defaults) {
  RdConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  auto set = [&](const std::string& key, const std::string& value) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      throw std::invalid_argument(std::string(who) + ": librdkafka property `" + key + "`: " + errstr);
    }
  };
  for (const auto& [key, value] : defaults) {
    if (!config.contains(key)) set(key, value);
  }
  for (const auto& [key, value] : config) set(key, value);
  return conf;
}

std::string property(const Properties& config, const Properties& defaults, const std::string& key,
                     std::string_view fallback) {
  if (auto it = config.find(key); it != config.end()) return it->second;
  if (auto it = defaults.find(key); it != defaults.end()) return it->second;
  return std::string(fallback);
}

long long int_property(std::string_view who, const Properties& config, const std::string& key, long long fallback) {
  auto it = config.find(key);
  if (it == config.end()) return fallback;
  long long value = 0;
  const auto& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::invalid_argument(std::string(who) + ": property `" + key + "` must be an integer, got `" + text + "`");
  }
  return value;
}

RdPartitionListPtr to_list(const std::vector<TopicPartition>& partitions) {
  RdPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const auto& tp : partitions) rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  return list;
}

RdPartitionListPtr to_list(const std::vector<TopicPartitionOffset>& offsets) {
  RdPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& o : offsets) {
    if (o.offset < 0) continue;
    rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition)->offset = o.offset;
  }
  return list;
}

std::vector<TopicPartition> partitions_of(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  if (list == nullptr) return out;
  out.reserve(static_cast<std::size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) out.emplace_back(list->elems[i].topic, list->elems[i].partition);
  return out;
}

std::vector<TopicPartitionOffset> offsets_of(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartitionOffset> out;
  if (list == nullptr) return out;
  out.reserve(static_cast<std::size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back({list->elems[i].topic, list->elems[i].partition, list->elems[i].offset});
  }
  return out;
}

rd_kafka_resp_err_t first_error(const rd_kafka_topic_partition_list_t* list) {
  if (list == nullptr) return RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err) return list->elems[i].err;
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

}  // namespace switchboard::kafka::detail
