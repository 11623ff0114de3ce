#include "providers/adapters/chat_msteams.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/chat_webhook.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult MsTeamsAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                  const BuildContext&) const {
  auto url = chat_webhook_url(integration, message);
  if (auto* outcome = std::get_if<DeliveryOutcome>(&url)) return std::move(*outcome);
  const std::string& text = chat_text(message);
  if (text.empty()) return rejected("msteams: chat event without content.body or content.subject");
  json card = json::parse(message.body, nullptr, false);
  // A card goes as written (re-serialised compactly); anything else is plain text.
  std::string body = card.is_object() ? card.dump() : json{{"text", text}}.dump();
  return std::vector<HttpRequest>{json_post(std::get<std::string>(std::move(url)), std::move(body))};
}

DeliveryOutcome MsTeamsAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_from_http(result);
  if (outcome.kind != OutcomeKind::kSent) return outcome;
  const HttpResponse& response = result.response();
  // The legacy connector reports downstream failures inside a 200.
  constexpr std::string_view kFailed = "Webhook message delivery failed";
  if (std::string_view(response.body).substr(0, kFailed.size()) == kFailed) {
    const bool throttled = response.body.find("HTTP error 429") != std::string::npos;
    std::string error = "msteams: " + response.body.substr(0, 160);
    for (char& c : error) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    return DeliveryOutcome::failure(throttled ? OutcomeKind::kRetryable : OutcomeKind::kPermanent, std::move(error),
                                    response.status);
  }
  const std::string* id = response.header("request-id");
  outcome.provider_message_id = id != nullptr ? *id : std::string{};
  return outcome;
}

}  // namespace switchboard::providers
