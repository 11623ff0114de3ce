// KafkaConsumer: librdkafka's group consumer driven by the io_context through an eventfd.
//
// One eventfd is attached to three librdkafka queues:
//  - the consumer queue (messages, rebalances; served by rd_kafka_consumer_poll),
//  - the main queue (error_cb; served by rd_kafka_poll),
//  - our own "aux" queue (commit results; during close, everything librdkafka forwards to
//    it; served with the event API, rd_kafka_queue_poll).
// librdkafka writes to the fd when a queue goes from empty to non-empty, so each wake-up
// drains all three (the consumer queue in batches, re-posting itself while non-empty).

#include "worker/kafka/consumer.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <set>
#include <stdexcept>

#include "worker/kafka/io_bridge.h"
#include "worker/kafka/kafka_handles.h"
#include "worker/kafka/rd_util.h"

namespace switchboard::kafka {

// ---- HeadersView -------------------------------------------------------------------------

namespace {
const rd_kafka_headers_t* as_headers(const void* p) { return static_cast<const rd_kafka_headers_t*>(p); }
}  // namespace

std::size_t HeadersView::size() const noexcept {
  return headers_ == nullptr ? 0 : rd_kafka_header_cnt(as_headers(headers_));
}

HeaderRef HeadersView::operator[](std::size_t index) const {
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  if (headers_ == nullptr || rd_kafka_header_get_all(as_headers(headers_), index, &name, &value, &size)) return {};
  return {name, value == nullptr ? std::string_view{} : std::string_view(static_cast<const char*>(value), size)};
}

std::optional<std::string_view> HeadersView::last(std::string_view key) const {
  std::optional<std::string_view> found;
  const std::size_t n = size();
  for (std::size_t i = 0; i < n; ++i) {
    HeaderRef h = (*this)[i];
    if (h.key == key) found = h.value;
  }
  return found;
}

// ---- Impl --------------------------------------------------------------------------------

namespace {

constexpr int kDrainBatch = 1024;  // messages per turn before yielding to other io work
constexpr const char* kWho = "kafka consumer";
constexpr const char* kRevokeTimeoutKey = "switchboard.revoke.timeout.ms";
constexpr const char* kKeepaliveKey = "switchboard.keepalive.ms";
constexpr const char* kHoldPauseKey = "switchboard.hold.pause.ms";

void* id_to_opaque(std::uint64_t id) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)); }
std::uint64_t opaque_to_id(void* p) { return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p)); }

}  // namespace

class KafkaConsumer::Impl {
 public:
  Impl(boost::asio::io_context& io, const std::map<std::string, std::string>& config, ConsumerCallbacks callbacks);
  ~Impl();

  std::error_code subscribe(const std::vector<std::string>& topics);
  void commit(const std::vector<TopicPartitionOffset>& offsets, CommitMode mode, CommitCallback done);
  std::error_code pause_resume(const std::vector<TopicPartition>& partitions, bool pause);
  std::error_code pause_all();
  std::error_code resume_all();
  void hold();
  void release();
  bool held() const noexcept { return held_; }
  void close(std::vector<TopicPartitionOffset> final_offsets, std::chrono::milliseconds timeout,
             std::function<void(std::error_code)> done);
  std::vector<PartitionLag> lag() const;
  std::string member_id() const;

  std::vector<TopicPartition> assignment() const { return {assignment_.begin(), assignment_.end()}; }
  bool revoke_pending() const noexcept { return revoke_pending_; }
  bool closed() const noexcept { return state_ == State::closed; }
  bool paused_all() const noexcept { return paused_all_; }

 private:
  enum class State { running, closing, closed };

  static void rebalance_trampoline(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                                   void* opaque);
  static void error_trampoline(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static void commit_trampoline(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets,
                                void* opaque);

  void on_wake();
  void on_keepalive();
  void serve_main();
  void serve_aux();
  void drain_messages();
  void schedule_drain();
  bool delivering() const noexcept { return state_ == State::running && !revoke_pending_ && !held_; }
  void escalate_hold();
  void drop_stashed(const rd_kafka_topic_partition_list_t* revoked);
  std::error_code fetcher_pause(const std::vector<TopicPartition>& partitions, bool pause);
  void deliver(const rd_kafka_message_t* m);

  // `rk` is passed explicitly: during rd_kafka_destroy (the destructor's implicit close)
  // rk_ is already null while librdkafka still calls the rebalance callback.
  void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts);
  void apply_assign(rd_kafka_t* rk, const rd_kafka_topic_partition_list_t* parts);
  void apply_unassign(rd_kafka_t* rk, const rd_kafka_topic_partition_list_t* parts);
  void finish_revoke();

  void complete_commit(std::uint64_t id, rd_kafka_resp_err_t err, const rd_kafka_topic_partition_list_t* offsets);
  void start_close_queue();
  void check_closed();
  void finish_close(std::error_code ec, bool force);
  void teardown(bool skip_consumer_close);

  void report(std::error_code ec, std::string_view message) {
    if (cb_.on_error) cb_.on_error(ec, message);
  }
  template <class F>
  std::function<void()> guarded(F fn) {
    return [weak = std::weak_ptr<char>(life_), fn = std::move(fn)]() mutable {
      if (weak.lock()) fn();
    };
  }

  boost::asio::io_context& io_;
  ConsumerCallbacks cb_;
  std::chrono::milliseconds revoke_timeout_{30000};
  std::chrono::milliseconds keepalive_period_{1000};
  std::chrono::milliseconds hold_pause_after_{1000};

  // Declaration order is destruction order reversed: the fd and timers outlive the handle
  // and its queues (librdkafka threads write to the fd until rd_kafka_destroy returns).
  detail::EventFd wake_;
  detail::Timer keepalive_;
  detail::Timer revoke_timer_;
  detail::Timer close_timer_;
  detail::Timer hold_timer_;
  RdKafkaPtr rk_;
  RdQueuePtr consumer_q_;
  RdQueuePtr main_q_;
  RdQueuePtr aux_q_;
  std::shared_ptr<char> life_ = std::make_shared<char>();

  State state_ = State::running;
  bool drain_posted_ = false;
  bool paused_all_ = false;
  std::set<TopicPartition, TopicPartitionLess> user_paused_;  // by pause(), until resume()/revoke
  std::set<TopicPartition, TopicPartitionLess> assignment_;

  // hold(): no delivery. After hold_pause_after_ the fetcher is paused too (hold_paused_),
  // and polling resumes; a message it still returns is stashed and delivered first on
  // release() (its offset is already past librdkafka's position, it would not be refetched).
  bool held_ = false;
  bool hold_paused_ = false;
  std::deque<RdMessagePtr> stash_;

  bool revoke_pending_ = false;
  std::uint64_t revoke_seq_ = 0;
  RdPartitionListPtr revoking_;

  // Offsets this consumer committed successfully, for lag() before anything is consumed.
  std::map<TopicPartition, std::int64_t, TopicPartitionLess> committed_;
  std::uint64_t next_commit_id_ = 1;
  std::map<std::uint64_t, CommitCallback> commits_;

  bool close_queue_started_ = false;
  std::error_code close_ec_;
  std::function<void(std::error_code)> close_done_;
};

KafkaConsumer::Impl::Impl(boost::asio::io_context& io, const std::map<std::string, std::string>& config,
                          ConsumerCallbacks callbacks)
    : io_(io),
      cb_(std::move(callbacks)),
      wake_(io),
      keepalive_(io),
      revoke_timer_(io),
      close_timer_(io),
      hold_timer_(io) {
  detail::Properties props = config;
  // Our own keys are not librdkafka's: take them out before building the conf.
  revoke_timeout_ = std::chrono::milliseconds(detail::int_property(kWho, props, kRevokeTimeoutKey, 30000));
  keepalive_period_ = std::chrono::milliseconds(detail::int_property(kWho, props, kKeepaliveKey, 1000));
  hold_pause_after_ = std::chrono::milliseconds(detail::int_property(kWho, props, kHoldPauseKey, 1000));
  props.erase(kRevokeTimeoutKey);
  props.erase(kKeepaliveKey);
  props.erase(kHoldPauseKey);
  if (keepalive_period_.count() <= 0) throw std::invalid_argument(std::string(kWho) + ": " + kKeepaliveKey + " must be > 0");

  for (const char* required : {"bootstrap.servers", "group.id"}) {
    auto it = props.find(required);
    if (it == props.end() || it->second.empty()) {
      throw std::invalid_argument(std::string(kWho) + ": librdkafka property `" + required + "` is required");
    }
  }
  if (auto it = props.find("enable.auto.commit"); it != props.end() && it->second != "false") {
    throw std::invalid_argument(std::string(kWho) +
                                ": enable.auto.commit must be false: offsets are committed explicitly after "
                                "processing (at-least-once). Hint: remove the key.");
  }
  const detail::Properties defaults = {
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"partition.assignment.strategy", "range"},
      {"auto.offset.reset", "earliest"},
  };
  // librdkafka leaves the group if the application does not poll within
  // max.poll.interval.ms; a pending revoke stops polling, so it must end well before that.
  const auto max_poll = std::chrono::milliseconds(detail::int_property(kWho, props, "max.poll.interval.ms", 300000));
  revoke_timeout_ = std::max(std::chrono::milliseconds(1), std::min(revoke_timeout_, max_poll / 2));
  hold_pause_after_ = std::max(std::chrono::milliseconds(0), std::min(hold_pause_after_, max_poll / 2));

  RdConfPtr conf = detail::make_conf(kWho, props, defaults);
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Impl::rebalance_trampoline);
  rd_kafka_conf_set_error_cb(conf.get(), &Impl::error_trampoline);

  char errstr[512];
  rk_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof errstr));
  if (!rk_) throw std::invalid_argument(std::string(kWho) + ": " + errstr);
  conf.release();  // owned by rk_ now

  consumer_q_.reset(rd_kafka_queue_get_consumer(rk_.get()));
  main_q_.reset(rd_kafka_queue_get_main(rk_.get()));
  aux_q_.reset(rd_kafka_queue_new(rk_.get()));
  for (rd_kafka_queue_t* q : {consumer_q_.get(), main_q_.get(), aux_q_.get()}) {
    rd_kafka_queue_io_event_enable(q, wake_.fd(), detail::EventFd::payload(), detail::EventFd::kPayloadSize);
  }
  wake_.arm([this] { on_wake(); });
  // The io event fires only on empty -> non-empty: look once in case something is queued.
  schedule_drain();
  keepalive_.start(keepalive_period_, [this] { on_keepalive(); });
}

KafkaConsumer::Impl::~Impl() {
  if (state_ != State::closed) {
    // No close(): leave the group without committing. rd_kafka_destroy runs a blocking
    // close; the rebalance callback then just unassigns (state_ is closing). The owner may
    // be half-destroyed: no more callbacks to it.
    cb_ = {};
    commits_.clear();
    state_ = State::closing;
    if (revoke_pending_) finish_revoke();
    teardown(/*skip_consumer_close=*/false);
  }
}

// ---- librdkafka callbacks (run inside rd_kafka_*poll on the io thread) --------------------

void KafkaConsumer::Impl::rebalance_trampoline(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                               rd_kafka_topic_partition_list_t* parts, void* opaque) {
  static_cast<Impl*>(opaque)->on_rebalance(rk, err, parts);
}

void KafkaConsumer::Impl::error_trampoline(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<Impl*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal[512];
    const rd_kafka_resp_err_t code = rd_kafka_fatal_error(rk, fatal, sizeof fatal);
    self->report(make_error_code(Errc::fatal),
                 std::string("fatal consumer error (") + rd_kafka_err2name(code) + "): " + fatal +
                     ". Hint: the consumer must be recreated.");
    return;
  }
  self->report(kafka_error(err), reason);
}

void KafkaConsumer::Impl::commit_trampoline(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                            rd_kafka_topic_partition_list_t* offsets, void* opaque) {
  static_cast<Impl*>(rd_kafka_opaque(rk))->complete_commit(opaque_to_id(opaque), err, offsets);
}

// ---- the io loop -------------------------------------------------------------------------

void KafkaConsumer::Impl::on_wake() {
  if (state_ == State::closed) return;
  serve_main();
  if (state_ != State::closed) serve_aux();
  if (state_ == State::running) drain_messages();
  if (state_ != State::closed) wake_.arm([this] { on_wake(); });
}

void KafkaConsumer::Impl::on_keepalive() {
  if (state_ != State::running) return;
  // Polls even when idle or paused: librdkafka counts rd_kafka_consumer_poll calls against
  // max.poll.interval.ms. Also a safety net should a wake-up ever be missed.
  serve_main();
  serve_aux();
  drain_messages();
  if (state_ == State::running) keepalive_.start(keepalive_period_, [this] { on_keepalive(); });
}

void KafkaConsumer::Impl::serve_main() { rd_kafka_poll(rk_.get(), 0); }

void KafkaConsumer::Impl::serve_aux() {
  while (state_ != State::closed) {
    RdEventPtr ev(rd_kafka_queue_poll(aux_q_.get(), 0));
    if (!ev) break;
    switch (rd_kafka_event_type(ev.get())) {
      case RD_KAFKA_EVENT_OFFSET_COMMIT:
        complete_commit(opaque_to_id(rd_kafka_event_opaque(ev.get())), rd_kafka_event_error(ev.get()),
                        rd_kafka_event_topic_partition_list(ev.get()));
        break;
      case RD_KAFKA_EVENT_REBALANCE:  // only during close, when librdkafka forwards here
        on_rebalance(rk_.get(), rd_kafka_event_error(ev.get()), rd_kafka_event_topic_partition_list(ev.get()));
        break;
      case RD_KAFKA_EVENT_ERROR:
        report(kafka_error(rd_kafka_event_error(ev.get())), rd_kafka_event_error_string(ev.get()));
        break;
      default:  // messages fetched while closing are dropped: the next owner refetches them
        break;
    }
  }
  check_closed();
}

void KafkaConsumer::Impl::schedule_drain() {
  if (drain_posted_) return;
  drain_posted_ = true;
  detail::post(io_, guarded([this] {
                 drain_posted_ = false;
                 if (state_ == State::running) drain_messages();
               }));
}

void KafkaConsumer::Impl::drain_messages() {
  for (int n = 0; n < kDrainBatch; ++n) {
    if (state_ != State::running || revoke_pending_) return;
    // A young hold does not poll at all (cheap, instant release); an old one polls with the
    // fetcher paused, so only rebalances and stragglers come out.
    if (held_ && !hold_paused_) return;
    if (!held_ && !stash_.empty()) {
      RdMessagePtr m = std::move(stash_.front());
      stash_.pop_front();
      deliver(m.get());
      continue;
    }
    // Serves rebalances too (via rebalance_trampoline); a pending revoke yields it.
    RdMessagePtr m(rd_kafka_consumer_poll(rk_.get(), 0));
    if (!m) return;
    if (held_ && !m->err) {
      stash_.push_back(std::move(m));
      continue;
    }
    if (m->err) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      std::string text;
      if (m->rkt != nullptr) text = to_string({rd_kafka_topic_name(m->rkt), m->partition}) + ": ";
      text += rd_kafka_message_errstr(m.get());
      report(kafka_error(m->err), text);
      continue;
    }
    deliver(m.get());
  }
  schedule_drain();  // more may be queued, and no new io event comes while it is non-empty
}

void KafkaConsumer::Impl::deliver(const rd_kafka_message_t* m) {
  ConsumedMessage msg;
  msg.topic = rd_kafka_topic_name(m->rkt);
  msg.partition = m->partition;
  msg.offset = m->offset;
  if (m->key != nullptr) msg.key = std::string_view(static_cast<const char*>(m->key), m->key_len);
  if (m->payload != nullptr) msg.payload = std::string_view(static_cast<const char*>(m->payload), m->len);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) msg.headers = HeadersView(headers);
  rd_kafka_timestamp_type_t ts_type;
  msg.timestamp_ms = rd_kafka_message_timestamp(m, &ts_type);
  if (cb_.on_message) cb_.on_message(msg);
}

// ---- rebalance ---------------------------------------------------------------------------

void KafkaConsumer::Impl::apply_assign(rd_kafka_t* rk, const rd_kafka_topic_partition_list_t* parts) {
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  if (cooperative) {
    RdErrorPtr error(rd_kafka_incremental_assign(rk, parts));
    if (error) report(kafka_error(rd_kafka_error_code(error.get())), rd_kafka_error_string(error.get()));
  } else if (auto err = rd_kafka_assign(rk, parts)) {
    report(kafka_error(err), std::string("assign failed: ") + rd_kafka_err2str(err));
  }
  for (auto& tp : detail::partitions_of(parts)) assignment_.insert(std::move(tp));
}

void KafkaConsumer::Impl::apply_unassign(rd_kafka_t* rk, const rd_kafka_topic_partition_list_t* parts) {
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  if (cooperative && parts != nullptr) {
    RdErrorPtr error(rd_kafka_incremental_unassign(rk, parts));
    if (error) report(kafka_error(rd_kafka_error_code(error.get())), rd_kafka_error_string(error.get()));
    for (const auto& tp : detail::partitions_of(parts)) assignment_.erase(tp);
  } else {
    if (auto err = rd_kafka_assign(rk, nullptr)) {
      report(kafka_error(err), std::string("unassign failed: ") + rd_kafka_err2str(err));
    }
    assignment_.clear();
  }
}

void KafkaConsumer::Impl::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                       rd_kafka_topic_partition_list_t* parts) {
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    apply_assign(rk, parts);
    if (state_ != State::running) return;
    // pause_all() is sticky: new partitions start paused.
    if ((paused_all_ || hold_paused_) && parts != nullptr && parts->cnt > 0) rd_kafka_pause_partitions(rk, parts);
    if (cb_.on_assign) cb_.on_assign(detail::partitions_of(parts));
    return;
  }
  if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    report(kafka_error(err), std::string("rebalance failed: ") + rd_kafka_err2str(err));
    drop_stashed(nullptr);
    apply_unassign(rk, nullptr);
    return;
  }
  // Never handed out, never begun: the next owner refetches them from the committed offset.
  drop_stashed(parts);
  for (const auto& tp : detail::partitions_of(parts)) {
    user_paused_.erase(tp);
    committed_.erase(tp);
  }
  if (state_ != State::running || !cb_.on_revoke) {
    apply_unassign(rk, parts);
    return;
  }
  if (rd_kafka_assignment_lost(rk)) {
    report(make_error_code(Errc::assignment_lost),
           "assignment lost (session timed out?): commits for the revoked partitions will fail and their "
           "uncommitted messages will be redelivered elsewhere");
  }
  // Asynchronous revoke: stop handing out messages until the owner calls done().
  revoke_pending_ = true;
  const std::uint64_t seq = ++revoke_seq_;
  revoking_.reset(rd_kafka_topic_partition_list_copy(parts));
  revoke_timer_.start(revoke_timeout_, [this] {
    report(make_error_code(Errc::timed_out),
           "on_revoke did not call done() within " + std::to_string(revoke_timeout_.count()) +
               " ms; giving the partitions up anyway (uncommitted messages will be redelivered). Hint: raise "
               "switchboard.revoke.timeout.ms or bound the drain of in-flight work.");
    finish_revoke();
  });
  std::function<void()> done = [this, io = &io_, weak = std::weak_ptr<char>(life_), seq] {
    // done() may come from any thread: hop to the io thread (inline if already there).
    detail::dispatch(*io, [this, weak, seq] {
      if (weak.lock() && revoke_pending_ && seq == revoke_seq_) finish_revoke();
    });
  };
  cb_.on_revoke(detail::partitions_of(parts), std::move(done));
  // If done() was not called synchronously, leave rd_kafka_consumer_poll now: the ops
  // behind the rebalance may be messages of the revoked partitions.
  if (revoke_pending_ && state_ == State::running) rd_kafka_yield(rk);
}

void KafkaConsumer::Impl::finish_revoke() {
  revoke_pending_ = false;
  revoke_timer_.cancel();
  RdPartitionListPtr parts = std::move(revoking_);
  if (rk_) apply_unassign(rk_.get(), parts.get());
  if (state_ == State::running) schedule_drain();  // the queue may hold ops; no new event would come
}

// ---- commands ----------------------------------------------------------------------------

std::error_code KafkaConsumer::Impl::subscribe(const std::vector<std::string>& topics) {
  if (state_ != State::running) return make_error_code(Errc::state);
  if (topics.empty()) return make_error_code(Errc::invalid_argument);
  RdPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  if (auto err = rd_kafka_subscribe(rk_.get(), list.get())) return kafka_error(err);
  return {};
}

void KafkaConsumer::Impl::commit(const std::vector<TopicPartitionOffset>& offsets, CommitMode mode,
                                 CommitCallback done) {
  // Sync commits complete before returning, async ones never inside this call.
  auto complete = [&](std::error_code ec) {
    if (!done) return;
    if (mode == CommitMode::sync) {
      done(ec, {});
    } else {
      detail::post(io_, [done = std::move(done), ec] { done(ec, {}); });
    }
  };
  if (state_ == State::closed) return complete(make_error_code(Errc::state));
  RdPartitionListPtr list = detail::to_list(offsets);
  if (list->cnt == 0) return complete({});
  const std::uint64_t id = next_commit_id_++;
  commits_.emplace(id, std::move(done));
  rd_kafka_queue_t* reply_q = mode == CommitMode::sync ? nullptr : aux_q_.get();
  // Sync: a temporary queue is served inside this call and commit_trampoline runs before
  // it returns. Async: the result comes back on aux_q_ as an OFFSET_COMMIT event.
  if (auto err = rd_kafka_commit_queue(rk_.get(), list.get(), reply_q, &Impl::commit_trampoline, id_to_opaque(id))) {
    complete_commit(id, err, list.get());
  }
}

void KafkaConsumer::Impl::complete_commit(std::uint64_t id, rd_kafka_resp_err_t err,
                                          const rd_kafka_topic_partition_list_t* offsets) {
  auto it = commits_.find(id);
  if (it == commits_.end()) return;
  CommitCallback done = std::move(it->second);
  commits_.erase(it);
  if (!err) err = detail::first_error(offsets);
  if (!err && offsets != nullptr) {
    for (int i = 0; i < offsets->cnt; ++i) {
      const auto& e = offsets->elems[i];
      if (e.offset < 0 || !assignment_.contains(TopicPartitionRef{e.topic, e.partition})) continue;
      auto [it, inserted] = committed_.try_emplace(TopicPartition(e.topic, e.partition), e.offset);
      if (!inserted) it->second = std::max(it->second, e.offset);
    }
  }
  if (done) done(err ? kafka_error(err) : std::error_code{}, detail::offsets_of(offsets));
}

std::error_code KafkaConsumer::Impl::pause_resume(const std::vector<TopicPartition>& partitions, bool pause) {
  if (state_ != State::running) return make_error_code(Errc::state);
  for (const auto& tp : partitions) {
    if (pause) {
      user_paused_.insert(tp);
    } else {
      user_paused_.erase(tp);
    }
  }
  // A partition held by hold() or pause_all() stays paused in the fetcher.
  if (!pause && (paused_all_ || hold_paused_)) return {};
  return fetcher_pause(partitions, pause);
}

std::error_code KafkaConsumer::Impl::fetcher_pause(const std::vector<TopicPartition>& partitions, bool pause) {
  if (partitions.empty()) return {};
  RdPartitionListPtr list = detail::to_list(partitions);
  auto err = pause ? rd_kafka_pause_partitions(rk_.get(), list.get()) : rd_kafka_resume_partitions(rk_.get(), list.get());
  if (!err) err = detail::first_error(list.get());
  return err ? kafka_error(err) : std::error_code{};
}

std::error_code KafkaConsumer::Impl::pause_all() {
  if (state_ != State::running) return make_error_code(Errc::state);
  paused_all_ = true;
  return fetcher_pause(assignment(), true);
}

std::error_code KafkaConsumer::Impl::resume_all() {
  if (state_ != State::running) return make_error_code(Errc::state);
  paused_all_ = false;
  user_paused_.clear();
  if (hold_paused_) return {};  // release() resumes
  return fetcher_pause(assignment(), false);
}

void KafkaConsumer::Impl::hold() {
  if (held_ || state_ != State::running) return;
  held_ = true;
  hold_timer_.start(hold_pause_after_, [this] { escalate_hold(); });
}

void KafkaConsumer::Impl::escalate_hold() {
  if (!held_ || hold_paused_ || state_ != State::running) return;
  hold_paused_ = true;
  fetcher_pause(assignment(), true);
  schedule_drain();  // poll again: rebalances behind the prefetched messages get served
}

void KafkaConsumer::Impl::release() {
  if (!held_) return;
  held_ = false;
  hold_timer_.cancel();
  if (hold_paused_) {
    hold_paused_ = false;
    if (!paused_all_ && state_ == State::running) {
      std::vector<TopicPartition> resume;
      for (const auto& tp : assignment_) {
        if (!user_paused_.contains(tp)) resume.push_back(tp);
      }
      fetcher_pause(resume, false);
    }
  }
  if (state_ == State::running) schedule_drain();  // the queue is non-empty: no io event would come
}

void KafkaConsumer::Impl::drop_stashed(const rd_kafka_topic_partition_list_t* revoked) {
  if (revoked == nullptr) {
    stash_.clear();
    return;
  }
  std::erase_if(stash_, [revoked](const RdMessagePtr& m) {
    return rd_kafka_topic_partition_list_find(revoked, rd_kafka_topic_name(m->rkt), m->partition) != nullptr;
  });
}

std::vector<PartitionLag> KafkaConsumer::Impl::lag() const {
  std::vector<PartitionLag> out;
  if (state_ == State::closed || assignment_.empty()) return out;
  RdPartitionListPtr list = detail::to_list(assignment());
  rd_kafka_position(rk_.get(), list.get());
  for (int i = 0; i < list->cnt; ++i) {
    const auto& e = list->elems[i];
    PartitionLag l;
    l.partition = TopicPartition(e.topic, e.partition);
    l.position = e.offset >= 0 ? e.offset : -1;
    if (l.position < 0) {
      // Nothing consumed since the assignment: fall back to what we committed, if anything.
      if (auto it = committed_.find(TopicPartitionRef{e.topic, e.partition}); it != committed_.end()) {
        l.position = it->second;
      }
    }
    std::int64_t lo = -1, hi = -1;
    if (rd_kafka_get_watermark_offsets(rk_.get(), e.topic, e.partition, &lo, &hi) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      l.low_watermark = lo >= 0 ? lo : -1;
      l.high_watermark = hi >= 0 ? hi : -1;
    }
    if (l.high_watermark >= 0 && l.position >= 0) l.lag = std::max<std::int64_t>(0, l.high_watermark - l.position);
    out.push_back(std::move(l));
  }
  return out;
}

std::string KafkaConsumer::Impl::member_id() const {
  if (state_ == State::closed) return {};
  char* id = rd_kafka_memberid(rk_.get());
  if (id == nullptr) return {};
  std::string out(id);
  rd_kafka_mem_free(rk_.get(), id);
  return out;
}

// ---- close -------------------------------------------------------------------------------

void KafkaConsumer::Impl::close(std::vector<TopicPartitionOffset> final_offsets, std::chrono::milliseconds timeout,
                                std::function<void(std::error_code)> done) {
  if (state_ != State::running) {
    if (done) detail::post(io_, [done = std::move(done)] { done(make_error_code(Errc::state)); });
    return;
  }
  state_ = State::closing;  // stops message delivery; rebalances now unassign at once
  close_done_ = std::move(done);
  keepalive_.cancel();
  hold_timer_.cancel();
  stash_.clear();
  if (revoke_pending_) finish_revoke();
  close_timer_.start(timeout, [this] { finish_close(make_error_code(Errc::timed_out), /*force=*/true); });
  commit(final_offsets, CommitMode::async, [this](std::error_code ec, const std::vector<TopicPartitionOffset>&) {
    if (ec) close_ec_ = ec;
    if (state_ == State::closing) start_close_queue();
  });
}

void KafkaConsumer::Impl::start_close_queue() {
  if (close_queue_started_) return;
  close_queue_started_ = true;
  // Asynchronous close: librdkafka forwards the consumer queue to aux_q_ and posts the
  // revoke and the final TERMINATE there; serve_aux() handles them and check_closed() ends.
  RdErrorPtr error(rd_kafka_consumer_close_queue(rk_.get(), aux_q_.get()));
  if (error) {
    finish_close(kafka_error(rd_kafka_error_code(error.get())), /*force=*/true);
    return;
  }
  check_closed();
}

void KafkaConsumer::Impl::check_closed() {
  if (state_ == State::closing && close_queue_started_ && rd_kafka_consumer_closed(rk_.get())) {
    finish_close(close_ec_, /*force=*/false);
  }
}

void KafkaConsumer::Impl::finish_close(std::error_code ec, bool force) {
  if (state_ == State::closed) return;
  close_timer_.cancel();
  revoke_timer_.cancel();
  keepalive_.cancel();
  hold_timer_.cancel();
  teardown(/*skip_consumer_close=*/force);
  // Pending commit callbacks will never be answered now.
  auto commits = std::move(commits_);
  commits_.clear();
  for (auto& [id, cb] : commits) {
    if (cb) detail::post(io_, [cb = std::move(cb)] { cb(make_error_code(Errc::destroyed), {}); });
  }
  if (close_done_) detail::post(io_, [done = std::move(close_done_), ec] { done(ec); });
  close_done_ = nullptr;
}

void KafkaConsumer::Impl::teardown(bool skip_consumer_close) {
  state_ = State::closed;
  stash_.clear();  // messages must go before their handle
  if (!rk_) return;
  // Detach the fd before the queues go; librdkafka must not write to it after we close it.
  for (rd_kafka_queue_t* q : {consumer_q_.get(), main_q_.get(), aux_q_.get()}) {
    if (q != nullptr) rd_kafka_queue_io_event_enable(q, -1, nullptr, 0);
  }
  consumer_q_.reset();
  main_q_.reset();
  aux_q_.reset();
  if (skip_consumer_close) {
    rd_kafka_destroy_flags(rk_.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  } else {
    rk_.reset();  // rd_kafka_destroy: closes the consumer first if that has not happened
  }
  assignment_.clear();
}

// ---- KafkaConsumer -----------------------------------------------------------------------

KafkaConsumer::KafkaConsumer(boost::asio::io_context& io, const std::map<std::string, std::string>& config,
                             ConsumerCallbacks callbacks)
    : impl_(std::make_unique<Impl>(io, config, std::move(callbacks))) {}

KafkaConsumer::~KafkaConsumer() = default;

std::error_code KafkaConsumer::subscribe(const std::vector<std::string>& topics) { return impl_->subscribe(topics); }

void KafkaConsumer::commit(const std::vector<TopicPartitionOffset>& offsets, CommitMode mode, CommitCallback done) {
  impl_->commit(offsets, mode, std::move(done));
}

std::error_code KafkaConsumer::pause(const std::vector<TopicPartition>& partitions) {
  return impl_->pause_resume(partitions, true);
}
std::error_code KafkaConsumer::resume(const std::vector<TopicPartition>& partitions) {
  return impl_->pause_resume(partitions, false);
}
std::error_code KafkaConsumer::pause_all() { return impl_->pause_all(); }
std::error_code KafkaConsumer::resume_all() { return impl_->resume_all(); }
void KafkaConsumer::hold() { impl_->hold(); }
void KafkaConsumer::release() { impl_->release(); }
bool KafkaConsumer::held() const noexcept { return impl_->held(); }
bool KafkaConsumer::paused_all() const noexcept { return impl_->paused_all(); }

void KafkaConsumer::close(std::vector<TopicPartitionOffset> final_offsets, std::chrono::milliseconds timeout,
                          std::function<void(std::error_code)> done) {
  impl_->close(std::move(final_offsets), timeout, std::move(done));
}

std::vector<TopicPartition> KafkaConsumer::assignment() const { return impl_->assignment(); }
bool KafkaConsumer::revoke_pending() const noexcept { return impl_->revoke_pending(); }
bool KafkaConsumer::closed() const noexcept { return impl_->closed(); }
std::vector<PartitionLag> KafkaConsumer::lag() const { return impl_->lag(); }
std::string KafkaConsumer::member_id() const { return impl_->member_id(); }

}  // namespace switchboard::kafka
