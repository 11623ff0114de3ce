// The replay loop: one blocking librdkafka consumer (all partitions assigned, partition EOF
// on) and one idempotent producer, served from this thread. A batch CLI needs no io_context:
// the consumer poll's 100 ms timeout paces the loop, and the producer's delivery reports are
// served on every turn.

#include "worker/dlq/replayer.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "worker/dlq/replay_rules.h"
#include "worker/kafka/kafka_handles.h"
#include "worker/kafka/mock_broker.h"
#include "worker/kafka/offset_tracker.h"

namespace switchboard::dlq {

namespace {

using Clock = std::chrono::steady_clock;
using Properties = std::map<std::string, std::string>;

constexpr auto kPollTimeout = std::chrono::milliseconds(100);
constexpr auto kTick = std::chrono::seconds(1);

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* md) const noexcept { rd_kafka_metadata_destroy(md); }
};
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

class ReplayError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `ours` overlaid by the user's -X properties; a property this command sets itself is
// refused, so the commit and delivery guarantees cannot be switched off by accident.
kafka::RdConfPtr make_conf(const Properties& ours, const Properties& user) {
  kafka::RdConfPtr conf(rd_kafka_conf_new());
  char error[512];
  auto set = [&](const std::string& key, const std::string& value) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
      throw ReplayError("librdkafka property `" + key + "`: " + error);
    }
  };
  for (const auto& [key, value] : ours) set(key, value);
  for (const auto& [key, value] : user) {
    if (ours.contains(key)) throw ReplayError("librdkafka property `" + key + "` is set by dlq replay itself");
    set(key, value);
  }
  return conf;
}

kafka::RdKafkaPtr make_client(rd_kafka_type_t type, kafka::RdConfPtr conf) {
  char error[512];
  kafka::RdKafkaPtr rk(rd_kafka_new(type, conf.get(), error, sizeof error));
  if (!rk) throw ReplayError(std::string("cannot create the Kafka client: ") + error);
  conf.release();  // rd_kafka_new took it
  return rk;
}

Headers headers_of(const rd_kafka_message_t* m) {
  Headers out;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    out.emplace_back(name, value == nullptr ? std::string() : std::string(static_cast<const char*>(value), size));
  }
  return out;
}

// Errors after which reading on cannot succeed; the others (transport, broker down) are
// retried by librdkafka and only reported.
bool fatal_consume_error(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__FATAL || err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
         err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
         err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED;
}

class Replayer {
 public:
  Replayer(const ReplayOptions& options, std::ostream& progress, std::ostream& summary)
      : options_(options), progress_(progress), summary_(summary) {
    outcome_.from_topic = options.from_topic;
    outcome_.to_topic = options.to_topic;
    outcome_.group = options.group;
    outcome_.dry_run = options.dry_run;
  }

  int run() {
    const auto start = Clock::now();
    try {
      open_consumer();
      if (!options_.dry_run) open_producer();
      assign_all_partitions();
      loop(start);
    } catch (const ReplayError& e) {
      fail(e.what());
    }
    // Also after an error or a signal: what was acknowledged is committed.
    if (consumer_) {
      finish();
      rd_kafka_consumer_close(consumer_.get());
    }
    outcome_.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    progress_ << progress_line(counts_, outcome_.elapsed_s) << "\n" << std::flush;
    summary_ << summary_json(counts_, outcome_) << "\n" << std::flush;
    if (outcome_.stopped == "signal") return 130;
    return outcome_.stopped == "error" ? 1 : 0;
  }

 private:
  void open_consumer() {
    consumer_ = make_client(RD_KAFKA_CONSUMER, make_conf(
                                                   {
                                                       {"bootstrap.servers", options_.brokers},
                                                       {"group.id", options_.group},
                                                       {"enable.auto.commit", "false"},
                                                       {"enable.auto.offset.store", "false"},
                                                       {"enable.partition.eof", "true"},
                                                       {"auto.offset.reset", "earliest"},
                                                   },
                                                   options_.properties));
    rd_kafka_poll_set_consumer(consumer_.get());  // client errors come out of consumer_poll too
  }

  void open_producer() {
    kafka::RdConfPtr conf = make_conf(
        {
            {"bootstrap.servers", options_.brokers},
            {"enable.idempotence", "true"},
            {"acks", "all"},
            {"linger.ms", "5"},
        },
        options_.properties);
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
      static_cast<Replayer*>(opaque)->on_delivery(m);
    });
    producer_ = make_client(RD_KAFKA_PRODUCER, std::move(conf));
  }

  // Every partition of the topic, each from the group's committed offset.
  void assign_all_partitions() {
    const auto deadline = Clock::now() + options_.timeout;
    kafka::RdTopicPtr topic(rd_kafka_topic_new(consumer_.get(), options_.from_topic.c_str(), nullptr));
    for (;;) {
      const rd_kafka_metadata_t* raw = nullptr;
      const rd_kafka_resp_err_t err =
          rd_kafka_metadata(consumer_.get(), 0, topic.get(), &raw, static_cast<int>(options_.timeout.count()));
      MetadataPtr md(raw);
      rd_kafka_resp_err_t topic_err = err;
      if (!err && md->topic_cnt == 1) {
        topic_err = md->topics[0].err;
        if (!topic_err) {
          for (int i = 0; i < md->topics[0].partition_cnt; ++i) partitions_.push_back(md->topics[0].partitions[i].id);
          break;
        }
      }
      if (topic_err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || Clock::now() >= deadline) {
        throw ReplayError("topic `" + options_.from_topic + "`: " + rd_kafka_err2str(topic_err));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));  // e.g. leader not available yet
    }
    kafka::RdPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size())));
    for (std::int32_t p : partitions_) {
      rd_kafka_topic_partition_list_add(list.get(), options_.from_topic.c_str(), p)->offset = RD_KAFKA_OFFSET_STORED;
    }
    if (const rd_kafka_resp_err_t err = rd_kafka_assign(consumer_.get(), list.get())) {
      throw ReplayError(std::string("assign: ") + rd_kafka_err2str(err));
    }
  }

  void loop(Clock::time_point start) {
    auto next_tick = start + kTick;
    for (;;) {
      if (signalled()) {
        outcome_.stopped = "signal";
        return;
      }
      if (!failure_.empty()) return;  // finish() reports it
      if (options_.limit != 0 && counts_.read >= options_.limit) {
        outcome_.stopped = "limit";
        return;
      }
      if (at_end_.size() == partitions_.size()) {
        outcome_.stopped = "end_of_topic";
        return;
      }
      kafka::RdMessagePtr m(rd_kafka_consumer_poll(consumer_.get(), static_cast<int>(kPollTimeout.count())));
      if (m) on_consumed(m.get());
      if (producer_) rd_kafka_poll(producer_.get(), 0);
      if (const auto now = Clock::now(); now >= next_tick) {
        next_tick = now + kTick;
        progress_ << progress_line(counts_, std::chrono::duration<double>(now - start).count()) << "\n" << std::flush;
        commit();
      }
    }
  }

  void on_consumed(const rd_kafka_message_t* m) {
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      at_end_.insert(m->partition);
      return;
    }
    if (m->err) {
      const std::string text = rd_kafka_message_errstr(m);
      if (fatal_consume_error(m->err)) throw ReplayError("consume: " + text);
      progress_ << "dlq replay: kafka: " << text << " (retrying)\n" << std::flush;
      return;
    }
    at_end_.erase(m->partition);
    ++counts_.read;
    tracker_.begin({options_.from_topic, m->partition}, m->offset);

    const Headers headers = headers_of(m);
    DeadLetter record;
    if (m->payload != nullptr) record.payload = std::string_view(static_cast<const char*>(m->payload), m->len);
    record.headers = &headers;
    rd_kafka_timestamp_type_t ts_type;
    record.timestamp_ms = rd_kafka_message_timestamp(m, &ts_type);

    if (const SkipReason reason = classify(record, options_.since_ms); reason != SkipReason::kNone) {
      counts_.skip(reason);
      tracker_.finish({options_.from_topic, m->partition}, m->offset);
      return;
    }
    if (options_.dry_run) {
      ++counts_.would_replay;
      tracker_.finish({options_.from_topic, m->partition}, m->offset);
      return;
    }
    const std::string source =
        options_.from_topic + "/" + std::to_string(m->partition) + "/" + std::to_string(m->offset);
    produce(m, record.payload, replay_headers(headers, source));
  }

  void produce(const rd_kafka_message_t* m, std::string_view payload, const Headers& headers) {
    kafka::RdHeadersPtr out(rd_kafka_headers_new(headers.size()));
    for (const auto& [key, value] : headers) {
      rd_kafka_header_add(out.get(), key.data(), static_cast<ssize_t>(key.size()), value.data(),
                          static_cast<ssize_t>(value.size()));
    }
    const std::uint64_t id = next_id_++;
    pending_.emplace(id, std::make_pair(m->partition, m->offset));
    for (;;) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_TOPIC(options_.to_topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(m->key, m->key_len), RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
          RD_KAFKA_V_HEADERS(out.get()), RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<std::uintptr_t>(id))),
          RD_KAFKA_V_END);
      if (!err) {
        out.release();  // the message owns the headers now
        ++counts_.produced;
        return;
      }
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        pending_.erase(id);
        throw ReplayError("produce to `" + options_.to_topic + "`: " + rd_kafka_err2str(err));
      }
      rd_kafka_poll(producer_.get(), static_cast<int>(kPollTimeout.count()));  // acks free room
    }
  }

  void on_delivery(const rd_kafka_message_t* m) {
    const auto id = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(m->_private));
    const auto it = pending_.find(id);
    if (it == pending_.end()) return;
    const auto [partition, offset] = it->second;
    pending_.erase(it);
    if (m->err) {
      ++counts_.failed;
      // The dead letter stays uncommitted; the run stops so that nothing beyond it is committed
      // on a broker that refuses copies.
      if (failure_.empty()) {
        failure_ = "copy of " + options_.from_topic + "/" + std::to_string(partition) + "/" + std::to_string(offset) +
                   " not acknowledged: " + rd_kafka_err2str(m->err);
      }
      return;
    }
    ++counts_.replayed;
    tracker_.finish({options_.from_topic, partition}, offset);
  }

  // Waits for the acknowledgements of every copy produced, then commits what is finished.
  void finish() {
    if (producer_) {
      const rd_kafka_resp_err_t err = rd_kafka_flush(producer_.get(), static_cast<int>(options_.timeout.count()));
      counts_.failed += pending_.size();
      if (err && failure_.empty()) failure_ = std::string("flush: ") + rd_kafka_err2str(err);
    }
    if (!failure_.empty()) fail(failure_);
    commit();
  }

  void fail(const std::string& error) {
    if (outcome_.stopped == "error") return;  // the first error is the one to report
    outcome_.stopped = "error";
    outcome_.error = error;
  }

  // Commits the finished prefix of every partition (synchronously: a batch tool can wait).
  void commit() {
    if (options_.dry_run) return;
    const std::vector<kafka::TopicPartitionOffset> candidates = tracker_.commit_candidates();
    if (candidates.empty()) return;
    kafka::RdPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(candidates.size())));
    for (const auto& c : candidates) {
      rd_kafka_topic_partition_list_add(list.get(), c.topic.c_str(), c.partition)->offset = c.offset;
    }
    if (const rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), list.get(), 0)) {
      progress_ << "dlq replay: commit failed: " << rd_kafka_err2str(err) << " (retried at the next tick)\n"
                << std::flush;
      return;
    }
    for (int i = 0; i < list->cnt; ++i) {
      const auto& e = list->elems[i];
      if (e.err) continue;
      tracker_.mark_committed({options_.from_topic, e.partition}, e.offset);
      outcome_.committed[e.partition] = e.offset;
    }
  }

  bool signalled() {
    signalfd_siginfo info{};
    return ::read(signals_.fd(), &info, sizeof info) == static_cast<ssize_t>(sizeof info);
  }

  const ReplayOptions& options_;
  std::ostream& progress_;
  std::ostream& summary_;
  kafka::TerminationSignals signals_;  // before the clients: no librdkafka thread takes the signal
  kafka::RdKafkaPtr consumer_;
  kafka::RdKafkaPtr producer_;
  std::vector<std::int32_t> partitions_;
  std::set<std::int32_t> at_end_;
  kafka::OffsetTracker tracker_;
  std::map<std::uint64_t, std::pair<std::int32_t, std::int64_t>> pending_;  // copy id -> dead letter
  std::uint64_t next_id_ = 1;
  std::string failure_;
  ReplayCounts counts_;
  ReplayOutcome outcome_;
};

}  // namespace

int run_replay(const ReplayOptions& options, std::ostream& progress, std::ostream& summary) {
  return Replayer(options, progress, summary).run();
}

}  // namespace switchboard::dlq
