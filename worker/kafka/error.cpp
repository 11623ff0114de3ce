#include "worker/kafka/error.h"

#include <librdkafka/rdkafka.h>

namespace switchboard::kafka {
namespace {

#define SB_SAME(ours, theirs) static_assert(static_cast<int>(Errc::ours) == RD_KAFKA_RESP_ERR_##theirs)
SB_SAME(destroyed, _DESTROY);
SB_SAME(transport, _TRANSPORT);
SB_SAME(message_timed_out, _MSG_TIMED_OUT);
SB_SAME(unknown_topic, _UNKNOWN_TOPIC);
SB_SAME(all_brokers_down, _ALL_BROKERS_DOWN);
SB_SAME(invalid_argument, _INVALID_ARG);
SB_SAME(timed_out, _TIMED_OUT);
SB_SAME(queue_full, _QUEUE_FULL);
SB_SAME(state, _STATE);
SB_SAME(no_offset, _NO_OFFSET);
SB_SAME(purged, _PURGE_QUEUE);
SB_SAME(fatal, _FATAL);
SB_SAME(assignment_lost, _ASSIGNMENT_LOST);
SB_SAME(unknown_topic_or_partition, UNKNOWN_TOPIC_OR_PART);
SB_SAME(message_too_large, MSG_SIZE_TOO_LARGE);
SB_SAME(illegal_generation, ILLEGAL_GENERATION);
SB_SAME(rebalance_in_progress, REBALANCE_IN_PROGRESS);
#undef SB_SAME

class KafkaCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kafka"; }
  std::string message(int code) const override {
    return rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(code));
  }
};

}  // namespace

const std::error_category& kafka_category() noexcept {
  static const KafkaCategory category;
  return category;
}

bool is_retriable(std::error_code ec) noexcept {
  if (ec.category() != kafka_category()) return false;
  switch (static_cast<rd_kafka_resp_err_t>(ec.value())) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
      return true;
    default:
      return false;
  }
}

bool is_fatal(std::error_code ec) noexcept {
  return ec.category() == kafka_category() && ec.value() == RD_KAFKA_RESP_ERR__FATAL;
}

}  // namespace switchboard::kafka
