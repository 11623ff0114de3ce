#pragma once
// OneSignal: POST {base}/api/v1/notifications (base https://onesignal.com),
// `Authorization: Basic <apiKey>` (the REST API key as-is, not base64 of user:password),
// JSON {app_id: applicationId, include_player_ids: device tokens, headings.en: title,
// contents.en: body, data: content.data}.
// Outcomes: 2xx with a non-empty `id` → sent with it; 2xx with `errors` and no id (e.g.
// "All included players are not subscribed") → permanent; 400/401/403 and other 4xx →
// permanent; 429/5xx → retryable (Retry-After honoured). Missing apiKey or applicationId →
// permanent; no device token → rejected.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class OneSignalAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://onesignal.com";
  std::string_view provider_id() const noexcept override { return "one-signal"; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
