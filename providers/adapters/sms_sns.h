#pragma once
// Amazon SNS Publish to a phone number: POST https://sns.{region}.amazonaws.com/ (or
// credentials.baseUrl), form Action=Publish&Message&PhoneNumber&Version=2010-03-31 (plus
// the AWS.SNS.SMS.SenderID attribute when a `from` is set), SigV4 service "sns". 2xx → sent
// with <MessageId> of the XML answer; error <Code> Throttling → retryable (SNS answers it
// with 400); InvalidParameter (400) and other 4xx → permanent; 429/5xx → retryable.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class SnsAdapter final : public HttpAdapter {
 public:
  std::string_view provider_id() const noexcept override { return "sns"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

}  // namespace switchboard::providers
