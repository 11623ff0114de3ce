#pragma once
// The parts of an event every adapter reads, decoded once per delivery attempt from the
// event JSON the worker consumed (contract section 2). Absent strings are empty.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "providers/provider.h"

namespace switchboard::providers {

struct OutboundMessage {
  std::string event_id;
  std::string transaction_id;
  std::string organization_id;
  std::string environment_id;
  routing::Channel channel = routing::Channel::kEmail;

  // subscriber
  std::string subscriber_id;
  std::string email;
  std::string phone;
  std::string first_name;
  std::string last_name;
  std::string locale;
  nlohmann::json subscriber = nlohmann::json::object();  // the whole subscriber object

  // content (the rendered message)
  std::string subject;
  std::string body;   // plain text
  std::string html;
  std::string title;  // push title
  nlohmann::json content_data = nlohmann::json::object();  // content.data
  nlohmann::json payload = nlohmann::json::object();

  // overrides (contract 2: the five named string fields)
  std::string from;
  std::string sender_name;
  std::string reply_to;

  // Fan-out (chat, push): the subscriber.channels entry this delivery is for.
  nlohmann::json channel_credentials = nlohmann::json::object();  // entry.credentials
  std::string webhook_url;                  // channel_credentials.webhookUrl
  std::vector<std::string> device_tokens;   // channel_credentials.deviceTokens (strings only)
};

struct DecodedMessage {
  OutboundMessage message;
  std::string error;  // non-empty when the event JSON could not be read
};

// `with_documents` = false leaves subscriber, payload and content_data empty objects (the
// string fields, webhook_url and device_tokens are always read).
DecodedMessage decode_message(const DeliveryRequest& request, bool with_documents = true);

}  // namespace switchboard::providers
