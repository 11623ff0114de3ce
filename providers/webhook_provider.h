#pragma once
// The generic webhook adapter: POSTs the event JSON to a URL. The URL is, in order, the
// configured override (delivery.webhook_url), the fan-out subscriber channel's
// credentials.webhookUrl, the integration's credentials.webhookUrl, then its baseUrl.
// With credentials.secretKey the body is signed: X-Switchboard-Signature = hex
// HMAC-SHA256(secretKey, body). Outcomes follow the HTTP status (contract section 5).

#include <string>

#include "providers/http/http_client.h"
#include "providers/provider.h"

namespace switchboard::providers {

class WebhookProvider final : public Provider {
 public:
  WebhookProvider(HttpClient& client, std::string url_override = {});
  void send(const DeliveryRequest& request, DeliveryCallback done) override;

  // The URL this request goes to, or empty when none is configured anywhere.
  std::string target_url(const DeliveryRequest& request) const;

 private:
  HttpClient& client_;
  std::string url_override_;
};

// Lower-case hex HMAC-SHA256 of `body` under `key`. Thread-safe (one OpenSSL context per
// thread); empty only if OpenSSL has no HMAC-SHA256.
std::string hmac_sha256_hex(std::string_view key, std::string_view body);

}  // namespace switchboard::providers
