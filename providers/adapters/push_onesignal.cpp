#include "providers/adapters/push_onesignal.h"

#include "providers/adapters/adapter_support.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult OneSignalAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                    const BuildContext&) const {
  if (auto missing = missing_credentials(integration, {"apiKey", "applicationId"})) return *missing;
  if (message.device_tokens.empty()) {
    return rejected("push event without deviceTokens on the subscriber's one-signal entry");
  }
  json body = {{"app_id", credential(integration, "applicationId")},
               {"include_player_ids", message.device_tokens},
               {"contents", {{"en", message.body}}}};
  if (!message.title.empty()) body["headings"] = {{"en", message.title}};
  if (!message.content_data.empty()) body["data"] = message.content_data;

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase, "/api/v1/notifications");
  request.headers = {{"authorization", "Basic " + credential(integration, "apiKey")},
                     {"content-type", "application/json"}};
  request.body = body.dump();
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome OneSignalAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_with_json_id(result, "id");
  if (outcome.kind != OutcomeKind::kSent || !outcome.provider_message_id.empty()) return outcome;
  // OneSignal answers 200 even when nobody could be notified: the reason is in `errors`.
  const json body = json::parse(result.response().body, nullptr, false);
  const auto errors = body.find("errors");
  if (errors == body.end()) return outcome;
  const std::string reason = errors->is_array() && !errors->empty() && (*errors)[0].is_string()
                                 ? (*errors)[0].get<std::string>()
                                 : errors->dump();
  return DeliveryOutcome::failure(OutcomeKind::kPermanent, "one-signal: " + reason, result.response().status);
}

}  // namespace switchboard::providers
