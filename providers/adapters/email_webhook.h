#pragma once
// The email webhook: POST credentials.webhookUrl (else credentials.baseUrl), the mail as
// JSON, X-Switchboard-Signature = hex HMAC-SHA256(secretKey, body). Outcomes: 2xx → sent
// with the body's `id`, else the X-Message-Id header; 408/429/5xx → retryable (Retry-After
// honoured); other 4xx → permanent.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class EmailWebhookAdapter final : public HttpAdapter {
 public:
  std::string_view provider_id() const noexcept override { return "email-webhook"; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
