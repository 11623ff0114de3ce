#include "providers/adapters/email_ses.h"

#include <algorithm>

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/aws_sigv4.h"

namespace switchboard::providers {

using nlohmann::json;

std::string ses_mailbox(std::string_view name, std::string_view address) {
  if (name.empty()) return std::string(address);
  std::string display;
  if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    display = "=?UTF-8?B?" + base64_encode(name) + "?=";
  } else if (name.find_first_of("()<>[]:;@\\,.\"") != std::string_view::npos) {
    display = "\"";
    for (const char c : name) {
      if (c == '"' || c == '\\') display.push_back('\\');
      display.push_back(c);
    }
    display.push_back('"');
  } else {
    display = name;
  }
  return display + " <" + std::string(address) + ">";
}

BuildResult SesAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                              const BuildContext& context) const {
  if (auto missing = missing_credentials(integration, {"apiKey", "secretKey", "region"})) return *missing;
  if (message.email.empty()) return rejected("email event without subscriber.email");
  const std::string from = sender_address(integration, message);
  if (from.empty()) return *missing_credentials(integration, {"from"});
  const std::string& region = credential(integration, "region");

  json body_parts = json::object();
  if (!message.body.empty()) body_parts["Text"] = {{"Data", message.body}, {"Charset", "UTF-8"}};
  if (!message.html.empty()) body_parts["Html"] = {{"Data", message.html}, {"Charset", "UTF-8"}};
  if (body_parts.empty()) body_parts["Text"] = {{"Data", " "}, {"Charset", "UTF-8"}};
  json body = {{"FromEmailAddress", ses_mailbox(sender_name(integration, message), from)},
               {"Destination", {{"ToAddresses", json::array({message.email})}}},
               {"Content",
                {{"Simple", {{"Subject", {{"Data", message.subject}, {"Charset", "UTF-8"}}}, {"Body", body_parts}}}}}};
  if (!message.reply_to.empty()) body["ReplyToAddresses"] = json::array({message.reply_to});

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, "https://email." + region + ".amazonaws.com", "/v2/email/outbound-emails");
  request.headers = {{"content-type", "application/json"}};
  request.body = body.dump();
  const std::string error = sigv4::sign_request(
      request, {credential(integration, "apiKey"), credential(integration, "secretKey"), region, "ses", context.now});
  if (!error.empty()) return DeliveryOutcome::failure(OutcomeKind::kPermanent, "ses: " + error);
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome SesAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_with_json_id(result, "MessageId");
  if (outcome.kind != OutcomeKind::kPermanent || !result.ok()) return outcome;
  // x-amzn-ErrorType is "Name" or "Name:namespace-url".
  const std::string* type = result.response().header("x-amzn-errortype");
  const std::string name = type != nullptr ? type->substr(0, type->find(':')) : std::string{};
  if (name == "TooManyRequestsException" || name == "ThrottlingException") outcome.kind = OutcomeKind::kRetryable;
  return outcome;
}

}  // namespace switchboard::providers
