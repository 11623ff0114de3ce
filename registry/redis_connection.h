#pragma once
// hiredis 0.14 asynchronous connections driven by a Boost.Asio io_context (no polling
// thread, no sleep loop): the context's socket is watched with asio, command deadlines
// and reconnect backoff are asio timers.
//
// Conventions shared by RedisConnection and RedisSubscriber:
//   - Not thread-safe: construct, call and destroy on the io_context's thread. Callbacks
//     run on that thread, always through a post (never inline from the call that started
//     the operation, never from inside hiredis).
//   - Nothing blocks; host names are resolved with asio's resolver.
//   - The connection starts connecting at start() and reconnects by itself after any
//     failure, with capped exponential backoff (RedisOptions). The state handler is called
//     once per change between up and down, with a one-line reason (no secrets).
//   - Destroying the object drops pending callbacks without calling them; destroy it
//     before the io_context.
//
// The io_context is only forward-declared here so that users of this header do not pay
// for Asio's templates; only redis_connection.cpp includes Asio.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "registry/redis_reply.h"
#include "routing/result.h"

namespace boost::asio {
class io_context;
}

namespace switchboard::registry {

// (up, reason): reason says why it went down ("connection refused", "command timed out
// after 2000 ms") or where it is up ("redis://127.0.0.1:6379/0").
using RedisStateHandler = std::function<void(bool up, const std::string& reason)>;
using RedisCallback = std::function<void(Result<RedisReply>)>;

class RedisConnection {
 public:
  RedisConnection(boost::asio::io_context& io, RedisOptions options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Begins connecting (and keeps reconnecting until destroyed or stop()).
  void start();
  // Closes the connection; pending commands fail with kUnavailable. No reconnect.
  void stop();
  bool is_up() const noexcept;
  void on_state_change(RedisStateHandler handler);

  // Sends one command (argv, binary-safe). The callback gets the reply, including Redis
  // error replies (RedisReply::Type::kError: the caller decides), or an Error:
  //   kUnavailable  not connected (immediately), or the connection was lost before the
  //                 reply came (the command may have run);
  //   kTimeout      no reply within command_timeout (the command may have run); the
  //                 connection is then dropped and reconnected.
  void command(std::vector<std::string> argv, RedisCallback done);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// A connection in subscribe mode (it can issue no other commands). Channels are kept and
// subscribed again after every reconnect; messages published while it was down are lost
// (callers poll as well).
class RedisSubscriber {
 public:
  using MessageHandler = std::function<void(const std::string& channel, const std::string& message)>;

  RedisSubscriber(boost::asio::io_context& io, RedisOptions options);
  ~RedisSubscriber();
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  void start();
  void stop();
  // Up means connected and every channel's subscription confirmed.
  bool is_up() const noexcept;
  void on_state_change(RedisStateHandler handler);
  // Adds a channel (subscribed now when connected, else at the next connect).
  void subscribe(const std::string& channel, MessageHandler handler);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// Runs `fn` on `io`'s thread later (boost::asio::post), for code that must complete
// asynchronously without including Asio itself (FileStore, the memory idempotency store).
void post_to(boost::asio::io_context& io, std::function<void()> fn);

}  // namespace switchboard::registry
