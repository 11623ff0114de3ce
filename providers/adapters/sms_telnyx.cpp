#include "providers/adapters/sms_telnyx.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/sms_support.h"

namespace switchboard::providers {

BuildResult TelnyxAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                 const BuildContext&) const {
  if (auto failed = check_sms(integration, message, {"apiKey"})) return *failed;
  const std::string from = sender_address(integration, message);
  const std::string& profile = credential(integration, "messageProfileId");
  // Telnyx picks a number from the profile's pool when `from` is absent.
  if (from.empty() && profile.empty()) return *missing_credentials(integration, {"from"});

  nlohmann::json body = {{"to", message.phone}, {"text", message.body}};
  if (!from.empty()) body["from"] = from;
  if (!profile.empty()) body["messaging_profile_id"] = profile;
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase, "/v2/messages");
  request.headers = {{"authorization", "Bearer " + credential(integration, "apiKey")},
                     {"content-type", "application/json"}};
  request.body = body.dump();
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome TelnyxAdapter::parse(const HttpResult& result) const {
  if (result.ok() && result.response().status >= 400 && result.response().status < 500) {
    const nlohmann::json body = nlohmann::json::parse(result.response().body, nullptr, false);
    if (json_string_at(body, "errors.0.code").value_or("") == "40310") {
      return invalid_recipient(result, "telnyx error 40310");
    }
  }
  return outcome_with_json_id(result, "data.id");
}

}  // namespace switchboard::providers
