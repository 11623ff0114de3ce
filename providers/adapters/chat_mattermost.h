#pragma once
// Mattermost incoming webhook: POST the subscriber's webhookUrl, JSON {"text": body or
// subject}. Outcomes: 200 ("ok") → sent (Mattermost returns no id: empty); 400 (e.g.
// web.incoming_webhook.text.app_error), 401/403/404 (disabled or unknown hook) → permanent;
// 429 / 5xx → retryable. No webhook URL or no text → rejected.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class MattermostAdapter final : public HttpAdapter {
 public:
  std::string_view provider_id() const noexcept override { return "mattermost"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
};

}  // namespace switchboard::providers
