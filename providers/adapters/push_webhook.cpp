#include "providers/adapters/push_webhook.h"

#include "providers/adapters/adapter_support.h"
#include "providers/webhook_provider.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult PushWebhookAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                      const BuildContext&) const {
  if (auto missing = missing_credentials(integration, {"webhookUrl"})) return *missing;
  if (message.device_tokens.empty()) {
    return rejected("push event without deviceTokens on the subscriber's push-webhook entry");
  }
  const json body = {{"target", message.device_tokens}, {"title", message.title},
                     {"content", message.body},         {"payload", message.payload},
                     {"subscriber", message.subscriber}, {"eventId", message.event_id}};
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = credential(integration, "webhookUrl");
  request.headers = {{"content-type", "application/json"}};
  request.body = body.dump();
  if (const std::string& secret = credential(integration, "secretKey"); !secret.empty()) {
    request.headers.push_back({"x-switchboard-signature", hmac_sha256_hex(secret, request.body)});
  }
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome PushWebhookAdapter::parse(const HttpResult& result) const { return outcome_with_json_id(result, "id"); }

}  // namespace switchboard::providers
