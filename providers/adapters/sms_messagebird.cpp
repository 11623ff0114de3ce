#include "providers/adapters/sms_messagebird.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/sms_support.h"

namespace switchboard::providers {

BuildResult MessagebirdAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                      const BuildContext&) const {
  if (auto failed = check_sms(integration, message, {"accessKey"})) return *failed;
  const std::string from = sender_address(integration, message);
  if (from.empty()) return *missing_credentials(integration, {"from"});

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase, "/messages");
  request.headers = {{"authorization", "AccessKey " + credential(integration, "accessKey")},
                     {"content-type", "application/json"}};
  request.body = nlohmann::json{{"originator", from},
                                {"recipients", nlohmann::json::array({message.phone})},
                                {"body", message.body}}
                     .dump();
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome MessagebirdAdapter::parse(const HttpResult& result) const {
  if (result.ok() && result.response().status == 422) {
    const nlohmann::json body = nlohmann::json::parse(result.response().body, nullptr, false);
    // Accept both spellings of the field name ("recipient", "recipients").
    if (json_string_at(body, "errors.0.parameter").value_or("").starts_with("recipient")) {
      return invalid_recipient(result, "messagebird: " + json_string_at(body, "errors.0.description").value_or(""));
    }
  }
  return outcome_with_json_id(result, "id");
}

}  // namespace switchboard::providers
