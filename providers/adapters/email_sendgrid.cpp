#include "providers/adapters/email_sendgrid.h"

#include "providers/adapters/adapter_support.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult SendgridAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                   const BuildContext&) const {
  if (auto missing = missing_credentials(integration, {"apiKey"})) return *missing;
  if (message.email.empty()) return rejected("email event without subscriber.email");
  const std::string from = sender_address(integration, message);
  if (from.empty()) return *missing_credentials(integration, {"from"});

  json from_object = {{"email", from}};
  if (const std::string name = sender_name(integration, message); !name.empty()) from_object["name"] = name;
  json personalization = {{"to", json::array({{{"email", message.email}}})}};
  json body = {{"personalizations", json::array({std::move(personalization)})},
               {"from", std::move(from_object)},
               {"subject", message.subject}};
  json content = json::array();
  if (!message.body.empty()) content.push_back({{"type", "text/plain"}, {"value", message.body}});
  if (!message.html.empty()) content.push_back({{"type", "text/html"}, {"value", message.html}});
  if (content.empty()) content.push_back({{"type", "text/plain"}, {"value", " "}});
  body["content"] = std::move(content);
  if (!message.reply_to.empty()) body["reply_to"] = {{"email", message.reply_to}};
  if (const std::string& pool = credential(integration, "ipPoolName"); !pool.empty()) body["ip_pool_name"] = pool;
  // custom_args come back in SendGrid's event webhooks: the ids that tie them to this event.
  json custom_args = {{"switchboardEventId", message.event_id}};
  if (!message.transaction_id.empty()) custom_args["transactionId"] = message.transaction_id;
  if (!message.subscriber_id.empty()) custom_args["subscriberId"] = message.subscriber_id;
  body["custom_args"] = std::move(custom_args);

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase, "/v3/mail/send");
  request.headers = {{"authorization", "Bearer " + credential(integration, "apiKey")},
                     {"content-type", "application/json"}};
  request.body = body.dump();
  return std::vector<HttpRequest>{std::move(request)};
}

}  // namespace switchboard::providers
