#pragma once
// Postmark Email API: POST {base}/email (base https://api.postmarkapp.com),
// X-Postmark-Server-Token: apiKey, PascalCase JSON on the "outbound" message stream.
// Outcomes: 200 → sent with `MessageID`; 422 (bad input, with Postmark's ErrorCode) and 401
// (bad token) → permanent; 429/5xx → retryable (Retry-After honoured).

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class PostmarkAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://api.postmarkapp.com";
  std::string_view provider_id() const noexcept override { return "postmark"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
