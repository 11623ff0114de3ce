#pragma once
// KafkaProducer: an idempotent producer (librdkafka C API) driven by an asio::io_context,
// with no poll thread. Delivery reports arrive on librdkafka's main queue, which signals an
// eventfd; the io_context wakes on it and dispatches them with rd_kafka_poll(rk, 0).
//
// Threading: not thread-safe. Construct, call and destroy it on the io_context's thread
// (run by exactly one thread). Every callback runs on that thread, never inside produce().
// Nothing here blocks.
//
// Delivery: every produce() ends in exactly one callback (success, or the error), unless
// the producer is destroyed first (then pending callbacks are dropped: flush before).
// A full librdkafka queue (RD_KAFKA_RESP_ERR__QUEUE_FULL) is not an error: the message is
// kept in a backlog, in order, and retried after the next delivery report frees room.
// Everything produced after it goes behind it, so per-partition order is kept.
// The backlog is unbounded: watch backlog() / queued() for backpressure.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "worker/kafka/error.h"
#include "worker/kafka/types.h"

namespace boost::asio {
class io_context;
}

namespace switchboard::kafka {

struct DeliveryResult {
  std::error_code error;  // empty on success
  std::string_view topic;  // valid during the callback only
  std::int32_t partition = -1;
  std::int64_t offset = -1;  // assigned by the broker; -1 on failure
  // On failure: whether the broker may nevertheless have written it (a retry may duplicate).
  bool possibly_persisted = false;
};

using DeliveryCallback = std::function<void(const DeliveryResult&)>;

struct ProducerHealth {
  bool fatal = false;             // idempotence guarantees broken; recreate the producer
  std::string fatal_reason;
  bool all_brokers_down = false;  // set by librdkafka's error; cleared by the next delivery
  std::size_t queued = 0;         // in librdkafka: not yet acknowledged (rd_kafka_outq_len)
  std::size_t backlog = 0;        // waiting for room after QUEUE_FULL
  std::size_t awaiting_callback = 0;  // produce() calls whose callback has not run yet
};

class KafkaProducer {
 public:
  // `config`: librdkafka properties. Required: bootstrap.servers. Defaults set here unless
  // given: enable.idempotence=true, acks=all, linger.ms=5, compression.type=lz4.
  // enable.idempotence=false is allowed (tools); acks other than all/-1 with idempotence is
  // rejected by librdkafka. Throws std::invalid_argument naming the bad key.
  KafkaProducer(boost::asio::io_context& io, const std::map<std::string, std::string>& config,
                std::function<void(std::error_code, std::string_view)> on_error = {});
  // Purges what is still queued and drops pending callbacks (call flush() first).
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  // Queues one record (copies topic, key, payload and headers). `key` empty: no key (the
  // partitioner then spreads records). `done` runs exactly once, later, on the io thread.
  void produce(std::string_view topic, std::string_view key, std::string_view payload,
               std::span<const HeaderRef> headers, DeliveryCallback done);
  void produce(std::string_view topic, std::string_view key, std::string_view payload,
               const std::vector<std::pair<std::string, std::string>>& headers, DeliveryCallback done);

  // Runs `done(ec)` on the io thread once everything produced so far has its delivery
  // report (ec empty), or with Errc::timed_out when `timeout` passes first.
  void flush(std::chrono::milliseconds timeout, std::function<void(std::error_code)> done);

  ProducerHealth health() const;
  std::size_t backlog() const noexcept;
  std::size_t queued() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace switchboard::kafka
