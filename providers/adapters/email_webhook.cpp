#include "providers/adapters/email_webhook.h"

#include "providers/adapters/adapter_support.h"
#include "providers/webhook_provider.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult EmailWebhookAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                       const BuildContext&) const {
  std::string url = credential(integration, "webhookUrl");
  if (url.empty()) url = credential(integration, "baseUrl");
  if (url.empty()) return *missing_credentials(integration, {"webhookUrl"});
  if (auto missing = missing_credentials(integration, {"secretKey"})) return *missing;
  if (message.email.empty()) return rejected("email event without subscriber.email");

  // Novu's mail options (to is a list), plus the ids and data a receiver needs to act on it.
  const json body = {{"to", json::array({message.email})},
                     {"from", sender_address(integration, message)},
                     {"senderName", sender_name(integration, message)},
                     {"subject", message.subject},
                     {"html", message.html},
                     {"text", message.body},
                     {"replyTo", message.reply_to},
                     {"eventId", message.event_id},
                     {"transactionId", message.transaction_id},
                     {"subscriber", message.subscriber},
                     {"payload", message.payload}};

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = std::move(url);
  request.body = body.dump();
  request.headers = {{"content-type", "application/json"},
                     {"x-switchboard-signature", hmac_sha256_hex(credential(integration, "secretKey"), request.body)}};
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome EmailWebhookAdapter::parse(const HttpResult& result) const { return outcome_with_json_id(result, "id"); }

}  // namespace switchboard::providers
