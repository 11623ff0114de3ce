#include "providers/adapters/chat_discord.h"

#include <algorithm>
#include <cmath>

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/chat_webhook.h"

namespace switchboard::providers {

using nlohmann::json;

std::string with_discord_wait(std::string url) {
  url.erase(std::min(url.find('#'), url.size()));
  const std::size_t question = url.find('?');
  if (question == std::string::npos) return url + "?wait=true";
  const std::string query = "&" + url.substr(question + 1);
  if (query.find("&wait=") != std::string::npos) return url;
  if (question + 1 < url.size() && url.back() != '&') url += '&';
  return url + "wait=true";
}

BuildResult DiscordAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                  const BuildContext&) const {
  auto url = chat_webhook_url(integration, message);
  if (auto* outcome = std::get_if<DeliveryOutcome>(&url)) return std::move(*outcome);
  const std::string& text = chat_text(message);
  if (text.empty()) return rejected("discord: chat event without content.body or content.subject");
  const json body = {{"content", text}};
  return std::vector<HttpRequest>{json_post(with_discord_wait(std::get<std::string>(std::move(url))), body.dump())};
}

DeliveryOutcome DiscordAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_with_json_id(result, "id");
  if (!result.ok() || result.response().status != 429 || outcome.retry_after) return outcome;
  // Discord's rate-limit body: {"message": "...", "retry_after": 0.64, "global": false}.
  const json body = json::parse(result.response().body, nullptr, false);
  const auto seconds = body.find("retry_after");
  if (seconds != body.end() && seconds->is_number() && seconds->get<double>() >= 0.0) {
    // Capped at an hour: the executor's budget bounds the wait anyway.
    const double ms = std::ceil(std::min(seconds->get<double>(), 3600.0) * 1000.0);
    outcome.retry_after = std::chrono::milliseconds(static_cast<std::int64_t>(ms));
  }
  return outcome;
}

}  // namespace switchboard::providers
