#pragma once
// KafkaConsumer: a group consumer (librdkafka C API) driven by an asio::io_context, with no
// poll thread. librdkafka signals its queues through an eventfd; the io_context wakes on it
// and drains them with rd_kafka_consumer_poll(rk, 0).
//
// Threading: not thread-safe. Construct, call and destroy it on the io_context's thread
// (the io_context must be run by exactly one thread). Every callback runs on that thread.
// Nothing here blocks except commit(..., CommitMode::sync).
//
// Errors: never thrown on the message path; they reach `on_error` (or a completion
// callback) as std::error_code values of kafka_category(). The constructor throws
// std::invalid_argument for bad configuration.
//
// Rebalances (eager protocol, `partition.assignment.strategy=range` by default):
//  - on_assign(partitions): the new assignment is already in effect; messages follow.
//  - on_revoke(partitions, done): ASYNCHRONOUS. The consumer stops delivering messages at
//    once (it stops polling, because librdkafka serves the rebalance from inside
//    rd_kafka_consumer_poll and would otherwise hand out more messages of the revoked
//    partitions). The owner drains its in-flight work for those partitions, commits, and
//    calls done() (any thread, at most once is meaningful). Only then does the consumer
//    give the partitions up (rd_kafka_assign(rk, NULL)) and resume polling. If done() is
//    not called within `revoke_timeout`, the consumer calls on_error(timed_out) and gives
//    the partitions up anyway (at-least-once still holds: the uncommitted tail is
//    redelivered to the next owner).
//  Cooperative protocols are supported (incremental assign/unassign) but not used against
//  the librdkafka 2.0.2 mock, where cooperative-sticky loses assignments.
//
// Backpressure, two levels:
//  - hold()/release(): stop/restart handing out messages at once, without touching the
//    fetcher. librdkafka keeps its prefetched messages (bounded by
//    queued.max.messages.kbytes; it stops fetching when full) and release() is instant.
//    Use it for in-flight limits (high/low water marks). A hold that lasts longer than
//    switchboard.hold.pause.ms (default 1000) turns into a pause of the assignment, so the
//    consumer can keep polling (rebalances, max.poll.interval.ms) without delivering.
//  - pause()/resume(), pause_all()/resume_all(): librdkafka's fetcher pause. pause_all() is
//    sticky: partitions assigned later are paused too until resume_all(). A pause drops the
//    messages librdkafka had prefetched and a resume refetches from the last delivered
//    offset + 1, so nothing is lost; but in librdkafka 2.0.2 the first message after a
//    resume takes up to ~1 s (measured 0.1-1.0 s against the mock: the broker thread only
//    re-evaluates paused partitions on its 1 s tick). Hence hold() for short stops.
// A keep-alive tick (1 s) polls the consumer even when no message arrives, so a long pause
// never trips max.poll.interval.ms.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "worker/kafka/error.h"
#include "worker/kafka/types.h"

namespace boost::asio {
class io_context;
}

namespace switchboard::kafka {

// The headers of a consumed message, as views into it (valid during on_message only).
class HeadersView {
 public:
  HeadersView() = default;
  explicit HeadersView(const void* rd_kafka_headers) : headers_(rd_kafka_headers) {}

  std::size_t size() const noexcept;
  HeaderRef operator[](std::size_t index) const;  // index < size()
  // The value of the last header named `key` (Kafka allows repeats), if any.
  std::optional<std::string_view> last(std::string_view key) const;

 private:
  const void* headers_ = nullptr;  // rd_kafka_headers_t*, owned by the message
};

// A consumed message. Every view is valid only during the on_message call: copy what you
// keep.
struct ConsumedMessage {
  std::string_view topic;
  std::int32_t partition = 0;
  std::int64_t offset = -1;
  std::string_view key;      // empty if the message has no key
  std::string_view payload;  // empty for a null payload
  HeadersView headers;
  std::int64_t timestamp_ms = -1;  // -1 if the message carries no timestamp

  TopicPartitionRef partition_ref() const noexcept { return {topic, partition}; }
};

// Lag of one assigned partition, from librdkafka's cached watermarks (refreshed by fetch
// responses; no broker round trip). -1 where unknown (nothing fetched yet).
struct PartitionLag {
  TopicPartition partition;
  std::int64_t low_watermark = -1;
  std::int64_t high_watermark = -1;
  // Next offset to deliver (last delivered + 1); before the first delivery since the
  // assignment, the last offset this consumer committed there; else -1.
  std::int64_t position = -1;
  std::int64_t lag = -1;       // high_watermark - position
};

enum class CommitMode {
  async,  // returns at once; the callback runs when the broker answers
  sync,   // blocks the calling thread until the broker answers; the callback runs before return
};

struct ConsumerCallbacks {
  // Called for each message, in offset order per partition.
  std::function<void(const ConsumedMessage&)> on_message;
  // The new assignment (already in effect).
  std::function<void(const std::vector<TopicPartition>&)> on_assign;
  // See the header comment. If unset, done() is called at once.
  std::function<void(const std::vector<TopicPartition>&, std::function<void()> done)> on_revoke;
  // Client-level problems (all brokers down, authentication, fatal errors), partition-level
  // fetch errors, and revoke timeouts. Informational unless is_fatal(code).
  std::function<void(std::error_code code, std::string_view message)> on_error;
};

using CommitCallback = std::function<void(std::error_code, const std::vector<TopicPartitionOffset>&)>;

class KafkaConsumer {
 public:
  // `config`: librdkafka properties. Required: bootstrap.servers, group.id. Defaults set
  // here unless given: enable.auto.commit=false (true is rejected: commits are explicit),
  // enable.auto.offset.store=false, partition.assignment.strategy=range,
  // auto.offset.reset=earliest. Tuning keys (session.timeout.ms, heartbeat.interval.ms,
  // fetch.wait.max.ms, ...) pass through verbatim. Two keys are ours, not librdkafka's:
  // switchboard.revoke.timeout.ms (default 30000, capped at max.poll.interval.ms / 2),
  // switchboard.keepalive.ms (default 1000) and switchboard.hold.pause.ms (default 1000).
  // Throws std::invalid_argument naming the bad key.
  KafkaConsumer(boost::asio::io_context& io, const std::map<std::string, std::string>& config,
                ConsumerCallbacks callbacks);
  // Without close(): gives the assignment up without committing and leaves the group
  // (blocking, bounded by session.timeout.ms). Do not destroy from inside a callback.
  ~KafkaConsumer();
  KafkaConsumer(const KafkaConsumer&) = delete;
  KafkaConsumer& operator=(const KafkaConsumer&) = delete;

  // Joins the group for these topics (replaces a previous subscription). Returns an error
  // for an empty list or a closed consumer.
  std::error_code subscribe(const std::vector<std::string>& topics);

  // Commits `offsets` (each the next offset to consume; negative entries are skipped).
  // The callback gets the overall result and the offsets as the broker acknowledged them.
  // Works while a revoke is pending. An empty list completes at once with success.
  void commit(const std::vector<TopicPartitionOffset>& offsets, CommitMode mode, CommitCallback done = {});

  std::error_code pause(const std::vector<TopicPartition>& partitions);
  std::error_code resume(const std::vector<TopicPartition>& partitions);
  std::error_code pause_all();   // sticky across rebalances
  std::error_code resume_all();  // also lifts per-partition pauses
  bool paused_all() const noexcept;

  // Stop handing out messages now / hand them out again (see the header comment).
  // Idempotent. release() delivers on a later turn of the io_context, never inline.
  void hold();
  void release();
  bool held() const noexcept;

  // Shutdown: stops delivery, commits `final_offsets` (if any), leaves the group
  // (rd_kafka_consumer_close_queue, served on the io_context) and destroys the handle.
  // `done(ec)` runs later on the io thread: ec is the commit's or close's error, or
  // Errc::timed_out if `timeout` passed first (the handle is then dropped without waiting).
  // Drain your in-flight work before calling: on_revoke is not called during close.
  void close(std::vector<TopicPartitionOffset> final_offsets, std::chrono::milliseconds timeout,
             std::function<void(std::error_code)> done);

  // The current assignment, sorted.
  std::vector<TopicPartition> assignment() const;
  bool revoke_pending() const noexcept;
  bool closed() const noexcept;
  // Per assigned partition, for metrics.
  std::vector<PartitionLag> lag() const;
  // The member id the coordinator gave this consumer ("" before the first join).
  std::string member_id() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace switchboard::kafka
