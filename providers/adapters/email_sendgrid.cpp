#include "providers/adapters/email_sendgrid.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/email_support.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult SendgridAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                   const BuildContext&) const {
  if (auto failure = email_build_failure(integration, message, {"apiKey"})) return *failure;

  json from_object = {{"email", sender_address(integration, message)}};
  if (const std::string name = sender_name(integration, message); !name.empty()) from_object["name"] = name;
  json personalization = {{"to", json::array({{{"email", message.email}}})}};
  json body = {{"personalizations", json::array({std::move(personalization)})},
               {"from", std::move(from_object)},
               {"subject", message.subject}};
  json content = json::array();
  if (const std::string text = email_text(message); !text.empty()) {
    content.push_back({{"type", "text/plain"}, {"value", text}});
  }
  if (!message.html.empty()) content.push_back({{"type", "text/html"}, {"value", message.html}});
  body["content"] = std::move(content);
  if (!message.reply_to.empty()) body["reply_to"] = {{"email", message.reply_to}};
  if (const std::string& pool = credential(integration, "ipPoolName"); !pool.empty()) body["ip_pool_name"] = pool;
  // custom_args come back in SendGrid's event webhooks: the ids that tie them to this event.
  json custom_args = json::object();
  for (auto& [key, value] : tracking_ids(message)) custom_args[key] = std::move(value);
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
