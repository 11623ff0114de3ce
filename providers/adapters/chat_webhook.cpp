#include "providers/adapters/chat_webhook.h"

#include "providers/adapters/adapter_support.h"

namespace switchboard::providers {

std::variant<std::string, DeliveryOutcome> chat_webhook_url(const routing::Integration& integration,
                                                            const OutboundMessage& message) {
  const std::string& url = !message.webhook_url.empty() ? message.webhook_url : credential(integration, "webhookUrl");
  const std::string name = integration.provider_id;
  if (url.empty()) {
    return rejected(name + ": no webhook URL: the subscriber's channel entry lacks credentials.webhookUrl");
  }
  const UrlParse parsed = parse_url(url);
  if (!parsed.url) return rejected(name + ": the subscriber's webhookUrl is not usable: " + parsed.error);
  if (credential(integration, "baseUrl").empty()) return url;
  return endpoint_url(integration, "", parsed.url->target);
}

const std::string& chat_text(const OutboundMessage& message) {
  return !message.body.empty() ? message.body : message.subject;
}

HttpRequest json_post(std::string url, std::string body) {
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = std::move(url);
  request.headers = {{"content-type", "application/json"}};
  request.body = std::move(body);
  return request;
}

}  // namespace switchboard::providers
