#include "worker/sink/sink_support.h"

#include <array>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "routing/json_syntax_check.h"

namespace switchboard::sink {
namespace {
char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool starts_with(std::string_view s, std::string_view prefix) noexcept { return s.substr(0, prefix.size()) == prefix; }

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != lower(prefix[i])) return false;
  }
  return true;
}

bool is_hex(char c) noexcept { return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f'); }

std::string json_error(std::string_view reason) {
  return nlohmann::json{{"error", "bad_request"}, {"message", reason}}.dump();
}

bool has_content_type(const SinkRequest& request, std::string_view type) {
  const std::string* value = request.header("content-type");
  return value && istarts_with(*value, type);
}

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

bool ends_with(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view query_of(const SinkRequest& request) noexcept {
  const std::string_view t(request.target);
  const std::size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

bool basic_credentials(const SinkRequest& request, std::string& user, std::string& password) {
  const std::string* auth = request.header("authorization");
  if (!auth || !istarts_with(*auth, "Basic ")) return false;
  std::string decoded;
  if (!base64_decode(std::string_view(*auth).substr(6), decoded)) return false;
  const std::size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  user = decoded.substr(0, colon);
  password = decoded.substr(colon + 1);
  return true;
}

bool has_bearer(const SinkRequest& request) {
  const std::string* auth = request.header("authorization");
  return auth && istarts_with(*auth, "Bearer ") && auth->size() > 7;
}

std::string SinkIds::next(std::string_view prefix, std::size_t hex_digits) {
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

bool is_valid_json(std::string_view text) {
  // The same complete check the worker applies to events (big numbers included); one per
  // thread, its buffers reused across calls.
  constexpr std::size_t kMaxDepth = 1024;
  thread_local routing::JsonSyntaxCheck check(kMaxDepth);
  return check.check(text) == simdjson::SUCCESS;
}

bool non_empty_string(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

std::string check_json_post(const SinkRequest& request, std::string_view name, nlohmann::json& body) {
  const std::string prefix = std::string(name) + ": ";
  if (request.method != "POST") return prefix + "method must be POST";
  if (!has_json_content_type(request)) return prefix + "Content-Type must be application/json";
  body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return prefix + "body is not valid JSON";
  return {};
}

std::string sink_uuid(SinkIds& ids) {
  std::string hex = ids.next("", 32);
  for (const std::size_t at : {8, 13, 18, 23}) hex.insert(at, 1, '-');
  return hex;
}

SinkResponse json_answer(int status, const nlohmann::json& body) {
  SinkResponse response;
  response.status = status;
  response.headers.push_back({"content-type", "application/json"});
  response.body = body.dump();
  return response;
}

}  // namespace switchboard::sink
