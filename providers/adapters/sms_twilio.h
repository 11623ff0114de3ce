#pragma once
// Twilio Messages: POST {base}/2010-04-01/Accounts/{accountSid}/Messages.json, form
// To/From/Body, Basic accountSid:token. 2xx → sent with `sid`; 400 with code 21211 (invalid
// To) or 21614 (not a mobile number) → rejected; other 4xx → permanent; 429/5xx → retryable.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class TwilioAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://api.twilio.com";
  std::string_view provider_id() const noexcept override { return "twilio"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
