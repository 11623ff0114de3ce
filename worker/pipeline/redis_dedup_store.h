#pragma once
// Completed event ids in Redis: `{prefix}dedup:{id}` set with SET NX EX once an event
// completed, looked up with EXISTS before dispatch. While Redis is down both calls fail at
// once (the connection does not queue), so the pipeline never waits on dedup.

#include <memory>
#include <string>

#include "registry/redis_connection.h"
#include "worker/pipeline/dedup_store.h"

namespace switchboard::worker {

class RedisDedupStore final : public DedupStore {
 public:
  RedisDedupStore(boost::asio::io_context& io, registry::RedisOptions options, std::string key_prefix);
  void seen(const std::string& event_id, std::function<void(Result<bool>)> done) override;
  void record(const std::string& event_id, std::uint32_t ttl_s, std::function<void(Result<bool>)> done) override;

 private:
  std::string key(const std::string& event_id) const { return prefix_ + "dedup:" + event_id; }
  registry::RedisConnection connection_;
  std::string prefix_;
};

}  // namespace switchboard::worker
