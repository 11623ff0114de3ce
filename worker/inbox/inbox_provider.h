#pragma once
// The in_app provider (providerId `novu`): delivery appends the message to the
// subscriber's inbox stream in Redis (layout in inbox_stream.h) and reports `sent` with the
// stream entry id; GET /v1/inbox/{subscriberId} reads it back. Redis errors, timeouts and
// a connection that is down are `retryable` (the executor retries, then fails over); an
// event without subscriberId, organizationId or environmentId is `rejected`.
//
// Owns its own Redis connection (named "inbox"), started at construction. Not thread-safe:
// construct, send and destroy on the io_context's thread; `done` runs there, posted.

#include <memory>
#include <string>

#include "config/switchboard_config.h"
#include "providers/provider.h"
#include "registry/redis_connection.h"

namespace switchboard::worker {

class InboxProvider final : public providers::Provider {
 public:
  InboxProvider(boost::asio::io_context& io, registry::RedisOptions options, std::string key_prefix);
  void send(const providers::DeliveryRequest& request, providers::DeliveryCallback done) override;
  // Connected: until then (a few ms after start, or while Redis is down) sends are retryable.
  bool is_up() const noexcept { return connection_.is_up(); }

 private:
  registry::RedisConnection connection_;
  std::string prefix_;
};

// The inbox on registry.redis_url with registry.key_prefix, or nullptr when the registry is
// not on Redis (in_app integrations then fail over as "not supported by this worker").
// Startup only: throws std::runtime_error when the URL is bad.
std::shared_ptr<providers::Provider> make_inbox_provider(boost::asio::io_context& io,
                                                         const config::RegistryConfig& registry);

}  // namespace switchboard::worker
