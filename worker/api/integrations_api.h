#pragma once
// The management API: Novu's Integration resource over HTTP (docs/api.md,
// docs/openapi.yaml). Every answer is JSON; results are wrapped as {"data": ...}, errors
// are {"statusCode", "error", "message"[, "errors": [{"path", "message"}]]}.
//
// Threading: handle() and every store callback run on the store's io_context thread (the
// stores are not thread-safe). handle() never throws; it answers each request exactly once.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/switchboard_config.h"
#include "registry/idempotency_store.h"
#include "registry/integration_store.h"
#include "worker/api/inbox_api.h"
#include "worker/http/http_message.h"

namespace switchboard::api {

// One route the API serves. `path` is in OpenAPI form ("/v1/integrations/{id}"); the
// OpenAPI test compares this table with docs/openapi.yaml.
struct ApiRoute {
  std::string_view method;
  std::string_view path;
  bool authenticated;  // false for /healthz and /readyz
};

// Every route, in the order they are matched.
std::span<const ApiRoute> api_routes() noexcept;

// Admin requests name the tenant they act for with these headers.
inline constexpr std::string_view kOrganizationHeader = "x-switchboard-organization";
inline constexpr std::string_view kEnvironmentHeader = "x-switchboard-environment";

struct IntegrationsApiOptions {
  std::vector<config::ApiKey> keys;  // `Authorization: ApiKey <key>`: one (organization, environment) each
  std::string admin_token;           // `Authorization: Bearer <token>`; empty: no admin access
  std::size_t max_body_bytes = 1 << 20;
  std::uint32_t idempotency_ttl_s = 86400;             // how long answers are replayed
  std::uint32_t idempotency_in_flight_ttl_s = 60;      // how long a claim outlives a crashed request
  std::uint32_t retry_after_s = 1;                     // Retry-After of 503 answers
  std::function<std::int64_t()> now_millis;            // default: the system clock
  std::function<std::string(std::size_t)> random_hex;  // default: OpenSSL RAND_bytes
  InboxHandler inbox;  // GET /v1/inbox/{subscriberId}; empty: 501 (the inbox needs registry.backend = redis)
};

class IntegrationsApi {
 public:
  // Both stores must outlive the API object and every request it is serving.
  IntegrationsApi(registry::IntegrationStore& store, registry::IdempotencyStore& idempotency,
                  IntegrationsApiOptions options);
  ~IntegrationsApi();
  IntegrationsApi(const IntegrationsApi&) = delete;
  IntegrationsApi& operator=(const IntegrationsApi&) = delete;

  // An http::Handler. `respond` is called exactly once, possibly before handle() returns.
  void handle(http::HttpRequest request, http::Responder respond);

  // handle() bound to this object, for HttpServer.
  http::Handler handler();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace switchboard::api
