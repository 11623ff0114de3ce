#pragma once
// Internal to worker/kafka: the only Asio the Kafka layer uses, behind an Asio-free header so
// that one translation unit (io_bridge.cpp) pays for the Asio headers.
//
// All of it is single-threaded: call from the io_context's thread; callbacks run there.
// Destroying an EventFd or Timer guarantees its callback will not run afterwards.

#include <chrono>
#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace switchboard::kafka::detail {

// A non-blocking eventfd for rd_kafka_queue_io_event_enable, watched by Asio.
// librdkafka writes to it when a queue goes from empty to non-empty, so the owner must
// drain its queues completely after each wake-up.
class EventFd {
 public:
  explicit EventFd(boost::asio::io_context& io);  // throws std::system_error if eventfd() fails
  ~EventFd();                                     // closes the fd: detach it from librdkafka first
  EventFd(const EventFd&) = delete;
  EventFd& operator=(const EventFd&) = delete;

  int fd() const noexcept;
  // The 8-byte value librdkafka should write (an eventfd counter increment of 1).
  static const void* payload() noexcept;
  static constexpr std::size_t kPayloadSize = 8;

  // Runs `ready` once on the io thread when the fd becomes readable. The counter is reset
  // before `ready` runs, so a write during `ready` wakes the next wait. If a wait is already
  // pending the new callback replaces the old one.
  void arm(std::function<void()> ready);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// A one-shot deadline on the io_context.
class Timer {
 public:
  explicit Timer(boost::asio::io_context& io);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // (Re)starts the timer; a pending expiry is cancelled and will not run.
  void start(std::chrono::milliseconds after, std::function<void()> expired);
  void cancel() noexcept;
  bool pending() const noexcept;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Runs `fn` later on the io thread (never inline).
void post(boost::asio::io_context& io, std::function<void()> fn);
// Runs `fn` now if the caller is inside io.run() on the io thread, else posts it there.
void dispatch(boost::asio::io_context& io, std::function<void()> fn);

}  // namespace switchboard::kafka::detail
