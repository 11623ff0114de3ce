#include "providers/adapters/outbound_message.h"

#include <optional>

#include <simdjson.h>

namespace switchboard::providers {
namespace {

using nlohmann::json;

// The event is read with simdjson's DOM (fast, strict); only the sub-documents adapters
// may pass on (subscriber, payload, content.data, channel credentials) become nlohmann
// values. Anything the DOM refuses (e.g. integers beyond 64 bits) is read with nlohmann.
json to_json(simdjson::dom::element element) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::OBJECT: {
      json object = json::object();
      const simdjson::dom::object members = element.get_object().value_unsafe();
      for (auto [key, value] : members) object[std::string(key)] = to_json(value);
      return object;
    }
    case element_type::ARRAY: {
      json array = json::array();
      const simdjson::dom::array values = element.get_array().value_unsafe();
      for (auto value : values) array.push_back(to_json(value));
      return array;
    }
    case element_type::STRING:
      return std::string(element.get_string().value_unsafe());
    case element_type::INT64:
      return element.get_int64().value_unsafe();
    case element_type::UINT64:
      return element.get_uint64().value_unsafe();
    case element_type::DOUBLE:
      return element.get_double().value_unsafe();
    case element_type::BOOL:
      return element.get_bool().value_unsafe();
    case element_type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

// A member that is an object, or nullopt.
std::optional<simdjson::dom::element> object_member(simdjson::dom::element object, const char* key) {
  simdjson::dom::element member;
  if (object[key].get(member) != simdjson::SUCCESS || !member.is_object()) return std::nullopt;
  return member;
}

std::string dom_string(std::optional<simdjson::dom::element> object, const char* key) {
  std::string_view text;
  if (!object || (*object)[key].get_string().get(text) != simdjson::SUCCESS) return {};
  return std::string(text);
}

json dom_object(std::optional<simdjson::dom::element> object, const char* key) {
  if (!object) return json::object();
  const auto member = object_member(*object, key);
  return member ? to_json(*member) : json::object();
}

std::string string_at(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

json object_at(const json& object, const char* key) {
  if (!object.is_object()) return json::object();
  const auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : json::object();
}

void fill_from_json(const json& event, OutboundMessage& m) {
  m.transaction_id = string_at(event, "transactionId");
  m.organization_id = string_at(event, "organizationId");
  m.environment_id = string_at(event, "environmentId");
  m.subscriber = object_at(event, "subscriber");
  m.subscriber_id = string_at(m.subscriber, "subscriberId");
  m.email = string_at(m.subscriber, "email");
  m.phone = string_at(m.subscriber, "phone");
  m.first_name = string_at(m.subscriber, "firstName");
  m.last_name = string_at(m.subscriber, "lastName");
  m.locale = string_at(m.subscriber, "locale");
  const json content = object_at(event, "content");
  m.subject = string_at(content, "subject");
  m.body = string_at(content, "body");
  m.html = string_at(content, "html");
  m.title = string_at(content, "title");
  m.content_data = object_at(content, "data");
  m.payload = object_at(event, "payload");
  const json overrides = object_at(event, "overrides");
  m.from = string_at(overrides, "from");
  m.sender_name = string_at(overrides, "senderName");
  m.reply_to = string_at(overrides, "replyTo");
}

bool fill_from_dom(std::string_view text, bool with_documents, OutboundMessage& m) {
  static thread_local simdjson::dom::parser parser;
  simdjson::dom::element event;
  if (parser.parse(text.data(), text.size()).get(event) != simdjson::SUCCESS || !event.is_object()) return false;
  m.transaction_id = dom_string(event, "transactionId");
  m.organization_id = dom_string(event, "organizationId");
  m.environment_id = dom_string(event, "environmentId");
  const auto subscriber = object_member(event, "subscriber");
  if (with_documents && subscriber) m.subscriber = to_json(*subscriber);
  m.subscriber_id = dom_string(subscriber, "subscriberId");
  m.email = dom_string(subscriber, "email");
  m.phone = dom_string(subscriber, "phone");
  m.first_name = dom_string(subscriber, "firstName");
  m.last_name = dom_string(subscriber, "lastName");
  m.locale = dom_string(subscriber, "locale");
  const auto content = object_member(event, "content");
  m.subject = dom_string(content, "subject");
  m.body = dom_string(content, "body");
  m.html = dom_string(content, "html");
  m.title = dom_string(content, "title");
  if (with_documents) {
    m.content_data = dom_object(content, "data");
    m.payload = dom_object(event, "payload");
  }
  const auto overrides = object_member(event, "overrides");
  m.from = dom_string(overrides, "from");
  m.sender_name = dom_string(overrides, "senderName");
  m.reply_to = dom_string(overrides, "replyTo");
  return true;
}

}  // namespace

DecodedMessage decode_message(const DeliveryRequest& request, bool with_documents) {
  DecodedMessage decoded;
  OutboundMessage& m = decoded.message;
  m.event_id = request.event_id;
  m.channel = request.channel;
  if (!request.event_json) {
    decoded.error = "no event JSON";
    return decoded;
  }
  if (!fill_from_dom(*request.event_json, with_documents, m)) {
    const json event = json::parse(*request.event_json, nullptr, false);
    if (!event.is_object()) {
      decoded.error = "event is not a JSON object";
      return decoded;
    }
    fill_from_json(event, m);
  }

  if (!request.subscriber_channel_json.empty()) {
    const json entry = json::parse(request.subscriber_channel_json, nullptr, false);
    m.channel_credentials = object_at(entry, "credentials");
    m.webhook_url = string_at(m.channel_credentials, "webhookUrl");
    const auto tokens = m.channel_credentials.find("deviceTokens");
    if (tokens != m.channel_credentials.end() && tokens->is_array()) {
      for (const json& token : *tokens) {
        if (token.is_string() && !token.get_ref<const std::string&>().empty()) m.device_tokens.push_back(token.get<std::string>());
      }
    }
  }
  return decoded;
}

}  // namespace switchboard::providers
