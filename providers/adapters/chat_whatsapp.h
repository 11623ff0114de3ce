#pragma once
// WhatsApp Business (Cloud API, Graph): POST {baseUrl or https://graph.facebook.com}/v19.0/
// {phoneNumberIdentification}/messages, Authorization: Bearer apiToken, JSON
// {"messaging_product":"whatsapp","to": subscriber.phone,"type":"text","text":{"body": body}}.
// Unlike the webhook chat adapters the recipient is subscriber.phone, not a URL on the
// subscriber's channel entry.
// Outcomes: 2xx → sent with messages.0.id ("wamid..."); Graph errors carry
// {"error":{"code": N, ...}} and Meta sends throttling with HTTP 400 as well as 429, so the
// code decides: 4 (app call limit), 80007 (WABA rate limit), 130429 (throughput),
// 131056 (pair rate limit), 1 / 2 (unknown / service unavailable) → retryable; other 4xx
// (100 bad parameter, 131026 undeliverable, 131047 re-engagement window, 190 expired token,
// ...) → permanent; 429 / 5xx → retryable. No phone or no text → rejected; missing apiToken
// or phoneNumberIdentification → permanent.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class WhatsAppBusinessAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://graph.facebook.com";
  static constexpr std::string_view kGraphVersion = "v19.0";
  std::string_view provider_id() const noexcept override { return "whatsapp-business"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
