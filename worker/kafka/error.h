#pragma once
// Kafka errors as std::error_code values (category "kafka"; the value is librdkafka's
// rd_kafka_resp_err_t, so broker codes are positive and client-side codes negative).
// The message path reports errors as values, never as exceptions.

#include <string>
#include <system_error>

namespace switchboard::kafka {

// The librdkafka codes the layer's callers branch on (values match rd_kafka_resp_err_t;
// error.cpp checks that). Any other librdkafka code can still appear in an error_code.
enum class Errc : int {
  ok = 0,
  destroyed = -197,          // handle destroyed / purged at shutdown
  transport = -195,          // broker connection failed
  message_timed_out = -192,  // not delivered within message.timeout.ms
  unknown_topic = -188,
  all_brokers_down = -187,
  invalid_argument = -186,
  timed_out = -185,          // an operation's deadline passed
  queue_full = -184,         // producer queue full (the producer retries these itself)
  state = -172,
  no_offset = -168,
  purged = -152,             // message purged from the producer queue
  fatal = -150,              // the client raised a fatal error; it must be recreated
  assignment_lost = -142,
  unknown_topic_or_partition = 3,
  message_too_large = 10,
  illegal_generation = 22,
  rebalance_in_progress = 27,
};

const std::error_category& kafka_category() noexcept;

inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), kafka_category()}; }
// From a raw rd_kafka_resp_err_t value.
inline std::error_code kafka_error(int rd_kafka_resp_err) noexcept { return {rd_kafka_resp_err, kafka_category()}; }

// Worth retrying as is (a later attempt may succeed): timeouts, transport, leader changes.
bool is_retriable(std::error_code ec) noexcept;
// The handle is unusable; only recreating it helps.
bool is_fatal(std::error_code ec) noexcept;

}  // namespace switchboard::kafka

template <>
struct std::is_error_code_enum<switchboard::kafka::Errc> : std::true_type {};
