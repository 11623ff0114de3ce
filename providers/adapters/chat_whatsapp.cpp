#include "providers/adapters/chat_whatsapp.h"

#include <algorithm>
#include <array>

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/chat_webhook.h"

namespace switchboard::providers {
namespace {

using nlohmann::json;

// Graph error codes that clear up by waiting: rate limits and transient service errors.
constexpr std::array<std::int64_t, 6> kRetryableCodes = {1, 2, 4, 80007, 130429, 131056};

}  // namespace

BuildResult WhatsAppBusinessAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                           const BuildContext&) const {
  if (auto missing = missing_credentials(integration, {"apiToken", "phoneNumberIdentification"})) return *missing;
  if (message.phone.empty()) return rejected("whatsapp-business: chat event without subscriber.phone");
  const std::string& text = chat_text(message);
  if (text.empty()) return rejected("whatsapp-business: chat event without content.body or content.subject");
  const json body = {{"messaging_product", "whatsapp"},
                     {"to", message.phone},
                     {"type", "text"},
                     {"text", {{"body", text}}}};
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase,
                             "/" + std::string(kGraphVersion) + "/" +
                                 percent_encode(credential(integration, "phoneNumberIdentification")) + "/messages");
  request.headers = {{"authorization", "Bearer " + credential(integration, "apiToken")},
                     {"content-type", "application/json"}};
  request.body = body.dump();
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome WhatsAppBusinessAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_with_json_id(result, "messages.0.id");
  if (outcome.kind != OutcomeKind::kPermanent || !result.ok()) return outcome;
  const json body = json::parse(result.response().body, nullptr, false);
  const auto code = json_string_at(body, "error.code");
  if (!code) return outcome;
  const bool retryable = std::any_of(kRetryableCodes.begin(), kRetryableCodes.end(),
                                     [&](std::int64_t c) { return *code == std::to_string(c); });
  if (retryable) outcome.kind = OutcomeKind::kRetryable;
  return outcome;
}

}  // namespace switchboard::providers
