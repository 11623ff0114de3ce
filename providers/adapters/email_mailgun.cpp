#include "providers/adapters/email_mailgun.h"

#include <algorithm>

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/email_support.h"

namespace switchboard::providers {

std::pair<std::string, std::string> multipart_form(const std::vector<std::pair<std::string, std::string>>& fields,
                                                   std::string_view seed) {
  // A value containing the boundary would end its part early: derive another one.
  std::string boundary;
  for (int round = 0;; ++round) {
    boundary = "switchboard-" + sha256_hex(std::string(seed) + "#" + std::to_string(round)).substr(0, 32);
    const bool clash = std::any_of(fields.begin(), fields.end(), [&boundary](const auto& field) {
      return field.second.find(boundary) != std::string::npos;
    });
    if (!clash) break;
  }
  std::string body;
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n";
    body += value;
    body += "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return {"multipart/form-data; boundary=" + boundary, std::move(body)};
}

BuildResult MailgunAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                                  const BuildContext&) const {
  if (auto failure = email_build_failure(integration, message, {"apiKey", "domain"})) return *failure;

  std::vector<std::pair<std::string, std::string>> fields = {
      {"from", mailbox(sender_name(integration, message), sender_address(integration, message))},
      {"to", message.email},
      {"subject", message.subject}};
  if (std::string text = email_text(message); !text.empty()) fields.emplace_back("text", std::move(text));
  if (!message.html.empty()) fields.emplace_back("html", message.html);
  if (!message.reply_to.empty()) fields.emplace_back("h:Reply-To", message.reply_to);
  // v: variables come back as user-variables in Mailgun's event webhooks.
  for (auto& [key, value] : tracking_ids(message)) fields.emplace_back("v:" + key, std::move(value));
  auto [content_type, body] = multipart_form(fields, message.event_id);

  const std::string& user = credential(integration, "user");
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, kDefaultBase,
                             "/v3/" + percent_encode(credential(integration, "domain")) + "/messages");
  request.headers = {{"authorization", basic_auth(user.empty() ? "api" : user, credential(integration, "apiKey"))},
                     {"content-type", std::move(content_type)}};
  request.body = std::move(body);
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome MailgunAdapter::parse(const HttpResult& result) const { return outcome_with_json_id(result, "id"); }

}  // namespace switchboard::providers
