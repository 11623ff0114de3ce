#include "providers/adapters/push_expo.h"

#include "providers/adapters/adapter_support.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult ExpoAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                               const BuildContext&) const {
  if (message.device_tokens.empty()) return rejected("push event without deviceTokens on the subscriber's expo entry");
  json messages = json::array();
  for (const std::string& token : message.device_tokens) {
    json m = {{"to", token}, {"title", message.title}, {"body", message.body}};
    if (!message.content_data.empty()) m["data"] = message.content_data;
    messages.push_back(std::move(m));
  }
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase, "/--/api/v2/push/send");
  request.headers = {{"content-type", "application/json"}, {"accept", "application/json"}};
  if (const std::string& key = credential(integration, "apiKey"); !key.empty()) {
    request.headers.push_back({"authorization", "Bearer " + key});
  }
  request.body = messages.dump();
  return std::vector<HttpRequest>{std::move(request)};
}

namespace {

DeliveryOutcome ticket_outcome(const json& ticket) {
  const std::string status = json_string_at(ticket, "status").value_or("");
  if (status == "ok") return DeliveryOutcome::sent(json_string_at(ticket, "id").value_or(""));
  const std::string code = json_string_at(ticket, "details.error").value_or("");
  const std::string message = json_string_at(ticket, "message").value_or("ticket status \"" + status + "\"");
  const OutcomeKind kind = code == "MessageRateExceeded" ? OutcomeKind::kRetryable : OutcomeKind::kPermanent;
  return DeliveryOutcome::failure(kind, "expo: " + (code.empty() ? message : code + ": " + message));
}

}  // namespace

DeliveryOutcome ExpoAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_from_http(result);
  if (outcome.kind != OutcomeKind::kSent) return outcome;
  const json body = json::parse(result.response().body, nullptr, false);
  if (body.is_object() && body.contains("errors")) {
    const std::string first = json_string_at(body, "errors.0.message").value_or("request refused");
    return DeliveryOutcome::failure(OutcomeKind::kPermanent, "expo: " + first, result.response().status);
  }
  const auto tickets = body.find("data");  // end() unless body is an object with data
  if (tickets == body.end() || !tickets->is_array() || tickets->empty()) {
    return DeliveryOutcome::failure(OutcomeKind::kPermanent, "expo: answer without push tickets",
                                    result.response().status);
  }
  std::vector<DeliveryOutcome> outcomes;
  outcomes.reserve(tickets->size());
  for (const json& ticket : *tickets) outcomes.push_back(ticket_outcome(ticket));
  return combine_outcomes(std::move(outcomes));
}

}  // namespace switchboard::providers
