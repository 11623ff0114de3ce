#pragma once
// Driving HttpClient synchronously in socket tests, and reading `switchboard sink`'s
// counters (GET /_sink/stats).

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "providers/http/http_client.h"

namespace switchboard::integration {

// Runs `io` until `done()` or the deadline; false on timeout.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  io.restart();
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.run_one_for(std::chrono::milliseconds(50));
    if (io.stopped()) io.restart();
  }
  return true;
}

// One exchange; a transport timeout when no callback came within 30 s.
inline providers::HttpResult fetch(boost::asio::io_context& io, providers::HttpClient& client,
                                   providers::HttpRequest request) {
  std::optional<providers::HttpResult> result;
  client.request(std::move(request), [&](providers::HttpResult r) { result.emplace(std::move(r)); });
  if (!run_until(io, [&] { return result.has_value(); })) {
    return providers::TransportError{providers::TransportErrorKind::kTimeout, "test: no callback within 30 s"};
  }
  return std::move(*result);
}

inline providers::HttpResult get(boost::asio::io_context& io, providers::HttpClient& client, const std::string& url) {
  providers::HttpRequest request;
  request.method = providers::HttpMethod::kGet;
  request.url = url;
  return fetch(io, client, std::move(request));
}

// The sink's counters from `stats_url` (its /_sink/stats), or an empty object when the
// answer is not a 200.
inline nlohmann::json sink_stats(boost::asio::io_context& io, providers::HttpClient& client,
                                 const std::string& stats_url) {
  const providers::HttpResult result = get(io, client, stats_url);
  if (!result.ok() || result.response().status != 200) return nlohmann::json::object();
  return nlohmann::json::parse(result.response().body, nullptr, false);
}

}  // namespace switchboard::integration
