#include "providers/adapters/chat_slack.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/chat_webhook.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult SlackAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                const BuildContext&) const {
  auto url = chat_webhook_url(integration, message);
  if (auto* outcome = std::get_if<DeliveryOutcome>(&url)) return std::move(*outcome);
  json body = json::object();
  if (const std::string& text = chat_text(message); !text.empty()) body["text"] = text;
  if (const auto blocks = message.content_data.find("blocks");
      blocks != message.content_data.end() && blocks->is_array() && !blocks->empty()) {
    body["blocks"] = *blocks;
  }
  if (body.empty()) return rejected("slack: chat event without content.body, content.subject or content.data.blocks");
  return std::vector<HttpRequest>{json_post(std::get<std::string>(std::move(url)), body.dump())};
}

DeliveryOutcome SlackAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_from_http(result);
  if (outcome.kind != OutcomeKind::kSent) return outcome;
  const std::string* id = result.response().header("x-slack-req-id");
  outcome.provider_message_id = id != nullptr ? *id : std::string{};
  return outcome;
}

}  // namespace switchboard::providers
