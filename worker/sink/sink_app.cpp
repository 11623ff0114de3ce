#include "worker/sink/sink_app.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace switchboard::sink {
namespace {

using nlohmann::json;

constexpr std::string_view kSendgridPath = "/v3/mail/send";
constexpr std::string_view kTwilioPrefix = "/2010-04-01/Accounts/";
constexpr std::string_view kTwilioSuffix = "/Messages.json";
constexpr std::string_view kWebhookPrefix = "/webhook/";

bool starts_with(std::string_view s, std::string_view prefix) noexcept { return s.substr(0, prefix.size()) == prefix; }

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != lower(prefix[i])) return false;
  }
  return true;
}

bool is_hex(char c) noexcept { return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f'); }

std::string json_error(std::string_view reason) {
  return json{{"error", "bad_request"}, {"message", reason}}.dump();
}

bool has_json_content_type(const SinkRequest& request) {
  const std::string* type = request.header("content-type");
  return type && istarts_with(*type, "application/json");
}

// Standard base64 (padding optional); nullopt-like empty result with ok=false on bad input.
bool base64_decode(std::string_view in, std::string& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  out.clear();
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return bits < 6;  // a lone trailing sextet is malformed
}

std::string url_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < in.size() && is_hex(in[i + 1]) && is_hex(in[i + 2])) {
      auto hex = [](char h) { return h <= '9' ? h - '0' : lower(h) - 'a' + 10; };
      out.push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_form(std::string_view body) {
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string key = url_decode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? std::string{} : url_decode(pair.substr(eq + 1));
    fields.emplace(std::move(key), std::move(value));
  }
  return fields;
}

// Counters group paths by endpoint: the known ones by name, others by first segment.
std::string path_prefix(std::string_view path) {
  if (path == kSendgridPath) return std::string(kSendgridPath);
  if (starts_with(path, kTwilioPrefix)) return "/2010-04-01/Accounts";
  if (starts_with(path, "/webhook")) return "/webhook";
  const std::size_t end = path.find('/', 1);
  return std::string(path.substr(0, end));
}

std::string now_iso8601() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::array<char, 40> text{};
  const std::size_t n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &tm);
  std::array<char, 8> frac{};
  std::snprintf(frac.data(), frac.size(), ".%03dZ", static_cast<int>(millis));
  return std::string(text.data(), n) + frac.data();
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
// Request-shape checks

std::string check_sendgrid_request(const SinkRequest& request) {
  if (request.method != "POST") return "sendgrid: method must be POST";
  const std::string* auth = request.header("authorization");
  if (!auth || !istarts_with(*auth, "Bearer ") || auth->size() <= 7) {
    return "sendgrid: missing 'Authorization: Bearer <api key>'";
  }
  if (!has_json_content_type(request)) return "sendgrid: Content-Type must be application/json";
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return "sendgrid: body is not a JSON object";
  const auto personalizations = body.find("personalizations");
  if (personalizations == body.end() || !personalizations->is_array() || personalizations->empty()) {
    return "sendgrid: 'personalizations' must be a non-empty array";
  }
  for (const json& p : *personalizations) {
    const auto to = p.find("to");
    if (!p.is_object() || to == p.end() || !to->is_array() || to->empty()) {
      return "sendgrid: every personalization needs a non-empty 'to' array";
    }
  }
  const auto from = body.find("from");
  if (from == body.end() || !from->is_object() || !from->contains("email") || !(*from)["email"].is_string()) {
    return "sendgrid: 'from' must be an object with an 'email'";
  }
  const auto subject = body.find("subject");
  const bool has_subject = subject != body.end() && subject->is_string() && !subject->get_ref<const std::string&>().empty();
  const bool has_template = body.contains("template_id");
  const bool subject_in_personalization = std::any_of(personalizations->begin(), personalizations->end(),
                                                      [](const json& p) { return p.contains("subject"); });
  if (!has_subject && !has_template && !subject_in_personalization) {
    return "sendgrid: 'subject' is required (or a 'template_id')";
  }
  return {};
}

std::string check_twilio_request(const SinkRequest& request, std::string_view account_sid) {
  if (request.method != "POST") return "twilio: method must be POST";
  if (account_sid.empty()) return "twilio: empty account SID in the path";
  const std::string* auth = request.header("authorization");
  if (!auth || !istarts_with(*auth, "Basic ")) return "twilio: missing 'Authorization: Basic ...'";
  std::string decoded;
  if (!base64_decode(std::string_view(*auth).substr(6), decoded)) return "twilio: Basic credentials are not base64";
  const std::size_t colon = decoded.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == decoded.size()) {
    return "twilio: Basic credentials must be '<account sid or API key>:<token>'";
  }
  const std::string_view user = std::string_view(decoded).substr(0, colon);
  if (user != account_sid && !starts_with(user, "SK")) {
    return "twilio: the Basic user must be the account SID of the path (or an API key SK...)";
  }
  const std::string* type = request.header("content-type");
  if (!type || !istarts_with(*type, "application/x-www-form-urlencoded")) {
    return "twilio: Content-Type must be application/x-www-form-urlencoded";
  }
  const auto form = parse_form(request.body);
  auto non_empty = [&form](const char* key) {
    const auto it = form.find(key);
    return it != form.end() && !it->second.empty();
  };
  if (!non_empty("To")) return "twilio: form field 'To' is required";
  if (!non_empty("From") && !non_empty("MessagingServiceSid")) {
    return "twilio: form field 'From' (or 'MessagingServiceSid') is required";
  }
  if (!non_empty("Body") && !non_empty("MediaUrl")) return "twilio: form field 'Body' is required";
  return {};
}

std::string check_webhook_request(const SinkRequest& request) {
  if (request.method != "POST") return "webhook: method must be POST";
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return "webhook: body is not valid JSON";
  if (const std::string* signature = request.header("x-switchboard-signature")) {
    if (signature->size() != 64 || !std::all_of(signature->begin(), signature->end(), is_hex)) {
      return "webhook: x-switchboard-signature must be 64 hex characters (HMAC-SHA256)";
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------
// SinkApp

SinkApp::SinkApp(const SinkOptions& options) : options_(options) {
  random_.seed(options.seed != 0 ? options.seed
                                 : static_cast<std::uint64_t>(
                                       std::chrono::steady_clock::now().time_since_epoch().count()));
  if (!options.record_file.empty()) {
    record_.open(options.record_file, std::ios::app);
    if (!record_) throw std::runtime_error("cannot open record file '" + options.record_file + "' for appending");
  }
}

void SinkApp::on_accept(bool tls) {
  ++accepted_;
  if (tls) ++accepted_tls_;
}

std::string SinkApp::next_id(std::string_view prefix, std::size_t hex_digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(prefix);
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < hex_digits; ++i) {
    if (i % 16 == 0) bits = random_();
    id.push_back(kHex[bits & 0xF]);
    bits >>= 4;
  }
  return id;
}

SinkResponse SinkApp::success(const SinkRequest& request, std::string_view endpoint) {
  SinkResponse response;
  response.headers.push_back({"content-type", "application/json"});
  if (endpoint == "twilio") {
    const std::string sid = next_id("SM", 32);
    const auto form = parse_form(request.body);
    auto field = [&form](const char* key) {
      const auto it = form.find(key);
      return it == form.end() ? std::string{} : it->second;
    };
    response.status = 201;
    response.headers.push_back({"x-message-id", sid});
    response.body = json{{"sid", sid}, {"status", "queued"}, {"to", field("To")}, {"from", field("From")},
                         {"body", field("Body")}, {"date_created", now_iso8601()}}
                        .dump();
    return response;
  }
  const std::string id = next_id("sink-", 24);
  response.status = endpoint == "sendgrid" ? 202 : 200;
  response.headers.push_back({"x-message-id", id});
  response.body = "{\"id\":\"" + id + "\",\"status\":\"accepted\"}";
  return response;
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
  ++by_prefix_[path_prefix(path)];

  SinkResponse response;
  if (options_.drop_nth > 0 && connection.requests % static_cast<std::uint64_t>(options_.drop_nth) == 0) {
    response.drop = true;
    ++dropped_;
    record(request, connection, response);
    return response;
  }

  const bool inject = options_.error_rate > 0.0 && std::uniform_real_distribution<double>(0.0, 1.0)(random_) <
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
    std::string problem;
    std::string_view endpoint = "generic";
    if (path == kSendgridPath) {
      endpoint = "sendgrid";
      problem = check_sendgrid_request(request);
    } else if (starts_with(path, kTwilioPrefix) && path.size() > kTwilioPrefix.size() + kTwilioSuffix.size() &&
               path.substr(path.size() - kTwilioSuffix.size()) == kTwilioSuffix) {
      endpoint = "twilio";
      const std::string_view sid =
          path.substr(kTwilioPrefix.size(), path.size() - kTwilioPrefix.size() - kTwilioSuffix.size());
      problem = sid.find('/') == std::string_view::npos ? check_twilio_request(request, sid)
                                                        : "twilio: unexpected path";
    } else if (starts_with(path, kWebhookPrefix)) {
      endpoint = "webhook";
      problem = check_webhook_request(request);
    }
    if (!problem.empty()) {
      response.status = 400;
      response.headers.push_back({"content-type", "application/json"});
      response.body = json_error(problem);
    } else {
      response = success(request, endpoint);
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
  json by_prefix = json::object();
  for (const auto& [prefix, count] : by_prefix_) by_prefix[prefix] = count;
  json by_status = json::object();
  for (const auto& [status, count] : by_status_) by_status[std::to_string(status)] = count;
  return json{{"requests", requests_},
              {"connections", connections_},
              {"connections_accepted", accepted_},
              {"tls_connections_accepted", accepted_tls_},
              {"dropped", dropped_},
              {"by_prefix", std::move(by_prefix)},
              {"by_status", std::move(by_status)}}
      .dump();
}

}  // namespace switchboard::sink
