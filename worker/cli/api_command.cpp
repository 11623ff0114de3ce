// `switchboard api`: the management HTTP API (docs/api.md) until SIGTERM or SIGINT.

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "config/config_schema.h"
#include "config/switchboard_config.h"
#include "registry/credential_cipher.h"
#include "registry/registry_factory.h"
#include "worker/api/inbox_api.h"
#include "worker/api/integrations_api.h"
#include "worker/cli/commands.h"
#include "worker/http/http_server.h"
#include "worker/inbox/inbox_stream.h"
#include "worker/logging.h"

namespace switchboard::cli {

namespace {

namespace asio = boost::asio;
using worker::log_quote;

constexpr std::size_t kMinAdminTokenBytes = 16;
constexpr std::string_view kAdminTokenEnv = "SWITCHBOARD_ADMIN_TOKEN";

struct ApiOptions {
  std::string config;
  bool print_config = false;
};

int fail(const std::string& message, int code = kExitUsage) {
  std::cerr << "switchboard api: " << message << "\n";
  return code;
}

std::string store_location(const config::RegistryConfig& registry) {
  return registry.backend == "redis" ? config::schema::redact_url_password(registry.redis_url) : registry.file;
}

int run_api(const ApiOptions& o) {
  config::Config cfg;
  try {
    cfg = config::load_config(o.config, environ);
  } catch (const config::ConfigError& e) {
    return fail(e.what());
  }
  if (o.print_config) {
    std::cout << config::render_config(cfg);
    return 0;
  }

  auto cipher = registry::CredentialCipher::from_environment();
  if (!cipher) {
    return fail(cipher.error().message +
                ", then `export SWITCHBOARD_SECRET_KEY=<that value>` (keep it: "
                "stored credentials cannot be read without it)");
  }
  std::string admin_token;
  if (const char* token = std::getenv(std::string(kAdminTokenEnv).c_str()); token && *token) {
    admin_token = token;
    if (admin_token.size() < kMinAdminTokenBytes) {
      return fail(std::string(kAdminTokenEnv) + " is too short: use at least " + std::to_string(kMinAdminTokenBytes) +
                  " characters, e.g. the output of `openssl rand -hex 32`");
    }
  }

  worker::init_logging(cfg.log.level);
  if (cfg.api.keys.empty() && admin_token.empty()) {
    spdlog::warn(R"("msg":"no API keys configured: every /v1 request will be refused","hint":{})",
                 log_quote("add [[api.keys]] tables to the config, or set SWITCHBOARD_API_KEYS"));
  }

  // The stores are not thread-safe: they and the API handlers share one thread (store_io).
  // With api.threads > 1, HTTP parsing and writing run on their own threads (http_io) and
  // each request hops to the store thread and back.
  // (http_io outlives store_io: requests still queued on the store thread at exit answer
  // through the HTTP strands when they are destroyed.)
  const unsigned http_threads = std::max(1u, cfg.api.threads);
  std::unique_ptr<asio::io_context> separate_http_io;
  if (http_threads > 1) separate_http_io = std::make_unique<asio::io_context>(static_cast<int>(http_threads));
  asio::io_context store_io(1);
  asio::io_context& http_io = separate_http_io ? *separate_http_io : store_io;

  auto on_backend_state = [](const std::string& connection, bool up, const std::string& reason) {
    if (up) {
      spdlog::info(R"("msg":"registry connection up","connection":{})", log_quote(connection));
    } else {
      spdlog::warn(R"("msg":"registry connection down","connection":{},"reason":{})", log_quote(connection),
                   log_quote(reason));
    }
  };
  std::unique_ptr<registry::IntegrationStore> store;
  std::unique_ptr<registry::IdempotencyStore> idempotency;
  try {
    auto shared_cipher = std::make_shared<const registry::CredentialCipher>(std::move(cipher).value());
    store = registry::make_integration_store(store_io, cfg.registry, shared_cipher, on_backend_state);
    idempotency = registry::make_idempotency_store(store_io, cfg.registry, on_backend_state);
  } catch (const std::exception& e) {
    return fail(e.what(), 1);
  }

  // The in-app inbox lives in the registry's Redis; with the file store it answers 501.
  std::unique_ptr<api::InboxApi> inbox;
  if (cfg.registry.backend == "redis") {
    inbox = std::make_unique<api::InboxApi>(store_io, worker::inbox_redis_options(cfg.registry, "inbox-api"),
                                            cfg.registry.key_prefix);
  }

  api::IntegrationsApiOptions api_options;
  if (inbox) api_options.inbox = inbox->handler();
  api_options.keys = cfg.api.keys;
  api_options.admin_token = std::move(admin_token);
  api_options.max_body_bytes = cfg.api.max_body_bytes;
  api_options.idempotency_ttl_s = cfg.api.idempotency_ttl_s;
  // A claim outlives a request that crashed mid-way by this much, never less than a minute.
  api_options.idempotency_in_flight_ttl_s = std::max<std::uint32_t>(60, 2 * (cfg.api.request_timeout_ms / 1000 + 1));
  api::IntegrationsApi api(*store, *idempotency, std::move(api_options));

  http::Handler handler = api.handler();
  if (separate_http_io) {
    handler = [&store_io, inner = std::move(handler)](http::HttpRequest request, http::Responder respond) {
      asio::post(store_io, [inner, request = std::move(request), respond = std::move(respond)]() mutable {
        inner(std::move(request), std::move(respond));
      });
    };
  }
  http::HttpServerOptions server_options;
  server_options.bind = cfg.api.bind;
  server_options.port = cfg.api.port;
  server_options.max_body_bytes = cfg.api.max_body_bytes;
  server_options.handler_timeout = std::chrono::milliseconds(cfg.api.request_timeout_ms);
  server_options.read_timeout = std::chrono::milliseconds(cfg.api.request_timeout_ms);
  http::HttpServer server(http_io, server_options, std::move(handler));
  std::uint16_t port = 0;
  try {
    port = server.listen();
  } catch (const std::exception& e) {
    return fail(std::string(e.what()) + " (set api.port or SWITCHBOARD_API_PORT to a free port)", 1);
  }

  asio::signal_set signals(http_io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info(R"("msg":"api stopping","signal":{})", signal);
    server.stop([&] {
      store_io.stop();
      http_io.stop();
    });
  });

  std::cout << "{\"event\":\"api_listening\",\"bind\":" << log_quote(cfg.api.bind) << ",\"port\":" << port
            << ",\"backend\":" << log_quote(cfg.registry.backend)
            << ",\"store\":" << log_quote(store_location(cfg.registry)) << ",\"threads\":" << http_threads << "}"
            << std::endl;

  // The file store has no I/O of its own: without the guard, store_io.run() would return at
  // once when HTTP runs elsewhere. stop() ends it either way.
  auto keep_running = asio::make_work_guard(store_io);
  std::vector<std::thread> threads;
  if (separate_http_io) {
    for (unsigned i = 0; i < http_threads; ++i) threads.emplace_back([&] { http_io.run(); });
  }
  store_io.run();  // returns after stop()
  for (auto& t : threads) t.join();
  spdlog::info(R"("msg":"api stopped","requests":{})", server.stats().requests);
  spdlog::shutdown();
  return 0;
}

}  // namespace

void add_api_command(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<ApiOptions>();
  CLI::App* cmd =
      app.add_subcommand("api", "Serve the management HTTP API (integrations; docs/api.md) until SIGTERM or SIGINT");
  cmd->add_option("--config", options->config, "Config file (TOML); environment variables override it")->required();
  cmd->add_flag("--print-config", options->print_config, "Print the effective config (secrets redacted) and exit");
  cmd->footer(
      "Environment: SWITCHBOARD_SECRET_KEY (required; base64 of 32 bytes: `openssl rand -base64 32`) encrypts "
      "stored credentials; SWITCHBOARD_ADMIN_TOKEN (optional, at least 16 characters) enables "
      "`Authorization: Bearer` admin requests, the only ones answered with credentials.");
  cmd->callback([&runner, options] { runner = [options] { return run_api(*options); }; });
}

}  // namespace switchboard::cli
