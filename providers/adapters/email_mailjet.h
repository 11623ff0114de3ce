#pragma once
// Mailjet Send API v3.1: POST {base}/v3.1/send (base https://api.mailjet.com), HTTP Basic
// apiKey:secretKey, JSON {"Messages":[...]}, CustomID = the event id. Outcomes: 200 → sent
// with Messages[0].To[0].MessageID, but a 200 whose Messages[0].Status is "error" →
// permanent; 400/401 → permanent; 429/5xx → retryable (Retry-After honoured).

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class MailjetAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://api.mailjet.com";
  std::string_view provider_id() const noexcept override { return "mailjet"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
