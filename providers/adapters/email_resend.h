#pragma once
// Resend: POST {base}/emails (base https://api.resend.com), Authorization: Bearer apiKey,
// JSON, Idempotency-Key = the event id (a retry after a lost answer is not sent twice).
// Outcomes: 200 → sent with `id`; 409 concurrent_idempotent_requests (the first attempt is
// still running) → retryable; other 4xx → permanent; 429/5xx → retryable.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class ResendAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://api.resend.com";
  std::string_view provider_id() const noexcept override { return "resend"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
