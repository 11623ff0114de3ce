#pragma once
// Internal to worker/kafka: configuration and partition-list plumbing shared by the
// consumer, the producer and the mock cluster.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "worker/kafka/kafka_handles.h"
#include "worker/kafka/types.h"

namespace switchboard::kafka::detail {

using Properties = std::map<std::string, std::string>;

// `defaults` overlaid by `config`, as a librdkafka conf. Throws std::invalid_argument
// "<who>: librdkafka property `key`: <librdkafka's reason>" for an unknown key or bad value.
RdConfPtr make_conf(std::string_view who, const Properties& config, const Properties& defaults);

// The value of `key` in config, else in defaults, else `fallback`.
std::string property(const Properties& config, const Properties& defaults, const std::string& key,
                     std::string_view fallback = {});
// As an integer; throws std::invalid_argument if it is not one.
long long int_property(std::string_view who, const Properties& config, const std::string& key, long long fallback);

RdPartitionListPtr to_list(const std::vector<TopicPartition>& partitions);
RdPartitionListPtr to_list(const std::vector<TopicPartitionOffset>& offsets);  // skips negative offsets
std::vector<TopicPartition> partitions_of(const rd_kafka_topic_partition_list_t* list);
std::vector<TopicPartitionOffset> offsets_of(const rd_kafka_topic_partition_list_t* list);
// The first partition-level error in `list`, or NO_ERROR.
rd_kafka_resp_err_t first_error(const rd_kafka_topic_partition_list_t* list);

}  // namespace switchboard::kafka::detail
