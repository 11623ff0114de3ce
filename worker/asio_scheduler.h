#pragma once
// providers::Scheduler on an io_context: steady_timer per deferred task.

#include "providers/scheduler.h"

namespace boost::asio {
class io_context;
}

namespace switchboard::worker {

class AsioScheduler final : public providers::Scheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io) : io_(io) {}
  std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override;

 private:
  boost::asio::io_context& io_;
};

}  // namespace switchboard::worker
