#include "worker/inbox/inbox_stream.h"

#include <charconv>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "registry/redis_layout.h"

namespace switchboard::worker {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "ms" or "ms-seq", as Redis writes stream ids.
bool is_stream_id(std::string_view id) {
  const std::size_t dash = id.find('-');
  if (dash == std::string_view::npos) return all_digits(id) && id.size() <= 20;
  return all_digits(id.substr(0, dash)) && all_digits(id.substr(dash + 1)) && id.size() <= 41;
}

Error bad_query(std::string message) { return Error{"bad_query", std::move(message)}; }

}  // namespace

std::string inbox_key(std::string_view key_prefix, std::string_view organization_id, std::string_view environment_id,
                      std::string_view subscriber_id) {
  std::string key(key_prefix);
  key += "inbox:";
  key += registry::escape_key_part(organization_id);
  key += ':';
  key += registry::escape_key_part(environment_id);
  key += ':';
  key += registry::escape_key_part(subscriber_id);
  return key;
}

std::vector<std::string> inbox_append_command(const std::string& key, const providers::OutboundMessage& message,
                                              std::string_view integration_identifier, std::string_view created_at) {
  return {"XADD",
          key,
          "MAXLEN",
          "~",
          std::to_string(kInboxMaxLen),
          "*",
          "eventId",
          message.event_id,
          "transactionId",
          message.transaction_id,
          "subject",
          message.subject,
          "body",
          message.body,
          "html",
          message.html,
          "title",
          message.title,
          "data",
          message.content_data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          "createdAt",
          std::string(created_at),
          "integration",
          std::string(integration_identifier)};
}

Result<InboxPageQuery> parse_inbox_query(std::string_view query) {
  InboxPageQuery out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (name == "limit") {
      std::size_t limit = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc{} || end != value.data() + value.size() || limit < 1 || limit > kInboxMaxLimit) {
        return bad_query("limit must be an integer from 1 to " + std::to_string(kInboxMaxLimit));
      }
      out.limit = limit;
    } else if (name == "before") {
      if (!is_stream_id(value)) {
        return bad_query("before must be an entry id from a previous page's `next` (e.g. 1700000000000-0)");
      }
      out.before = std::string(value);
    }
  }
  return out;
}

std::vector<std::string> inbox_page_command(const std::string& key, const InboxPageQuery& query) {
  return {"XREVRANGE", key, query.before.empty() ? "+" : "(" + query.before, "-", "COUNT",
          std::to_string(query.limit + 1)};
}

Result<std::string> inbox_page_body(const registry::RedisReply& reply, std::size_t limit) {
  using Json = nlohmann::ordered_json;
  const auto unexpected = [] { return Error{"redis_reply", "unexpected reply to XREVRANGE (is the key a stream?)"}; };
  if (!reply.is_array()) return unexpected();
  Json data = Json::array();
  Json next = nullptr;
  for (std::size_t i = 0; i < reply.elements.size(); ++i) {
    const registry::RedisReply& entry = reply.elements[i];
    if (!entry.is_array() || entry.elements.size() != 2 || !entry.elements[0].is_string() ||
        !entry.elements[1].is_array() || entry.elements[1].elements.size() % 2 != 0) {
      return unexpected();
    }
    if (i == limit) break;  // the extra entry only tells that a next page exists
    Json item = Json::object();
    item["id"] = entry.elements[0].text;
    const auto& fields = entry.elements[1].elements;
    for (std::size_t f = 0; f + 1 < fields.size(); f += 2) {
      const std::string& name = fields[f].text;
      const std::string& value = fields[f + 1].text;
      if (name == "id") continue;  // the entry id wins
      if (name == "data") {
        Json parsed = Json::parse(value, nullptr, false);
        item[name] = parsed.is_discarded() ? Json(value) : std::move(parsed);
      } else {
        item[name] = value;
      }
    }
    data.push_back(std::move(item));
    if (i + 1 == limit && reply.elements.size() > limit) next = entry.elements[0].text;
  }
  Json body = Json::object();
  body["data"] = std::move(data);
  body["next"] = std::move(next);
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

registry::RedisOptions inbox_redis_options(const config::RegistryConfig& registry, std::string name) {
  auto endpoint = registry::parse_redis_url(registry.redis_url);
  if (!endpoint) throw std::runtime_error("registry.redis_url: " + endpoint.error().message);
  registry::RedisOptions options;
  options.endpoint = endpoint.value();
  options.name = std::move(name);
  options.command_timeout = std::chrono::milliseconds(registry.command_timeout_ms);
  options.reconnect_max = std::chrono::milliseconds(registry.reconnect_max_ms);
  return options;
}

}  // namespace switchboard::worker
