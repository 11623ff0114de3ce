#include "providers/adapters/outbound_message.h"

namespace switchboard::providers {
namespace {

using nlohmann::json;

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

}  // namespace

DecodedMessage decode_message(const DeliveryRequest& request) {
  DecodedMessage decoded;
  OutboundMessage& m = decoded.message;
  m.event_id = request.event_id;
  m.channel = request.channel;
  if (!request.event_json) {
    decoded.error = "no event JSON";
    return decoded;
  }
  const json event = json::parse(*request.event_json, nullptr, false);
  if (!event.is_object()) {
    decoded.error = "event is not a JSON object";
    return decoded;
  }
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
