#pragma once
// Microsoft Teams incoming webhook (Office 365 connector or Workflows): POST the
// subscriber's webhookUrl; the body is content.body itself when it parses as a JSON object
// (a MessageCard or an Adaptive Card message), else {"text": body or subject}.
// Outcomes: 200 ("1") / 202 → sent, id from the request-id header (else empty);
// a 200 whose body reports "Webhook message delivery failed ... HTTP error 429" (the legacy
// connector's throttling answer) → retryable, other such failures → permanent; 400/403/404
// /413 → permanent; 429 / 5xx → retryable. No webhook URL or no text → rejected.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class MsTeamsAdapter final : public HttpAdapter {
 public:
  std::string_view provider_id() const noexcept override { return "msteams"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
