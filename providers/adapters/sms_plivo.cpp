#include "providers/adapters/sms_plivo.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/sms_support.h"

namespace switchboard::providers {

BuildResult PlivoAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                const BuildContext&) const {
  if (auto failed = check_sms(integration, message, {"accountSid", "token"})) return *failed;
  const std::string from = sender_address(integration, message);
  if (from.empty()) return *missing_credentials(integration, {"from"});
  const std::string& auth_id = credential(integration, "accountSid");

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase, "/v1/Account/" + percent_encode(auth_id) + "/Message/");
  request.headers = {{"authorization", basic_auth(auth_id, credential(integration, "token"))},
                     {"content-type", "application/json"}};
  request.body = nlohmann::json{{"src", from}, {"dst", message.phone}, {"text", message.body}}.dump();
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome PlivoAdapter::parse(const HttpResult& result) const {
  return outcome_with_json_id(result, "message_uuid.0");
}

}  // namespace switchboard::providers
