#include "worker/kafka/mock_broker.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <system_error>

namespace switchboard::kafka {

MockCluster::MockCluster(int brokers, const std::vector<MockTopic>& topics) : brokers_(brokers) {
  if (brokers < 1) throw std::runtime_error("mock cluster: need at least one broker");
  // A producer handle with no bootstrap servers hosts the cluster.
  RdConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  // Nothing connects through this handle; keep it quiet about the missing bootstrap.
  rd_kafka_conf_set(conf.get(), "log_level", "3", errstr, sizeof errstr);
  handle_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
  if (!handle_) throw std::runtime_error(std::string("mock cluster: rd_kafka_new: ") + errstr);
  conf.release();

  event_fd_.fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_.fd < 0) throw std::system_error(errno, std::generic_category(), "mock cluster: eventfd");
  main_q_.reset(rd_kafka_queue_get_main(handle_.get()));
  static const std::uint64_t one = 1;
  rd_kafka_queue_io_event_enable(main_q_.get(), event_fd_.fd, &one, sizeof one);

  cluster_.reset(rd_kafka_mock_cluster_new(handle_.get(), brokers));
  if (!cluster_) throw std::runtime_error("mock cluster: rd_kafka_mock_cluster_new failed");
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_.get());
  for (const auto& t : topics) create_topic(t);
}

MockCluster::~MockCluster() {
  cluster_.reset();  // before the handle: the reverse order asserts
  if (main_q_) rd_kafka_queue_io_event_enable(main_q_.get(), -1, nullptr, 0);
  main_q_.reset();
  handle_.reset();
}

MockCluster::OwnedFd::~OwnedFd() {
  if (fd >= 0) ::close(fd);
}

void MockCluster::create_topic(const MockTopic& topic) {
  if (topic.name.empty() || topic.partitions < 1) {
    throw std::runtime_error("mock cluster: topic needs a name and at least one partition");
  }
  const int replication = std::min(brokers_, 3);
  if (auto err = rd_kafka_mock_topic_create(cluster_.get(), topic.name.c_str(), topic.partitions, replication)) {
    throw std::runtime_error("mock cluster: creating topic `" + topic.name + "`: " + rd_kafka_err2str(err));
  }
}

void MockCluster::serve() {
  std::uint64_t counter = 0;
  [[maybe_unused]] auto n = ::read(event_fd_.fd, &counter, sizeof counter);  // reset before draining
  rd_kafka_poll(handle_.get(), 0);
}

TerminationSignals::TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (int rc = pthread_sigmask(SIG_BLOCK, &set, &previous_); rc != 0) {
    throw std::system_error(rc, std::generic_category(), "pthread_sigmask");
  }
  fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd_ < 0) {
    const int e = errno;
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    throw std::system_error(e, std::generic_category(), "signalfd");
  }
}

TerminationSignals::~TerminationSignals() {
  ::close(fd_);
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

int serve_until_signal(MockCluster& cluster, TerminationSignals& signals) {
  cluster.serve();  // the io event fires only on empty -> non-empty
  for (;;) {
    pollfd fds[2] = {{signals.fd(), POLLIN, 0}, {cluster.event_fd(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    if (fds[1].revents & POLLIN) cluster.serve();
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(signals.fd(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        return static_cast<int>(info.ssi_signo);
      }
    }
  }
}

}  // namespace switchboard::kafka
