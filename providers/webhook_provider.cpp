#include "providers/webhook_provider.h"

#include <nlohmann/json.hpp>

#include "providers/adapters/adapter_support.h"

namespace switchboard::providers {

std::string hmac_sha256_hex(std::string_view key, std::string_view body) {
  return lower_hex(hmac_sha256_raw(key, body));
}

WebhookProvider::WebhookProvider(HttpClient& client, std::string url_override)
    : client_(client), url_override_(std::move(url_override)) {}

std::string WebhookProvider::target_url(const DeliveryRequest& request) const {
  if (!url_override_.empty()) return url_override_;
  if (!request.subscriber_channel_json.empty()) {
    auto entry = nlohmann::json::parse(request.subscriber_channel_json, nullptr, false);
    if (entry.is_object() && entry.contains("credentials") && entry["credentials"].is_object()) {
      const auto& credentials = entry["credentials"];
      auto url = credentials.find("webhookUrl");
      if (url != credentials.end() && url->is_string()) return url->get<std::string>();
    }
  }
  for (const char* key : {"webhookUrl", "baseUrl"}) {
    if (const auto* c = request.integration->find_credential(key); c != nullptr && !c->value.empty()) return c->value;
  }
  return {};
}

void WebhookProvider::send(const DeliveryRequest& request, DeliveryCallback done) {
  std::string url = target_url(request);
  if (url.empty()) {
    done(DeliveryOutcome::failure(OutcomeKind::kPermanent,
                                  "no webhook URL: set credentials.webhookUrl or baseUrl on integration \"" +
                                      request.integration->identifier + "\""));
    return;
  }
  HttpRequest http;
  http.method = HttpMethod::kPost;
  http.url = std::move(url);
  http.shared_body = request.event_json;
  http.headers.reserve(4);
  http.headers.push_back({"content-type", "application/json"});
  http.headers.push_back({"x-switchboard-event-id", request.event_id});
  http.headers.push_back({"x-switchboard-target", request.target});
  if (const auto* secret = request.integration->find_credential("secretKey"); secret != nullptr) {
    http.headers.push_back({"x-switchboard-signature", hmac_sha256_hex(secret->value, *request.event_json)});
  }
  client_.request(std::move(http), [done = std::move(done)](HttpResult result) { done(outcome_from_http(result)); });
}

}  // namespace switchboard::providers
