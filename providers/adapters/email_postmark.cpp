#include "providers/adapters/email_postmark.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/email_support.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult PostmarkAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                   const BuildContext&) const {
  if (auto failure = email_build_failure(integration, message, {"apiKey"})) return *failure;

  json body = {{"From", mailbox(sender_name(integration, message), sender_address(integration, message))},
               {"To", message.email},
               {"Subject", message.subject},
               {"MessageStream", "outbound"}};
  if (const std::string text = email_text(message); !text.empty()) body["TextBody"] = text;
  if (!message.html.empty()) body["HtmlBody"] = message.html;
  if (!message.reply_to.empty()) body["ReplyTo"] = message.reply_to;
  // Metadata comes back in Postmark's webhooks; it refuses values over 80 characters.
  json metadata = json::object();
  for (auto& [key, value] : tracking_ids(message)) {
    if (value.size() <= 80) metadata[key] = std::move(value);
  }
  if (!metadata.empty()) body["Metadata"] = std::move(metadata);

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase, "/email");
  request.headers = {{"x-postmark-server-token", credential(integration, "apiKey")},
                     {"accept", "application/json"},
                     {"content-type", "application/json"}};
  request.body = body.dump();
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome PostmarkAdapter::parse(const HttpResult& result) const {
  return outcome_with_json_id(result, "MessageID");
}

}  // namespace switchboard::providers
