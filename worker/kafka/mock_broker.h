#pragma once
// MockCluster: librdkafka's built-in mock Kafka cluster (brokers on 127.0.0.1, random
// ports), for tests and for `switchboard broker`. In-memory only; see
// shared/notes/stack.md §3 for what the 2.0.2 mock does and does not do (no Admin API,
// topics auto-created with 4 partitions on first metadata request, 5 MiB per partition).
//
// Not thread-safe; the brokers themselves run on librdkafka's mock thread, so nothing has
// to be polled for them to serve clients. serve() only drains the owning handle's own
// queue (errors, logs).

#include <csignal>
#include <string>
#include <vector>

#include "worker/kafka/kafka_handles.h"

namespace switchboard::kafka {

struct MockTopic {
  std::string name;
  int partitions = 1;
};

class MockCluster {
 public:
  // Starts `brokers` brokers and creates `topics` (replication factor min(brokers, 3)).
  // Throws std::runtime_error naming what failed.
  MockCluster(int brokers, const std::vector<MockTopic>& topics);
  // Destroys the cluster BEFORE its handle (the reverse order asserts in librdkafka 2.0.2).
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // "127.0.0.1:port,127.0.0.1:port,...": the value for bootstrap.servers.
  const std::string& bootstrap_servers() const noexcept { return bootstrap_; }
  int broker_count() const noexcept { return brokers_; }
  // Creates another topic. Throws std::runtime_error on failure.
  void create_topic(const MockTopic& topic);
  // For fault injection (rd_kafka_mock_broker_set_down, ...).
  rd_kafka_mock_cluster_t* native() const noexcept { return cluster_.get(); }

  // An eventfd that becomes readable when the handle's queue has something to serve.
  int event_fd() const noexcept { return event_fd_.fd; }
  // Serves the handle's queue without blocking (and resets event_fd()).
  void serve();

 private:
  struct OwnedFd {
    int fd = -1;
    ~OwnedFd();
  };

  int brokers_;
  OwnedFd event_fd_;  // declared before the handle: closed after it
  RdKafkaPtr handle_;
  RdQueuePtr main_q_;
  RdMockClusterPtr cluster_;  // declared last: destroyed first
  std::string bootstrap_;
};

// Blocks SIGINT and SIGTERM in the calling thread (and in every thread it creates later,
// librdkafka's included) and turns them into a readable file descriptor. Create it BEFORE
// any librdkafka handle so no librdkafka thread can take the signal's default action.
class TerminationSignals {
 public:
  TerminationSignals();  // throws std::system_error
  ~TerminationSignals();  // restores the previous signal mask of this thread
  TerminationSignals(const TerminationSignals&) = delete;
  TerminationSignals& operator=(const TerminationSignals&) = delete;
  int fd() const noexcept { return fd_; }

 private:
  int fd_ = -1;
  sigset_t previous_{};
};

// Serves `cluster` until SIGINT or SIGTERM arrives; returns the signal number. Blocks (in
// poll(2) on both file descriptors; no timeout, no sleep).
int serve_until_signal(MockCluster& cluster, TerminationSignals& signals);

}  // namespace switchboard::kafka
