#include "worker/pipeline/redis_dedup_store.h"

namespace switchboard::worker {

RedisDedupStore::RedisDedupStore(boost::asio::io_context& io, registry::RedisOptions options, std::string key_prefix)
    : connection_(io, [&] {
        options.name = "dedup";
        return options;
      }()),
      prefix_(std::move(key_prefix)) {
  connection_.start();
}

void RedisDedupStore::seen(const std::string& event_id, std::function<void(Result<bool>)> done) {
  connection_.command({"EXISTS", key(event_id)}, [done = std::move(done)](Result<registry::RedisReply> reply) {
    if (!reply.ok()) return done(reply.error());
    if (reply.value().type != registry::RedisReply::Type::kInteger) {
      return done(Error{"redis_error", "unexpected reply to EXISTS: " + reply.value().text});
    }
    done(reply.value().integer > 0);
  });
}

void RedisDedupStore::record(const std::string& event_id, std::uint32_t ttl_s, std::function<void(Result<bool>)> done) {
  connection_.command({"SET", key(event_id), "1", "NX", "EX", std::to_string(ttl_s)},
                      [done = std::move(done)](Result<registry::RedisReply> reply) {
                        if (!reply.ok()) return done(reply.error());
                        if (reply.value().type == registry::RedisReply::Type::kError) {
                          return done(Error{"redis_error", reply.value().text});
                        }
                        done(true);
                      });
}

}  // namespace switchboard::worker
