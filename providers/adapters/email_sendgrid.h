#pragma once
// SendGrid v3 Mail Send: POST {base}/v3/mail/send, Authorization: Bearer apiKey, JSON body.
// Outcomes: 202 → sent with the X-Message-Id header; 401/403 (bad key) and other 4xx →
// permanent; 429/5xx → retryable (Retry-After honoured). No recipient email → rejected.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class SendgridAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://api.sendgrid.com";
  std::string_view provider_id() const noexcept override { return "sendgrid"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
};

}  // namespace switchboard::providers
