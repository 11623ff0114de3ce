// KafkaProducer: librdkafka's idempotent producer, delivery reports dispatched on the
// io_context. The main queue (delivery reports, error_cb) signals an eventfd; each wake-up
// runs rd_kafka_poll(rk, 0), which calls dr_trampoline for every report queued, then retries
// the QUEUE_FULL backlog (a report means room was freed) and completes finished flushes.

#include "worker/kafka/producer.h"

#include <deque>
#include <stdexcept>

#include "worker/kafka/io_bridge.h"
#include "worker/kafka/kafka_handles.h"
#include "worker/kafka/rd_util.h"

namespace switchboard::kafka {

namespace {
constexpr const char* kWho = "kafka producer";
using Clock = std::chrono::steady_clock;
}  // namespace

class KafkaProducer::Impl {
 public:
  Impl(boost::asio::io_context& io, const std::map<std::string, std::string>& config,
       std::function<void(std::error_code, std::string_view)> on_error);
  ~Impl();

  void produce(std::string_view topic, std::string_view key, std::string_view payload,
               std::span<const HeaderRef> headers, DeliveryCallback done);
  void flush(std::chrono::milliseconds timeout, std::function<void(std::error_code)> done);
  ProducerHealth health() const;
  std::size_t backlog() const noexcept { return backlog_.size(); }
  std::size_t queued() const { return rk_ ? static_cast<std::size_t>(rd_kafka_outq_len(rk_.get())) : 0; }

 private:
  // One produce() awaiting its delivery report; the message's opaque. Linked into
  // pending_ so the destructor can free those librdkafka never reports.
  struct Pending {
    DeliveryCallback done;
    Pending* prev = nullptr;
    Pending* next = nullptr;
  };
  // A record refused with QUEUE_FULL, owning copies of its data.
  struct Backlogged {
    std::string topic, key, payload;
    std::vector<std::pair<std::string, std::string>> headers;
    DeliveryCallback done;
    Clock::time_point deadline;
  };
  struct FlushWaiter {
    std::uint64_t id;
    std::function<void(std::error_code)> done;
    std::unique_ptr<detail::Timer> timer;
  };

  static void dr_trampoline(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);
  static void error_trampoline(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  void on_wake();
  void on_delivery(const rd_kafka_message_t* m);
  rd_kafka_resp_err_t try_produce(std::string_view topic, std::string_view key, std::string_view payload,
                                  std::span<const HeaderRef> headers, Pending* pending);
  rd_kafka_topic_t* topic_handle(std::string_view topic);
  void retry_backlog();
  void check_flushes();
  void fail_later(DeliveryCallback done, std::string topic, std::error_code ec);
  void link(Pending* p);
  void unlink(Pending* p);
  bool idle() const noexcept { return backlog_.empty() && pending_count_ == 0; }

  boost::asio::io_context& io_;
  std::function<void(std::error_code, std::string_view)> on_error_;
  std::chrono::milliseconds message_timeout_{300000};

  // The fd outlives the handle (librdkafka writes to it until rd_kafka_destroy returns);
  // topic handles and the queue go before the handle.
  detail::EventFd wake_;
  RdKafkaPtr rk_;
  RdQueuePtr main_q_;
  std::map<std::string, RdTopicPtr, std::less<>> topics_;

  Pending* pending_head_ = nullptr;
  std::size_t pending_count_ = 0;
  std::deque<Backlogged> backlog_;
  std::vector<FlushWaiter> flushes_;
  std::uint64_t next_flush_id_ = 1;

  bool fatal_ = false;
  std::string fatal_reason_;
  bool all_brokers_down_ = false;
  std::shared_ptr<char> life_ = std::make_shared<char>();  // posted closures hold a weak_ptr
};

KafkaProducer::Impl::Impl(boost::asio::io_context& io, const std::map<std::string, std::string>& config,
                          std::function<void(std::error_code, std::string_view)> on_error)
    : io_(io), on_error_(std::move(on_error)), wake_(io) {
  if (auto it = config.find("bootstrap.servers"); it == config.end() || it->second.empty()) {
    throw std::invalid_argument(std::string(kWho) + ": librdkafka property `bootstrap.servers` is required");
  }
  const detail::Properties defaults = {
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "5"},
      {"compression.type", "lz4"},
  };
  message_timeout_ = std::chrono::milliseconds(detail::int_property(
      kWho, config, "message.timeout.ms",
      detail::int_property(kWho, config, "delivery.timeout.ms", 300000)));

  RdConfPtr conf = detail::make_conf(kWho, config, defaults);
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Impl::dr_trampoline);
  rd_kafka_conf_set_error_cb(conf.get(), &Impl::error_trampoline);

  char errstr[512];
  rk_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
  if (!rk_) throw std::invalid_argument(std::string(kWho) + ": " + errstr);
  conf.release();  // owned by rk_ now

  main_q_.reset(rd_kafka_queue_get_main(rk_.get()));
  rd_kafka_queue_io_event_enable(main_q_.get(), wake_.fd(), detail::EventFd::payload(), detail::EventFd::kPayloadSize);
  wake_.arm([this] { on_wake(); });
  // The io event fires only on empty -> non-empty: serve once in case something is queued.
  detail::post(io_, [this, weak = std::weak_ptr<char>(life_)] {
    if (weak.lock()) rd_kafka_poll(rk_.get(), 0);
  });
}

KafkaProducer::Impl::~Impl() {
  if (main_q_) rd_kafka_queue_io_event_enable(main_q_.get(), -1, nullptr, 0);
  main_q_.reset();
  if (rk_) {
    // Undelivered messages are dropped: their reports are never served, and the
    // Pending records are freed below without calling back into a half-destroyed owner.
    rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    topics_.clear();
    rk_.reset();
  }
  while (pending_head_ != nullptr) {
    Pending* p = pending_head_;
    unlink(p);
    delete p;
  }
}

// ---- librdkafka callbacks (run inside rd_kafka_poll on the io thread) ---------------------

void KafkaProducer::Impl::dr_trampoline(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  static_cast<Impl*>(opaque)->on_delivery(m);
}

void KafkaProducer::Impl::error_trampoline(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<Impl*>(opaque);
  std::string text = reason;
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal[512];
    const rd_kafka_resp_err_t code = rd_kafka_fatal_error(rk, fatal, sizeof fatal);
    self->fatal_ = true;
    self->fatal_reason_ = std::string(rd_kafka_err2name(code)) + ": " + fatal;
    text = "fatal producer error (" + self->fatal_reason_ + "). Hint: the producer must be recreated.";
  } else if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    self->all_brokers_down_ = true;
  }
  if (self->on_error_) self->on_error_(kafka_error(err), text);
}

void KafkaProducer::Impl::on_delivery(const rd_kafka_message_t* m) {
  auto* p = static_cast<Pending*>(m->_private);
  if (p == nullptr) return;
  unlink(p);
  std::unique_ptr<Pending> owned(p);
  DeliveryResult r;
  r.topic = m->rkt != nullptr ? rd_kafka_topic_name(m->rkt) : "";
  r.partition = m->partition;
  if (m->err) {
    r.error = kafka_error(m->err);
    r.possibly_persisted = rd_kafka_message_status(m) != RD_KAFKA_MSG_STATUS_NOT_PERSISTED;
  } else {
    r.offset = m->offset;
    all_brokers_down_ = false;
  }
  if (p->done) p->done(r);
}

// ---- io ----------------------------------------------------------------------------------

void KafkaProducer::Impl::on_wake() {
  rd_kafka_poll(rk_.get(), 0);  // dispatches every delivery report queued
  retry_backlog();
  check_flushes();
  wake_.arm([this] { on_wake(); });
}

void KafkaProducer::Impl::link(Pending* p) {
  p->prev = nullptr;
  p->next = pending_head_;
  if (pending_head_ != nullptr) pending_head_->prev = p;
  pending_head_ = p;
  ++pending_count_;
}

void KafkaProducer::Impl::unlink(Pending* p) {
  if (p->prev != nullptr) p->prev->next = p->next;
  else pending_head_ = p->next;
  if (p->next != nullptr) p->next->prev = p->prev;
  p->prev = p->next = nullptr;
  --pending_count_;
}

rd_kafka_topic_t* KafkaProducer::Impl::topic_handle(std::string_view topic) {
  auto it = topics_.find(topic);
  if (it != topics_.end()) return it->second.get();
  std::string name(topic);
  RdTopicPtr handle(rd_kafka_topic_new(rk_.get(), name.c_str(), nullptr));
  if (!handle) return nullptr;
  return topics_.emplace(std::move(name), std::move(handle)).first->second.get();
}

rd_kafka_resp_err_t KafkaProducer::Impl::try_produce(std::string_view topic, std::string_view key,
                                                     std::string_view payload, std::span<const HeaderRef> headers,
                                                     Pending* pending) {
  rd_kafka_topic_t* rkt = topic_handle(topic);
  if (rkt == nullptr) return rd_kafka_last_error();
  RdHeadersPtr hdrs;
  if (!headers.empty()) {
    hdrs.reset(rd_kafka_headers_new(headers.size()));
    for (const auto& h : headers) {
      rd_kafka_header_add(hdrs.get(), h.key.data(), static_cast<ssize_t>(h.key.size()), h.value.data(),
                          static_cast<ssize_t>(h.value.size()));
    }
  }
  // RD_KAFKA_V_VALUE/KEY take non-const pointers; MSG_F_COPY makes librdkafka copy them.
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      rk_.get(), RD_KAFKA_V_RKT(rkt),
      RD_KAFKA_V_KEY(key.empty() ? nullptr : const_cast<char*>(key.data()), key.size()),
      RD_KAFKA_V_VALUE(payload.empty() ? nullptr : const_cast<char*>(payload.data()), payload.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(hdrs.get()), RD_KAFKA_V_OPAQUE(pending),
      RD_KAFKA_V_END);
  if (!err) (void)hdrs.release();  // librdkafka owns the headers once the message is queued
  return err;
}

void KafkaProducer::Impl::fail_later(DeliveryCallback done, std::string topic, std::error_code ec) {
  if (!done) return;
  detail::post(io_, [done = std::move(done), topic = std::move(topic), ec] {
    DeliveryResult r;
    r.error = ec;
    r.topic = topic;
    done(r);
  });
}

void KafkaProducer::Impl::produce(std::string_view topic, std::string_view key, std::string_view payload,
                                  std::span<const HeaderRef> headers, DeliveryCallback done) {
  auto queue_behind = [&] {
    Backlogged b{std::string(topic), std::string(key), std::string(payload), {}, std::move(done),
                 Clock::now() + message_timeout_};
    b.headers.reserve(headers.size());
    for (const auto& h : headers) b.headers.emplace_back(h.key, h.value);
    backlog_.push_back(std::move(b));
  };
  if (!backlog_.empty()) {  // keep order: nothing overtakes the backlog
    queue_behind();
    return;
  }
  auto p = std::make_unique<Pending>();
  p->done = std::move(done);
  link(p.get());
  const rd_kafka_resp_err_t err = try_produce(topic, key, payload, headers, p.get());
  if (!err) {
    (void)p.release();  // freed in on_delivery (or the destructor)
    return;
  }
  unlink(p.get());
  done = std::move(p->done);
  // QUEUE_FULL with nothing queued means the record can never fit: fail it.
  if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && pending_count_ > 0) {
    queue_behind();
    return;
  }
  fail_later(std::move(done), std::string(topic), kafka_error(err));
}

void KafkaProducer::Impl::retry_backlog() {
  while (!backlog_.empty()) {
    Backlogged& b = backlog_.front();
    if (Clock::now() >= b.deadline) {
      fail_later(std::move(b.done), std::move(b.topic), make_error_code(Errc::message_timed_out));
      backlog_.pop_front();
      continue;
    }
    std::vector<HeaderRef> headers;
    headers.reserve(b.headers.size());
    for (const auto& [k, v] : b.headers) headers.push_back({k, v});
    auto p = std::make_unique<Pending>();
    p->done = std::move(b.done);
    link(p.get());
    const rd_kafka_resp_err_t err = try_produce(b.topic, b.key, b.payload, headers, p.get());
    if (!err) {
      (void)p.release();
      backlog_.pop_front();
      continue;
    }
    unlink(p.get());
    b.done = std::move(p->done);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && pending_count_ > 0) return;  // wait for the next report
    fail_later(std::move(b.done), std::move(b.topic), kafka_error(err));
    backlog_.pop_front();
  }
}

void KafkaProducer::Impl::flush(std::chrono::milliseconds timeout, std::function<void(std::error_code)> done) {
  if (idle()) {
    detail::post(io_, [done = std::move(done)] { done({}); });
    return;
  }
  const std::uint64_t id = next_flush_id_++;
  auto timer = std::make_unique<detail::Timer>(io_);
  timer->start(timeout, [this, id] {
    for (auto it = flushes_.begin(); it != flushes_.end(); ++it) {
      if (it->id != id) continue;
      auto cb = std::move(it->done);
      flushes_.erase(it);  // destroys this timer; its callback object stays alive until we return
      detail::post(io_, [cb = std::move(cb)] { cb(make_error_code(Errc::timed_out)); });
      return;
    }
  });
  flushes_.push_back({id, std::move(done), std::move(timer)});
}

void KafkaProducer::Impl::check_flushes() {
  if (flushes_.empty() || !idle()) return;
  auto waiters = std::move(flushes_);
  flushes_.clear();
  for (auto& w : waiters) {
    w.timer->cancel();
    detail::post(io_, [cb = std::move(w.done)] { cb({}); });
  }
}

ProducerHealth KafkaProducer::Impl::health() const {
  ProducerHealth h;
  h.fatal = fatal_;
  h.fatal_reason = fatal_reason_;
  h.all_brokers_down = all_brokers_down_;
  h.queued = queued();
  h.backlog = backlog_.size();
  h.awaiting_callback = pending_count_ + backlog_.size();
  return h;
}

// ---- KafkaProducer -----------------------------------------------------------------------

KafkaProducer::KafkaProducer(boost::asio::io_context& io, const std::map<std::string, std::string>& config,
                             std::function<void(std::error_code, std::string_view)> on_error)
    : impl_(std::make_unique<Impl>(io, config, std::move(on_error))) {}

KafkaProducer::~KafkaProducer() = default;

void KafkaProducer::produce(std::string_view topic, std::string_view key, std::string_view payload,
                            std::span<const HeaderRef> headers, DeliveryCallback done) {
  impl_->produce(topic, key, payload, headers, std::move(done));
}

void KafkaProducer::produce(std::string_view topic, std::string_view key, std::string_view payload,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            DeliveryCallback done) {
  std::vector<HeaderRef> refs;
  refs.reserve(headers.size());
  for (const auto& [k, v] : headers) refs.push_back({k, v});
  impl_->produce(topic, key, payload, refs, std::move(done));
}

void KafkaProducer::flush(std::chrono::milliseconds timeout, std::function<void(std::error_code)> done) {
  impl_->flush(timeout, std::move(done));
}

ProducerHealth KafkaProducer::health() const { return impl_->health(); }
std::size_t KafkaProducer::backlog() const noexcept { return impl_->backlog(); }
std::size_t KafkaProducer::queued() const { return impl_->queued(); }

}  // namespace switchboard::kafka
