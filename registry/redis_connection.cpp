// The only translation unit of registry/ that includes Asio (each one costs ~30 s to
// compile on two cores): the hiredis event adapter, the connection state machine with its
// timers, and post_to() for the other stores.

#include "registry/redis_connection.h"

#include <csignal>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <hiredis/async.h>

#include "registry/integration_store.h"
#include "registry/redis_reply_hiredis.h"

namespace switchboard::registry {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct AsyncContextDeleter {
  void operator()(redisAsyncContext* context) const noexcept { redisAsyncFree(context); }
};
using AsyncContextPtr = std::unique_ptr<redisAsyncContext, AsyncContextDeleter>;

// hiredis writes with write(2): a peer that went away would raise SIGPIPE and kill the
// process. Ignore it, unless the program installed its own handler.
void ignore_sigpipe_once() {
  static const bool done = [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      std::signal(SIGPIPE, SIG_IGN);
    }
    return true;
  }();
  (void)done;
}

// hiredis's event hooks on an asio stream_descriptor watching the context's socket.
//
// One wait per direction at most: asio's wait types are an enum (read, write, error), not
// flags, so a single "read|write" wait would be a write wait that fires at once and spins.
// hiredis owns and closes the fd: cleanup releases it from asio first. Wait handlers hold
// the adapter (shared_from_this) and check `dead_` after every hiredis call, because that
// call may have freed the context; the adapter keeps itself alive (self_) until cleanup.
class AsioAdapter : public std::enable_shared_from_this<AsioAdapter> {
 public:
  static void attach(asio::io_context& io, redisAsyncContext* context) {
    std::shared_ptr<AsioAdapter> adapter(new AsioAdapter(io, context));
    adapter->self_ = adapter;
    context->ev.data = adapter.get();
    context->ev.addRead = [](void* data) { static_cast<AsioAdapter*>(data)->add_read(); };
    context->ev.delRead = [](void* data) { static_cast<AsioAdapter*>(data)->want_read_ = false; };
    context->ev.addWrite = [](void* data) { static_cast<AsioAdapter*>(data)->add_write(); };
    context->ev.delWrite = [](void* data) { static_cast<AsioAdapter*>(data)->want_write_ = false; };
    context->ev.cleanup = [](void* data) { static_cast<AsioAdapter*>(data)->cleanup(); };
  }

 private:
  AsioAdapter(asio::io_context& io, redisAsyncContext* context) : descriptor_(io, context->c.fd), context_(context) {}

  void add_read() {
    want_read_ = true;
    arm_read();
  }
  void add_write() {
    want_write_ = true;
    arm_write();
  }

  void arm_read() {
    if (dead_ || reading_ || !want_read_) return;
    reading_ = true;
    descriptor_.async_wait(asio::posix::stream_descriptor::wait_read,
                           [self = shared_from_this()](const boost::system::error_code& ec) {
                             self->reading_ = false;
                             if (self->dead_ || ec == asio::error::operation_aborted) return;
                             // Other errors: let hiredis read and find out what happened.
                             if (self->want_read_) redisAsyncHandleRead(self->context_);
                             self->arm_read();
                           });
  }

  void arm_write() {
    if (dead_ || writing_ || !want_write_) return;
    writing_ = true;
    descriptor_.async_wait(asio::posix::stream_descriptor::wait_write,
                           [self = shared_from_this()](const boost::system::error_code& ec) {
                             self->writing_ = false;
                             if (self->dead_ || ec == asio::error::operation_aborted) return;
                             if (self->want_write_) redisAsyncHandleWrite(self->context_);
                             self->arm_write();
                           });
  }

  // Called by hiredis while it frees the context (it closes the fd right after).
  void cleanup() {
    auto keep = std::move(self_);  // destroy this only when the function is done
    dead_ = true;
    context_ = nullptr;
    boost::system::error_code ignored;
    descriptor_.cancel(ignored);
    descriptor_.release();
  }

  asio::posix::stream_descriptor descriptor_;
  redisAsyncContext* context_;
  bool want_read_ = false;
  bool want_write_ = false;
  bool reading_ = false;
  bool writing_ = false;
  bool dead_ = false;
  std::shared_ptr<AsioAdapter> self_;
};

std::string ms_text(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

}  // namespace

// ---- the connection state machine shared by commands and subscriptions -------------------

// Connect (resolve, TCP, AUTH, SELECT), keep the FIFO of commands in flight with their
// deadlines, tear down and reconnect with backoff. Subclasses say what "ready" means.
//
// Rule: nothing frees the hiredis context from inside a hiredis callback; such callbacks
// only record what happened and post the teardown (drop_later). User callbacks are always
// posted, guarded by a weak pointer so that they are dropped once the object is gone.
class ConnectionCore : public std::enable_shared_from_this<ConnectionCore> {
 public:
  ConnectionCore(asio::io_context& io, RedisOptions options)
      : options_(std::move(options)),
        io_(io),
        resolver_(io),
        connect_timer_(io),
        deadline_timer_(io),
        reconnect_timer_(io),
        random_(std::random_device{}()) {}

  virtual ~ConnectionCore() { release_context(); }

  ConnectionCore(const ConnectionCore&) = delete;
  ConnectionCore& operator=(const ConnectionCore&) = delete;

  void start() {
    if (state_ != State::kIdle) return;
    ignore_sigpipe_once();
    stopped_ = false;
    begin_connect();
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    drop("stopped");
  }

  bool is_up() const noexcept { return state_ == State::kUp; }
  // True from the moment the object starts being destroyed (hiredis callbacks then stop).
  bool destroying() const noexcept { return destroying_; }
  void set_state_handler(RedisStateHandler handler) { state_handler_ = std::move(handler); }

  asio::io_context& io() { return io_; }

  // Runs `fn` later on the io thread unless this object is gone by then.
  template <typename Fn>
  void post_guarded(Fn fn) {
    asio::post(io_, [weak = weak_from_this(), fn = std::move(fn)]() mutable {
      if (auto self = weak.lock()) fn();
    });
  }

 protected:
  enum class State : std::uint8_t { kIdle, kConnecting, kHandshake, kUp, kBroken, kWaiting, kStopped };
  using Completion = std::function<void(Result<RedisReply>)>;

  // The context is connected and authenticated: subscribe or declare the connection up.
  virtual void on_ready() = 0;
  // The context is gone (drop); forget per-connection state.
  virtual void on_lost() {}

  // Sends through the FIFO with a deadline. `done` runs inline from the hiredis callback
  // (or now, when sending fails): it must only record or post.
  void send(const std::vector<std::string>& argv, Completion done) {
    if (!ctx_) {
      done(Error{kUnavailable, options_.name + ": not connected"});
      return;
    }
    std::vector<const char*> pointers;
    std::vector<std::size_t> lengths;
    pointers.reserve(argv.size());
    lengths.reserve(argv.size());
    for (const std::string& arg : argv) {
      pointers.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    const std::uint64_t seq = ++next_seq_;
    if (redisAsyncCommandArgv(ctx_.get(), &ConnectionCore::on_reply, reinterpret_cast<void*>(seq),
                              static_cast<int>(argv.size()), pointers.data(), lengths.data()) != REDIS_OK) {
      done(Error{kUnavailable, options_.name + ": the connection is closing"});
      return;
    }
    pending_.push_back({seq, Clock::now() + options_.command_timeout, std::move(done)});
    if (!deadline_armed_) arm_deadline(pending_.back().deadline);
  }

  // Declares the connection up (after on_ready's work is done).
  void mark_up() {
    state_ = State::kUp;
    attempt_ = 0;
    connect_timer_.cancel();
    notify_state(true, redact_redis_url(options_.endpoint));
  }

  // Tears down now and schedules a reconnect. Never call from inside a hiredis callback.
  void drop(const std::string& reason) {
    ++generation_;
    resolver_.cancel();
    connect_timer_.cancel();
    reconnect_timer_.cancel();
    last_reason_ = reason;
    if (ctx_) {
      dropping_ = true;
      ctx_.reset();  // hiredis fails every callback with a NULL reply: see on_reply
      dropping_ = false;
    }
    fail_pending(options_.name + ": connection lost (" + reason + ")");
    on_lost();
    notify_state(false, reason);
    if (stopped_) {
      state_ = State::kStopped;
      return;
    }
    state_ = State::kWaiting;
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    const auto delay = backoff_delay(attempt_, options_.reconnect_initial, options_.reconnect_max, unit);
    ++attempt_;
    reconnect_timer_.expires_after(delay);
    reconnect_timer_.async_wait([weak = weak_from_this(), generation = generation_](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!self || ec || self->generation_ != generation) return;
      self->begin_connect();
    });
  }

  // From inside hiredis callbacks: the context is unusable now, the teardown comes later.
  void drop_later(const std::string& reason) {
    if (state_ == State::kBroken) return;
    state_ = State::kBroken;
    post_guarded([this, reason, generation = generation_] {
      if (generation_ == generation) drop(reason);
    });
  }

  // Frees the context for good; hiredis's callbacks during the free see destroying_ and do
  // nothing. Derived destructors call it first, so those callbacks never meet a
  // half-destroyed object (the base destructor's call is then a no-op).
  void release_context() {
    destroying_ = true;
    ctx_.reset();
  }

  redisAsyncContext* context() { return ctx_.get(); }
  State state() const noexcept { return state_; }

  RedisOptions options_;

 private:
  struct Pending {
    std::uint64_t seq;
    Clock::time_point deadline;
    Completion done;
  };

  void notify_state(bool up, const std::string& reason) {
    if (notified_up_ == up) return;
    notified_up_ = up;
    if (!state_handler_) return;
    post_guarded([this, up, reason] {
      if (state_handler_) state_handler_(up, reason);
    });
  }

  void begin_connect() {
    state_ = State::kConnecting;
    const auto generation = ++generation_;
    connect_timer_.expires_after(options_.command_timeout);
    connect_timer_.async_wait([weak = weak_from_this(), generation](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!self || ec || self->generation_ != generation || self->state_ == State::kUp) return;
      self->drop("could not connect within " + ms_text(self->options_.command_timeout));
    });
    resolver_.async_resolve(
        options_.endpoint.host, std::to_string(options_.endpoint.port),
        [weak = weak_from_this(), generation](const boost::system::error_code& ec,
                                              const asio::ip::tcp::resolver::results_type& results) {
          auto self = weak.lock();
          if (!self || self->generation_ != generation) return;
          if (ec || results.empty()) {
            self->drop("cannot resolve " + self->options_.endpoint.host + ": " +
                       (ec ? ec.message() : std::string("no address")));
            return;
          }
          self->connect_to(results.begin()->endpoint().address().to_string());
        });
  }

  void connect_to(const std::string& address) {
    redisAsyncContext* raw = redisAsyncConnect(address.c_str(), options_.endpoint.port);
    if (raw == nullptr) {
      drop("out of memory creating the hiredis context");
      return;
    }
    if (raw->err != 0) {
      const std::string reason = raw->errstr;
      redisAsyncFree(raw);  // no adapter or callbacks attached yet
      drop(reason);
      return;
    }
    ctx_.reset(raw);
    raw->data = this;
    redisEnableKeepAlive(&raw->c);  // notices a silently vanished server (subscriber)
    AsioAdapter::attach(io_, raw);
    redisAsyncSetDisconnectCallback(raw, &ConnectionCore::on_disconnect);
    // In 0.14 this call arms the first write wait that detects the connect: attach first.
    redisAsyncSetConnectCallback(raw, &ConnectionCore::on_connect);
  }

  static void on_connect(const redisAsyncContext* context, int status) {
    auto* self = static_cast<ConnectionCore*>(context->data);
    if (self->destroying_) return;
    if (status != REDIS_OK) {
      // hiredis frees the context after this returns.
      const std::string reason = context->errstr[0] != '\0' ? context->errstr : "connect failed";
      self->ctx_.release();
      self->drop_later(reason);
      return;
    }
    self->handshake();
  }

  static void on_disconnect(const redisAsyncContext* context, int status) {
    auto* self = static_cast<ConnectionCore*>(context->data);
    if (self->destroying_ || self->dropping_) return;
    // The server closed the connection or I/O failed; hiredis frees the context next.
    const std::string reason =
        status == REDIS_OK || context->errstr[0] == '\0' ? "connection closed by the server" : context->errstr;
    self->ctx_.release();
    self->drop_later(reason);
  }

  static void on_reply(redisAsyncContext* context, void* reply, void* privdata) {
    auto* self = static_cast<ConnectionCore*>(context->data);
    if (self->destroying_) return;
    self->complete(reinterpret_cast<std::uint64_t>(privdata), static_cast<const redisReply*>(reply));
  }

  void complete(std::uint64_t seq, const redisReply* reply) {
    // A command that timed out was already failed and removed; its late callback (NULL
    // while the context is freed) matches nothing.
    if (pending_.empty() || pending_.front().seq != seq) return;
    Completion done = std::move(pending_.front().done);
    pending_.pop_front();
    if (reply == nullptr) {
      done(Error{kUnavailable, options_.name + ": connection lost before the reply arrived" +
                                   (dropping_ ? " (" + last_reason_ + ")" : std::string())});
    } else {
      done(convert_reply(*reply));
    }
  }

  void fail_pending(const std::string& message) {
    auto pending = std::move(pending_);
    pending_.clear();
    for (Pending& entry : pending) entry.done(Error{kUnavailable, message});
  }

  // One timer for the whole FIFO: replies come in order, so the front has the earliest
  // deadline. Armed when the queue becomes non-empty, moved forward when it fires early.
  void arm_deadline(Clock::time_point when) {
    deadline_armed_ = true;
    deadline_timer_.expires_at(when);
    deadline_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!self || ec) return;
      self->check_deadline();
    });
  }

  void check_deadline() {
    deadline_armed_ = false;
    if (pending_.empty()) return;
    if (pending_.front().deadline > Clock::now()) {
      arm_deadline(pending_.front().deadline);
      return;
    }
    Completion done = std::move(pending_.front().done);
    pending_.pop_front();
    const std::string reason = "no reply within " + ms_text(options_.command_timeout);
    done(Error{kTimeout, options_.name + ": " + reason + " (the command may have run)"});
    // The reply may still come and would be taken for the next command's: start over.
    drop(reason);
  }

  // AUTH and SELECT before anything else, then the subclass's on_ready.
  void handshake() {
    state_ = State::kHandshake;
    std::vector<std::vector<std::string>> steps;
    const RedisEndpoint& endpoint = options_.endpoint;
    if (!endpoint.password.empty()) {
      if (endpoint.username.empty()) {
        steps.push_back({"AUTH", endpoint.password});
      } else {
        steps.push_back({"AUTH", endpoint.username, endpoint.password});
      }
    }
    if (endpoint.db != 0) steps.push_back({"SELECT", std::to_string(endpoint.db)});
    run_handshake(std::move(steps), 0);
  }

  void run_handshake(std::vector<std::vector<std::string>> steps, std::size_t index) {
    if (index == steps.size()) {
      on_ready();
      return;
    }
    const std::string name = steps[index][0];
    auto argv = steps[index];
    send(argv, [this, steps = std::move(steps), index, name](Result<RedisReply> result) mutable {
      if (!result.ok()) return;  // the connection is already being dropped
      if (result.value().is_error()) {
        // Redis's error text names the problem (WRONGPASS, NOAUTH, ERR DB index...), not the secret.
        drop_later(name + " failed: " + result.value().text);
        return;
      }
      run_handshake(std::move(steps), index + 1);
    });
  }

  asio::io_context& io_;
  asio::ip::tcp::resolver resolver_;
  asio::steady_timer connect_timer_;
  asio::steady_timer deadline_timer_;
  asio::steady_timer reconnect_timer_;
  std::mt19937_64 random_;
  AsyncContextPtr ctx_;
  std::deque<Pending> pending_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t generation_ = 0;
  unsigned attempt_ = 0;
  State state_ = State::kIdle;
  bool stopped_ = false;
  bool destroying_ = false;
  bool dropping_ = false;
  bool deadline_armed_ = false;
  std::optional<bool> notified_up_;
  std::string last_reason_;
  RedisStateHandler state_handler_;
};

// ---- RedisConnection ----------------------------------------------------------------------

struct RedisConnection::Impl final : ConnectionCore {
  using ConnectionCore::ConnectionCore;
  ~Impl() override { release_context(); }

  void on_ready() override { mark_up(); }

  void command(std::vector<std::string> argv, RedisCallback done) {
    if (state() != State::kUp || context() == nullptr) {
      std::string message = options_.name + ": not connected to " + redact_redis_url(options_.endpoint);
      post_guarded([done = std::move(done), message = std::move(message)] { done(Error{kUnavailable, message}); });
      return;
    }
    send(argv, [this, done = std::move(done)](Result<RedisReply> result) mutable {
      post_guarded([done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
    });
  }
};

RedisConnection::RedisConnection(boost::asio::io_context& io, RedisOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}
RedisConnection::~RedisConnection() = default;
void RedisConnection::start() { impl_->start(); }
void RedisConnection::stop() { impl_->stop(); }
bool RedisConnection::is_up() const noexcept { return impl_->is_up(); }
void RedisConnection::on_state_change(RedisStateHandler handler) { impl_->set_state_handler(std::move(handler)); }
void RedisConnection::command(std::vector<std::string> argv, RedisCallback done) {
  impl_->command(std::move(argv), std::move(done));
}

// ---- RedisSubscriber ----------------------------------------------------------------------

struct RedisSubscriber::Impl final : ConnectionCore {
  Impl(asio::io_context& io, RedisOptions options) : ConnectionCore(io, std::move(options)), subscribe_timer_(io) {}
  ~Impl() override { release_context(); }

  void on_ready() override {
    ready_ = true;
    if (channels_.empty()) {
      mark_up();
      return;
    }
    std::vector<std::string> names;
    for (const auto& [name, handler] : channels_) names.push_back(name);
    send_subscribe(names);
  }

  void on_lost() override {
    ready_ = false;
    confirmed_.clear();
    subscribe_timer_.cancel();
  }

  void subscribe(const std::string& channel, MessageHandler handler) {
    const bool known = channels_.contains(channel);
    channels_[channel] = std::move(handler);
    if (!known && ready_ && context() != nullptr) send_subscribe({channel});
  }

 private:
  void send_subscribe(const std::vector<std::string>& names) {
    std::vector<std::string> argv{"SUBSCRIBE"};
    argv.insert(argv.end(), names.begin(), names.end());
    std::vector<const char*> pointers;
    std::vector<std::size_t> lengths;
    for (const std::string& arg : argv) {
      pointers.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    // Subscription replies do not go through the FIFO: hiredis calls this callback for
    // the confirmations and for every message of these channels.
    if (redisAsyncCommandArgv(context(), &Impl::on_message, nullptr, static_cast<int>(argv.size()), pointers.data(),
                              lengths.data()) != REDIS_OK) {
      drop_later("SUBSCRIBE could not be sent");
      return;
    }
    subscribe_timer_.expires_after(options_.command_timeout);
    subscribe_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto core = weak.lock();
      if (!core || ec) return;
      auto* self = static_cast<Impl*>(core.get());
      if (self->confirmed_.size() < self->channels_.size()) {
        self->drop("SUBSCRIBE not confirmed within " + ms_text(self->options_.command_timeout));
      }
    });
  }

  static void on_message(redisAsyncContext* context, void* raw, void*) {
    auto* core = static_cast<ConnectionCore*>(context->data);
    if (core->destroying() || raw == nullptr) return;  // NULL: the context is being freed
    auto* self = static_cast<Impl*>(core);
    const RedisReply reply = convert_reply(*static_cast<const redisReply*>(raw));
    if (!reply.is_array() || reply.elements.size() < 3) return;
    const std::string& kind = reply.elements[0].text;
    const std::string& channel = reply.elements[1].text;
    if (kind == "subscribe") {
      self->confirmed_.insert(channel);
      if (self->confirmed_.size() >= self->channels_.size()) {
        self->subscribe_timer_.cancel();
        if (!self->is_up()) self->mark_up();
      }
    } else if (kind == "message") {
      const auto it = self->channels_.find(channel);
      if (it == self->channels_.end()) return;
      self->post_guarded([handler = it->second, channel, message = reply.elements[2].text] { handler(channel, message); });
    }
  }

  std::map<std::string, MessageHandler> channels_;
  std::set<std::string> confirmed_;
  asio::steady_timer subscribe_timer_;
  bool ready_ = false;
};

RedisSubscriber::RedisSubscriber(boost::asio::io_context& io, RedisOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}
RedisSubscriber::~RedisSubscriber() = default;
void RedisSubscriber::start() { impl_->start(); }
void RedisSubscriber::stop() { impl_->stop(); }
bool RedisSubscriber::is_up() const noexcept { return impl_->is_up(); }
void RedisSubscriber::on_state_change(RedisStateHandler handler) { impl_->set_state_handler(std::move(handler)); }
void RedisSubscriber::subscribe(const std::string& channel, MessageHandler handler) {
  impl_->subscribe(channel, std::move(handler));
}

void post_to(boost::asio::io_context& io, std::function<void()> fn) { asio::post(io, std::move(fn)); }

}  // namespace switchboard::registry
