#include "providers/adapters/sms_nexmo.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/sms_support.h"

namespace switchboard::providers {

BuildResult NexmoAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                const BuildContext&) const {
  if (auto failed = check_sms(integration, message, {"apiKey", "secretKey"})) return *failed;
  const std::string from = sender_address(integration, message);
  if (from.empty()) return *missing_credentials(integration, {"from"});
  // Vonage numbers are E.164 digits without the leading '+'.
  std::string_view to = message.phone;
  if (!to.empty() && to.front() == '+') to.remove_prefix(1);

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase, "/sms/json");
  request.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  request.body = form_encode({{"api_key", credential(integration, "apiKey")},
                              {"api_secret", credential(integration, "secretKey")},
                              {"from", from},
                              {"to", std::string(to)},
                              {"text", message.body}});
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome NexmoAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_from_http(result);
  if (outcome.kind != OutcomeKind::kSent) return outcome;
  const nlohmann::json body = nlohmann::json::parse(result.response().body, nullptr, false);
  const std::optional<std::string> status = json_string_at(body, "messages.0.status");
  if (!status) {
    return DeliveryOutcome::failure(OutcomeKind::kPermanent, "nexmo: answer without messages[0].status",
                                    result.response().status);
  }
  if (*status == "0") return DeliveryOutcome::sent(json_string_at(body, "messages.0.message-id").value_or(""));
  const std::string why =
      "nexmo status " + *status + ": " + json_string_at(body, "messages.0.error-text").value_or("(no error-text)");
  return DeliveryOutcome::failure(*status == "1" ? OutcomeKind::kRetryable : OutcomeKind::kPermanent, why,
                                  result.response().status);
}

}  // namespace switchboard::providers
