#pragma once
// SparkPost Transmissions: POST {base}/api/v1/transmissions (base https://api.sparkpost.com,
// or https://api.eu.sparkpost.com when credentials.region is "eu"), Authorization: apiKey
// (raw, no scheme), JSON. Outcomes: 200 → sent with `results.id`, but a 200 that accepted no
// recipient → permanent; 400/401/403/420 (sending limit)/422 → permanent; 429/5xx → retryable.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class SparkpostAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://api.sparkpost.com";
  static constexpr std::string_view kEuBase = "https://api.eu.sparkpost.com";
  std::string_view provider_id() const noexcept override { return "sparkpost"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
