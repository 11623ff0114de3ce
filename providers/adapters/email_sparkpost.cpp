#include "providers/adapters/email_sparkpost.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/email_support.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult SparkpostAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                    const BuildContext&) const {
  if (auto failure = email_build_failure(integration, message, {"apiKey"})) return *failure;

  json from = {{"email", sender_address(integration, message)}};
  if (const std::string name = sender_name(integration, message); !name.empty()) from["name"] = name;
  json content = {{"from", std::move(from)}, {"subject", message.subject}};
  if (const std::string text = email_text(message); !text.empty()) content["text"] = text;
  if (!message.html.empty()) content["html"] = message.html;
  if (!message.reply_to.empty()) content["reply_to"] = message.reply_to;
  json body = {{"recipients", json::array({{{"address", {{"email", message.email}}}}})},
               {"content", std::move(content)}};
  // Transmission metadata comes back in SparkPost's event webhooks.
  json metadata = json::object();
  for (auto& [key, value] : tracking_ids(message)) metadata[key] = std::move(value);
  if (!metadata.empty()) body["metadata"] = std::move(metadata);

  const bool eu = credential(integration, "region") == "eu";
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, eu ? kEuBase : kDefaultBase, "/api/v1/transmissions");
  request.headers = {{"authorization", credential(integration, "apiKey")}, {"content-type", "application/json"}};
  request.body = body.dump();
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome SparkpostAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_from_http(result);
  if (outcome.kind != OutcomeKind::kSent) return outcome;
  const json body = json::parse(result.response().body, nullptr, false);
  if (json_string_at(body, "results.total_accepted_recipients") == "0") {
    return DeliveryOutcome::failure(OutcomeKind::kPermanent, "sparkpost: no recipient accepted (" +
                                        json_string_at(body, "results.total_rejected_recipients").value_or("?") +
                                        " rejected)",
                                    result.response().status);
  }
  if (auto id = json_string_at(body, "results.id")) outcome.provider_message_id = std::move(*id);
  return outcome;
}

}  // namespace switchboard::providers
