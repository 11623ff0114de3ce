#include "providers/adapters/sms_twilio.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/sms_support.h"

namespace switchboard::providers {

BuildResult TwilioAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                 const BuildContext&) const {
  if (auto failed = check_sms(integration, message, {"accountSid", "token"})) return *failed;
  const std::string from = sender_address(integration, message);
  if (from.empty()) return *missing_credentials(integration, {"from"});
  const std::string& account_sid = credential(integration, "accountSid");

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase,
                             "/2010-04-01/Accounts/" + percent_encode(account_sid) + "/Messages.json");
  request.headers = {{"authorization", basic_auth(account_sid, credential(integration, "token"))},
                     {"content-type", "application/x-www-form-urlencoded"}};
  request.body = form_encode({{"To", message.phone}, {"From", from}, {"Body", message.body}});
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome TwilioAdapter::parse(const HttpResult& result) const {
  if (result.ok() && result.response().status == 400) {
    const nlohmann::json body = nlohmann::json::parse(result.response().body, nullptr, false);
    const std::string code = json_string_at(body, "code").value_or("");
    if (code == "21211" || code == "21614") return invalid_recipient(result, "twilio error " + code);
  }
  return outcome_with_json_id(result, "sid");
}

}  // namespace switchboard::providers
