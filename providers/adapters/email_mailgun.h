#pragma once
// Mailgun Messages API: POST {base}/v3/{domain}/messages (EU: baseUrl
// https://api.eu.mailgun.net), HTTP Basic `api` (or credentials.user) : apiKey,
// multipart/form-data. Outcomes: 200 → sent with the body's `id` ("<...@domain>");
// 400/401/403/404 → permanent; 429/5xx → retryable (Retry-After honoured).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class MailgunAdapter final : public HttpAdapter {
 public:
  static constexpr std::string_view kDefaultBase = "https://api.mailgun.net";
  std::string_view provider_id() const noexcept override { return "mailgun"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

// A multipart/form-data body (RFC 7578) of text fields, in order, with a boundary derived
// from `seed` (so golden tests are byte-for-byte) that occurs in no value. Returns the
// Content-Type value and the body.
std::pair<std::string, std::string> multipart_form(const std::vector<std::pair<std::string, std::string>>& fields,
                                                   std::string_view seed);

}  // namespace switchboard::providers
