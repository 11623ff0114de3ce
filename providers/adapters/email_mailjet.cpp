#include "providers/adapters/email_mailjet.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/email_support.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult MailjetAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                  const BuildContext&) const {
  if (auto failure = email_build_failure(integration, message, {"apiKey", "secretKey"})) return *failure;

  json from = {{"Email", sender_address(integration, message)}};
  if (const std::string name = sender_name(integration, message); !name.empty()) from["Name"] = name;
  json mail = {{"From", std::move(from)},
               {"To", json::array({{{"Email", message.email}}})},
               {"Subject", message.subject},
               {"CustomID", message.event_id}};
  if (const std::string text = email_text(message); !text.empty()) mail["TextPart"] = text;
  if (!message.html.empty()) mail["HTMLPart"] = message.html;
  if (!message.reply_to.empty()) mail["ReplyTo"] = {{"Email", message.reply_to}};
  const json body = {{"Messages", json::array({std::move(mail)})}};

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase, "/v3.1/send");
  request.headers = {{"authorization", basic_auth(credential(integration, "apiKey"), credential(integration, "secretKey"))},
                     {"content-type", "application/json"}};
  request.body = body.dump();
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome MailjetAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_from_http(result);
  if (outcome.kind != OutcomeKind::kSent) return outcome;
  const json body = json::parse(result.response().body, nullptr, false);
  if (json_string_at(body, "Messages.0.Status") == "error") {
    const std::string why = json_string_at(body, "Messages.0.Errors.0.ErrorMessage").value_or("no ErrorMessage");
    return DeliveryOutcome::failure(OutcomeKind::kPermanent, "mailjet: message status error: " + why,
                                    result.response().status);
  }
  if (auto id = json_string_at(body, "Messages.0.To.0.MessageID")) outcome.provider_message_id = std::move(*id);
  return outcome;
}

}  // namespace switchboard::providers
