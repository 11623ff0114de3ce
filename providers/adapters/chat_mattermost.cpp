#include "providers/adapters/chat_mattermost.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/chat_webhook.h"

namespace switchboard::providers {

BuildResult MattermostAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                     const BuildContext&) const {
  auto url = chat_webhook_url(integration, message);
  if (auto* outcome = std::get_if<DeliveryOutcome>(&url)) return std::move(*outcome);
  const std::string& text = chat_text(message);
  if (text.empty()) return rejected("mattermost: chat event without content.body or content.subject");
  const nlohmann::json body = {{"text", text}};
  return std::vector<HttpRequest>{json_post(std::get<std::string>(std::move(url)), body.dump())};
}

}  // namespace switchboard::providers
