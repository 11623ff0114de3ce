#include "worker/sink/sink_app.h"

#include "worker/sink/sink_endpoint.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace switchboard::sink {
namespace {

using nlohmann::json;

// Counters group requests by endpoint: the known ones by provider id, others by the first
// path segment ("/other").
std::string endpoint_key(const SinkRequest& request, const SinkEndpoint* endpoint) {
  if (endpoint != nullptr) return std::string(endpoint->name);
  const std::string_view path = request.path();
  return std::string(path.substr(0, path.find('/', 1)));
}

}  // namespace

const std::string* SinkRequest::header(std::string_view lower_name) const noexcept {
  for (const SinkHeader& h : headers) {
    if (h.name == lower_name) return &h.value;
  }
  return nullptr;
}

std::string_view SinkRequest::path() const noexcept {
  const std::string_view t(target);
  return t.substr(0, t.find('?'));
}

std::string validate_sink_options(const SinkOptions& options) {
  if (options.port < 0 || options.port > 65535) return "--port must be 0..65535";
  if (options.tls_port < -1 || options.tls_port > 65535) return "--tls-port must be 0..65535";
  if (options.tls_port > 0 && options.tls_port == options.port) return "--tls-port must differ from --port";
  if (options.latency_ms < 0) return "--latency-ms must be >= 0";
  if (!(options.error_rate >= 0.0 && options.error_rate <= 1.0)) return "--error-rate must be within 0..1";
  if (options.error_status != 503 && options.error_status != 429) return "--error-status must be 503 or 429";
  if (options.status != 0 && (options.status < 100 || options.status > 599)) return "--status must be 100..599";
  if (options.drop_nth < 0) return "--drop-nth must be >= 0";
  if (options.idle_timeout_ms <= 0) return "--idle-timeout-ms must be > 0";
  return {};
}

// ---------------------------------------------------------------------------------------
// SinkApp

SinkApp::SinkApp(const SinkOptions& options)
    : options_(options),
      ids_(options.seed != 0
               ? options.seed
               : static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())) {
  if (!options.record_file.empty()) {
    record_.open(options.record_file, std::ios::app);
    if (!record_) throw std::runtime_error("cannot open record file '" + options.record_file + "' for appending");
  }
}

void SinkApp::on_accept(bool tls) {
  ++accepted_;
  if (tls) ++accepted_tls_;
}

SinkResponse SinkApp::handle(const SinkRequest& request, SinkConnection& connection) {
  ++connection.requests;
  const std::string_view path = request.path();
  if (starts_with(path, "/_sink/")) {
    SinkResponse response;
    response.headers.push_back({"content-type", "application/json"});
    if (path == "/_sink/stats" && request.method == "GET") {
      response.body = stats_json();
    } else {
      response.status = 404;
      response.body = json_error("unknown sink endpoint; try GET /_sink/stats");
    }
    return response;
  }

  ++requests_;
  if (!connection.counted) {
    connection.counted = true;
    ++connections_;
  }
  const SinkEndpoint* endpoint = find_sink_endpoint(request);
  ++by_endpoint_[endpoint_key(request, endpoint)];

  SinkResponse response;
  if (options_.drop_nth > 0 && connection.requests % static_cast<std::uint64_t>(options_.drop_nth) == 0) {
    response.drop = true;
    ++dropped_;
    record(request, connection, response);
    return response;
  }

  const bool inject = options_.error_rate > 0.0 && std::uniform_real_distribution<double>(0.0, 1.0)(ids_.random()) <
                                                        options_.error_rate;
  if (options_.status != 0 && !(options_.status >= 200 && options_.status < 300)) {
    response.status = options_.status;
    response.headers.push_back({"content-type", "application/json"});
    response.body = json_error("status forced by --status " + std::to_string(options_.status));
  } else if (inject) {
    response.status = options_.error_status;
    response.headers.push_back({"content-type", "application/json"});
    response.body = json_error("injected by --error-rate");
  } else {
    const std::string problem = endpoint != nullptr ? endpoint->check(request) : std::string{};
    if (!problem.empty()) {
      response.status = 400;
      response.headers.push_back({"content-type", "application/json"});
      response.body = json_error(problem);
    } else {
      response = endpoint != nullptr ? endpoint->answer(request, ids_) : generic_sink_answer(request, ids_);
      if (options_.status != 0) response.status = options_.status;  // a forced 2xx
    }
  }
  if (response.status == 429) response.headers.push_back({"retry-after", "1"});
  response.delay = std::chrono::milliseconds(options_.latency_ms);
  ++by_status_[response.status];
  record(request, connection, response);
  return response;
}

void SinkApp::record(const SinkRequest& request, const SinkConnection& connection, const SinkResponse& response) {
  if (!record_.is_open()) return;
  json headers = json::object();
  for (const char* name : {"content-type", "user-agent", "x-switchboard-signature", "idempotency-key", "host"}) {
    if (const std::string* value = request.header(name)) headers[name] = *value;
  }
  if (const std::string* auth = request.header("authorization")) {
    // Never record the credential itself: its scheme is enough to check the shape.
    const std::size_t space = auth->find(' ');
    headers["authorization"] = auth->substr(0, space) + " [redacted]";
  }
  json line = {{"ts", now_iso8601()},
               {"conn", connection.id},
               {"tls", connection.tls},
               {"method", request.method},
               {"path", std::string(request.path())},
               {"headers", std::move(headers)},
               {"body_bytes", request.body.size()},
               {"status", response.drop ? 0 : response.status},
               {"dropped", response.drop}};
  record_ << line.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  record_.flush();
}

std::string SinkApp::stats_json() const {
  json by_endpoint = json::object();
  for (const auto& [key, count] : by_endpoint_) by_endpoint[key] = count;
  json by_status = json::object();
  for (const auto& [status, count] : by_status_) by_status[std::to_string(status)] = count;
  return json{{"requests", requests_},
              {"connections", connections_},
              {"connections_accepted", accepted_},
              {"tls_connections_accepted", accepted_tls_},
              {"dropped", dropped_},
              {"by_endpoint", std::move(by_endpoint)},
              {"by_status", std::move(by_status)}}
      .dump();
}

}  // namespace switchboard::sink
