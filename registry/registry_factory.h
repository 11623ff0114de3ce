#pragma once
// Builds the configured stores ([registry] of the config: backend = "file" | "redis").
// Startup only: throws std::runtime_error naming the config key and what to change.

#include <functional>
#include <memory>
#include <string>

#include "config/switchboard_config.h"
#include "registry/credential_cipher.h"
#include "registry/idempotency_store.h"
#include "registry/integration_store.h"

namespace boost::asio {
class io_context;
}

namespace switchboard::registry {

// (connection name, up, reason): for logging each change once.
using BackendStateHandler = std::function<void(const std::string& connection, bool up, const std::string& reason)>;

// file: FileStore over registry.file (loaded now). redis: RedisStore on registry.redis_url
// with key_prefix, command_timeout_ms and reconnect_max_ms (connecting starts now;
// operations fail with kUnavailable until it is up). `cipher` may be null: credentials are
// then stored in clear.
std::unique_ptr<IntegrationStore> make_integration_store(boost::asio::io_context& io,
                                                         const config::RegistryConfig& config,
                                                         std::shared_ptr<const CredentialCipher> cipher,
                                                         BackendStateHandler on_state_change = {});

// file: MemoryIdempotencyStore (single process). redis: RedisIdempotencyStore, its own
// connection to the same Redis.
std::unique_ptr<IdempotencyStore> make_idempotency_store(boost::asio::io_context& io,
                                                         const config::RegistryConfig& config,
                                                         BackendStateHandler on_state_change = {});

}  // namespace switchboard::registry
