#pragma once
// push-webhook: POST credentials.webhookUrl with JSON {target: device tokens, title,
// content: body, payload, subscriber, eventId}; with credentials.secretKey the body is
// signed: `X-Switchboard-Signature` = hex HMAC-SHA256(secretKey, body), as the generic
// webhook adapter signs.
// Outcomes: 2xx → sent with the body's `id`, else the x-message-id header; 408/429/5xx →
// retryable (Retry-After honoured); other 4xx → permanent. Missing webhookUrl →
// permanent; no device token → rejected (as every push provider).

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class PushWebhookAdapter final : public HttpAdapter {
 public:
  std::string_view provider_id() const noexcept override { return "push-webhook"; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
