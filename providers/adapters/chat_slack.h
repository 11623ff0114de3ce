#pragma once
// Slack incoming webhook: POST the subscriber's webhookUrl (no auth header: the URL is the
// secret), JSON {"text": body or subject, "blocks": content.data.blocks when an array}.
// Outcomes: 200 ("ok") → sent, id from the x-slack-req-id header (else empty);
// 400 invalid_payload, 403 action_prohibited / invalid_token, 404 channel_not_found /
// no_service, 410 channel_is_archived → permanent; 429 / 5xx → retryable (Retry-After
// honoured). No webhook URL, or neither text nor blocks → rejected.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class SlackAdapter final : public HttpAdapter {
 public:
  std::string_view provider_id() const noexcept override { return "slack"; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
