// The Kafka layer's only Asio translation unit.

#include "worker/kafka/io_bridge.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace switchboard::kafka::detail {

namespace asio = boost::asio;

struct EventFd::State {
  explicit State(asio::io_context& io) : sd(io) {}
  asio::posix::stream_descriptor sd;
  std::function<void()> ready;
  bool alive = true;
  bool waiting = false;
};

EventFd::EventFd(asio::io_context& io) : state_(std::make_shared<State>(io)) {
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  state_->sd.assign(fd);
}

EventFd::~EventFd() {
  state_->alive = false;
  state_->ready = nullptr;
  boost::system::error_code ignored;
  state_->sd.close(ignored);  // cancels the pending wait; its handler sees !alive
}

int EventFd::fd() const noexcept { return state_->sd.native_handle(); }

const void* EventFd::payload() noexcept {
  static const std::uint64_t one = 1;
  return &one;
}

void EventFd::arm(std::function<void()> ready) {
  state_->ready = std::move(ready);
  if (state_->waiting) return;
  state_->waiting = true;
  state_->sd.async_wait(asio::posix::stream_descriptor::wait_read,
                        [state = state_](const boost::system::error_code& ec) {
                          state->waiting = false;
                          if (!state->alive || ec) return;
                          std::uint64_t counter = 0;
                          // Reset before the owner drains: a write after this read wakes us again.
                          [[maybe_unused]] auto n = ::read(state->sd.native_handle(), &counter, sizeof counter);
                          auto ready = std::move(state->ready);
                          state->ready = nullptr;
                          if (ready) ready();
                        });
}

struct Timer::State {
  explicit State(asio::io_context& io) : timer(io) {}
  asio::steady_timer timer;
  std::uint64_t generation = 0;
  bool pending = false;
};

Timer::Timer(asio::io_context& io) : state_(std::make_shared<State>(io)) {}

Timer::~Timer() { cancel(); }

void Timer::start(std::chrono::milliseconds after, std::function<void()> expired) {
  cancel();
  const std::uint64_t generation = state_->generation;
  state_->pending = true;
  state_->timer.expires_after(after);
  state_->timer.async_wait([state = state_, generation, expired = std::move(expired)](
                               const boost::system::error_code& ec) {
    if (ec || generation != state->generation) return;
    state->pending = false;
    expired();
  });
}

void Timer::cancel() noexcept {
  ++state_->generation;  // a handler already queued for running sees a stale generation
  state_->pending = false;
  state_->timer.cancel();
}

bool Timer::pending() const noexcept { return state_->pending; }

void post(asio::io_context& io, std::function<void()> fn) { asio::post(io, std::move(fn)); }

void dispatch(asio::io_context& io, std::function<void()> fn) { asio::dispatch(io, std::move(fn)); }

}  // namespace switchboard::kafka::detail
