#pragma once
// Where the pipeline's records go (status events, dead letters): a Kafka producer in the
// worker, a recording fake in tests. `acked` runs once the record is durable (broker ack)
// or has definitively failed, on the pipeline's io_context thread.

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::worker {

using RecordHeaders = std::vector<std::pair<std::string, std::string>>;

class Outbox {
 public:
  virtual ~Outbox() = default;
  // `key` empty: no key. `acked(ok, error)`. The record is copied before produce returns, so
  // the caller keeps (and may reuse) its own.
  virtual void produce(const std::string& topic, const std::string& key, const std::string& value,
                       const RecordHeaders& headers, std::function<void(bool ok, const std::string& error)> acked) = 0;
};

}  // namespace switchboard::worker
