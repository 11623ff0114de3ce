#pragma once
// MessageBird SMS: POST {base}/messages, `Authorization: AccessKey <accessKey>`, JSON
// originator/recipients/body. 2xx (201) → sent with `id`; 422 whose errors[0].parameter is
// "recipient(s)" → rejected; other 4xx → permanent; 429/5xx → retryable.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class MessagebirdAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://rest.messagebird.com";
  std::string_view provider_id() const noexcept override { return "messagebird"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
