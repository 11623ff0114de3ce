#pragma once
// Telnyx Messaging v2: POST {base}/v2/messages, Bearer apiKey, JSON from/to/text plus
// messaging_profile_id (credentials.messageProfileId) when set. 2xx → sent with data.id;
// 4xx whose errors[].code is 40310 (invalid 'to') → rejected; other 4xx → permanent;
// 429/5xx → retryable.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class TelnyxAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://api.telnyx.com";
  std::string_view provider_id() const noexcept override { return "telnyx"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
