#pragma once
// Plivo Message API: POST {base}/v1/Account/{authId}/Message/, Basic authId:token
// (credentials accountSid, token), JSON src/dst/text. 2xx (202) → sent with
// message_uuid[0]; 429/5xx → retryable; other 4xx → permanent.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class PlivoAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://api.plivo.com";
  std::string_view provider_id() const noexcept override { return "plivo"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
