#pragma once
// Discord webhook: POST the subscriber's webhookUrl with wait=true added to its query (so
// Discord answers with the created message instead of 204), JSON {"content": body or
// subject}. Outcomes: 200 → sent with the message's `id`; 204 → sent without id;
// 400 (e.g. code 50006 empty message), 401/403/404 (unknown or deleted webhook) → permanent;
// 429 → retryable after Retry-After, else after the body's `retry_after` (seconds, float);
// 5xx → retryable. No webhook URL or no text → rejected.

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

class DiscordAdapter final : public HttpAdapter {
 public:
  std::string_view provider_id() const noexcept override { return "discord"; }
  bool reads_documents() const noexcept override { return false; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
  DeliveryOutcome parse(const HttpResult& result) const override;
};

// `url` with wait=true in its query, unless the query already sets wait. No fragment.
std::string with_discord_wait(std::string url);

}  // namespace switchboard::providers
