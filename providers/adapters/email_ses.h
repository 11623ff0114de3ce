#pragma once
// Amazon SES v2 SendEmail: POST https://email.{region}.amazonaws.com/v2/email/outbound-emails
// (or credentials.baseUrl), JSON, AWS SigV4 service "ses" with apiKey = access key id and
// secretKey = secret access key. 2xx → sent with MessageId; 429 or an x-amzn-ErrorType of
// TooManyRequestsException/ThrottlingException → retryable; 5xx → retryable; other 4xx
// (MessageRejected, unverified sender, bad signature) → permanent. No email → rejected.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class SesAdapter final : public HttpAdapter {
 public:
  std::string_view provider_id() const noexcept override { return "ses"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

// "addr", or "Name <addr>" with the name quoted when it holds RFC 5322 specials and
// encoded as =?UTF-8?B?...?= when it is not ASCII (SES rejects raw non-ASCII names).
std::string ses_mailbox(std::string_view name, std::string_view address);

}  // namespace switchboard::providers
