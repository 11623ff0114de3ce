#pragma once
// Expo push: POST {base}/--/api/v2/push/send (base https://exp.host), JSON array of
// {to, title, body, data} with every device token of the subscriber's entry in ONE request,
// `Authorization: Bearer apiKey` when the integration has an access token (optional: only
// projects with enhanced push security need one).
// Outcomes: 2xx → one outcome per ticket (data[i] answers to[i]), combined with
// combine_outcomes: status "ok" → sent with the ticket id; "error" with details.error
// MessageRateExceeded → retryable; DeviceNotRegistered and every other ticket error →
// permanent. A 2xx with top-level `errors` (whole request refused) → permanent.
// Non-2xx: the contract's status classes (429/5xx retryable, Retry-After honoured).
// No device token → rejected.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class ExpoAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://exp.host";
  std::string_view provider_id() const noexcept override { return "expo"; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
