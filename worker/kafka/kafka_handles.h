#pragma once
// unique_ptr owners for librdkafka C handles: every handle the Kafka layer creates is held
// by one of these, so no code path calls a *_destroy function by hand.
//
// Destruction order matters and is the owner's job (declare members in reverse order, or
// reset explicitly):
//  - a consumer: rd_kafka_consumer_close (or _close_queue until rd_kafka_consumer_closed)
//    BEFORE the RdKafkaPtr goes; RdKafkaDeleter only calls rd_kafka_destroy, which would
//    otherwise run a blocking close itself;
//  - queues (RdQueuePtr) before the rd_kafka_t they came from, and with
//    rd_kafka_queue_io_event_enable(q, -1, ...) first if an fd was attached;
//  - a mock cluster (RdMockClusterPtr) BEFORE the rd_kafka_t it was created on
//    (the reverse order asserts inside librdkafka 2.0.2).

#include <memory>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace switchboard::kafka {

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
};
struct RdConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
struct RdQueueDeleter {
  void operator()(rd_kafka_queue_t* q) const noexcept { rd_kafka_queue_destroy(q); }
};
struct RdPartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const noexcept { rd_kafka_topic_partition_list_destroy(l); }
};
struct RdMessageDeleter {
  void operator()(rd_kafka_message_t* m) const noexcept { rd_kafka_message_destroy(m); }
};
struct RdHeadersDeleter {
  void operator()(rd_kafka_headers_t* h) const noexcept { rd_kafka_headers_destroy(h); }
};
struct RdErrorDeleter {
  void operator()(rd_kafka_error_t* e) const noexcept { rd_kafka_error_destroy(e); }
};
struct RdEventDeleter {
  void operator()(rd_kafka_event_t* e) const noexcept { rd_kafka_event_destroy(e); }
};
struct RdTopicDeleter {
  void operator()(rd_kafka_topic_t* t) const noexcept { rd_kafka_topic_destroy(t); }
};
struct RdMockClusterDeleter {
  void operator()(rd_kafka_mock_cluster_t* mc) const noexcept { rd_kafka_mock_cluster_destroy(mc); }
};

using RdKafkaPtr = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;
using RdConfPtr = std::unique_ptr<rd_kafka_conf_t, RdConfDeleter>;  // release() when rd_kafka_new takes it
using RdQueuePtr = std::unique_ptr<rd_kafka_queue_t, RdQueueDeleter>;
using RdPartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, RdPartitionListDeleter>;
using RdMessagePtr = std::unique_ptr<rd_kafka_message_t, RdMessageDeleter>;
using RdHeadersPtr = std::unique_ptr<rd_kafka_headers_t, RdHeadersDeleter>;  // release() when producev takes it
using RdErrorPtr = std::unique_ptr<rd_kafka_error_t, RdErrorDeleter>;
using RdEventPtr = std::unique_ptr<rd_kafka_event_t, RdEventDeleter>;
using RdTopicPtr = std::unique_ptr<rd_kafka_topic_t, RdTopicDeleter>;  // before the rd_kafka_t
using RdMockClusterPtr = std::unique_ptr<rd_kafka_mock_cluster_t, RdMockClusterDeleter>;

}  // namespace switchboard::kafka
