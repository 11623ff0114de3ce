#include "providers/adapters/email_resend.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/email_support.h"

namespace switchboard::providers {

using nlohmann::json;

BuildResult ResendAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                 const BuildContext&) const {
  if (auto failure = email_build_failure(integration, message, {"apiKey"})) return *failure;

  json body = {{"from", mailbox(sender_name(integration, message), sender_address(integration, message))},
               {"to", json::array({message.email})},
               {"subject", message.subject}};
  if (const std::string text = email_text(message); !text.empty()) body["text"] = text;
  if (!message.html.empty()) body["html"] = message.html;
  if (!message.reply_to.empty()) body["reply_to"] = message.reply_to;

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase, "/emails");
  request.headers = {{"authorization", "Bearer " + credential(integration, "apiKey")},
                     {"content-type", "application/json"}};
  // Event ids are at most 128 bytes (contract 2); Resend takes keys up to 256.
  if (!message.event_id.empty()) request.headers.push_back({"idempotency-key", message.event_id});
  request.body = body.dump();
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome ResendAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_with_json_id(result, "id");
  if (outcome.http_status == 409) {
    const json error = json::parse(result.response().body, nullptr, false);
    if (json_string_at(error, "name") == "concurrent_idempotent_requests") outcome.kind = OutcomeKind::kRetryable;
  }
  return outcome;
}

}  // namespace switchboard::providers
