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

// The two ways of reading the event: simdjson's DOM (fast), and nlohmann for what the DOM
// refuses. A Node is an object of the event, or "absent".
struct DomReader {
  using Node = std::optional<simdjson::dom::element>;
  static Node member(const Node& object, const char* key) {
    simdjson::dom::element value;
    if (!object || (*object)[key].get(value) != simdjson::SUCCESS || !value.is_object()) return std::nullopt;
    return value;
  }
  static std::string string(const Node& object, const char* key) {
    std::string_view text;
    if (!object || (*object)[key].get_string().get(text) != simdjson::SUCCESS) return {};
    return std::string(text);
  }
  static json document(const Node& object) { return object ? to_json(*object) : json::object(); }
};

struct JsonReader {
  using Node = const json*;
  static Node member(Node object, const char* key) {
    if (object == nullptr) return nullptr;
    const auto it = object->find(key);
    return it != object->end() && it->is_object() ? &*it : nullptr;
  }
  static std::string string(Node object, const char* key) {
    if (object == nullptr) return {};
    const auto it = object->find(key);
    return it != object->end() && it->is_string() ? it->get<std::string>() : std::string{};
  }
  static json document(Node object) { return object ? *object : json::object(); }
};

template <class Reader>
void fill(const typename Reader::Node& event, bool with_documents, OutboundMessage& m) {
  m.transaction_id = Reader::string(event, "transactionId");
  m.organization_id = Reader::string(event, "organizationId");
  m.environment_id = Reader::string(event, "environmentId");
  const auto subscriber = Reader::member(event, "subscriber");
  m.subscriber_id = Reader::string(subscriber, "subscriberId");
  m.email = Reader::string(subscriber, "email");
  m.phone = Reader::string(subscriber, "phone");
  m.first_name = Reader::string(subscriber, "firstName");
  m.last_name = Reader::string(subscriber, "lastName");
  m.locale = Reader::string(subscriber, "locale");
  const auto content = Reader::member(event, "content");
  m.subject = Reader::string(content, "subject");
  m.body = Reader::string(content, "body");
  m.html = Reader::string(content, "html");
  m.title = Reader::string(content, "title");
  const auto overrides = Reader::member(event, "overrides");
  m.from = Reader::string(overrides, "from");
  m.sender_name = Reader::string(overrides, "senderName");
  m.reply_to = Reader::string(overrides, "replyTo");
  if (with_documents) {
    m.subscriber = Reader::document(subscriber);
    m.content_data = Reader::document(Reader::member(content, "data"));
    m.payload = Reader::document(Reader::member(event, "payload"));
  }
}

bool fill_from_dom(std::string_view text, bool with_documents, OutboundMessage& m) {
  static thread_local simdjson::dom::parser parser;
  simdjson::dom::element event;
  if (parser.parse(text.data(), text.size()).get(event) != simdjson::SUCCESS || !event.is_object()) return false;
  fill<DomReader>(DomReader::Node(event), with_documents, m);
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
    fill<JsonReader>(&event, with_documents, m);
  }

  if (!request.subscriber_channel_json.empty()) {
    const json entry = json::parse(request.subscriber_channel_json, nullptr, false);
    const JsonReader::Node credentials = JsonReader::member(entry.is_object() ? &entry : nullptr, "credentials");
    m.channel_credentials = JsonReader::document(credentials);
    m.webhook_url = JsonReader::string(credentials, "webhookUrl");
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
