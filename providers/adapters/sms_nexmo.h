#pragma once
// Vonage (Nexmo) SMS API: POST {base}/sms/json, form api_key/api_secret/from/to/text (the
// credentials travel in the body). HTTP 200 is not success by itself: messages[0].status
// "0" → sent with messages[0].message-id; "1" (throttled) → retryable; any other status →
// permanent. Non-200 answers: 429/5xx retryable, other 4xx permanent.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class NexmoAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://rest.nexmo.com";
  std::string_view provider_id() const noexcept override { return "nexmo"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
