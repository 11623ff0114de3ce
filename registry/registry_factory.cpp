#include "registry/registry_factory.h"

#include <stdexcept>

#include "registry/file_store.h"
#include "registry/memory_idempotency_store.h"
#include "registry/redis_idempotency_store.h"
#include "registry/redis_store.h"

namespace switchboard::registry {
namespace {

RedisOptions redis_options(const config::RegistryConfig& config, const std::string& name) {
  auto endpoint = parse_redis_url(config.redis_url);
  if (!endpoint) throw std::runtime_error(endpoint.error().message);
  RedisOptions options;
  options.endpoint = std::move(endpoint).value();
  options.name = name;
  options.command_timeout = std::chrono::milliseconds(config.command_timeout_ms);
  options.reconnect_max = std::chrono::milliseconds(config.reconnect_max_ms);
  if (options.command_timeout.count() <= 0) {
    throw std::runtime_error("registry.command_timeout_ms must be greater than 0");
  }
  return options;
}

[[noreturn]] void unknown_backend(const std::string& backend) {
  throw std::runtime_error("registry.backend \"" + backend + "\" is not a backend; accepted: file, redis");
}

}  // namespace

std::unique_ptr<IntegrationStore> make_integration_store(boost::asio::io_context& io,
                                                         const config::RegistryConfig& config,
                                                         std::shared_ptr<const CredentialCipher> cipher,
                                                         BackendStateHandler on_state_change) {
  if (config.backend == "file") {
    if (config.file.empty()) throw std::runtime_error("registry.file is empty: name the integrations file");
    return std::make_unique<FileStore>(io, config.file, std::move(cipher));
  }
  if (config.backend == "redis") {
    RedisStoreOptions options;
    options.redis = redis_options(config, "registry");
    options.key_prefix = config.key_prefix;
    options.cipher = std::move(cipher);
    options.on_state_change = std::move(on_state_change);
    return std::make_unique<RedisStore>(io, std::move(options));
  }
  unknown_backend(config.backend);
}

std::unique_ptr<IdempotencyStore> make_idempotency_store(boost::asio::io_context& io,
                                                         const config::RegistryConfig& config,
                                                         BackendStateHandler on_state_change) {
  if (config.backend == "file") return std::make_unique<MemoryIdempotencyStore>(io);
  if (config.backend == "redis") {
    auto store = std::make_unique<RedisIdempotencyStore>(io, redis_options(config, "idempotency"), config.key_prefix);
    if (on_state_change) {
      store->on_state_change([handler = std::move(on_state_change)](bool up, const std::string& why) {
        handler("idempotency", up, why);
      });
    }
    return store;
  }
  unknown_backend(config.backend);
}

}  // namespace switchboard::registry
