#include "providers/adapters/sms_sns.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/aws_sigv4.h"
#include "providers/adapters/sms_support.h"

namespace switchboard::providers {
namespace {

// The text of the first <tag>...</tag>: SNS answers are small, flat XML documents.
std::string xml_text(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const std::size_t start = xml.find(open);
  if (start == std::string_view::npos) return {};
  const std::size_t end = xml.find(close, start + open.size());
  if (end == std::string_view::npos) return {};
  return std::string(xml.substr(start + open.size(), end - start - open.size()));
}

}  // namespace

BuildResult SnsAdapter::build(const routing::Integration& integration, const OutboundMessage& message,
                              const BuildContext& context) const {
  if (auto failed = check_sms(integration, message, {"apiKey", "secretKey", "region"})) return *failed;
  const std::string& region = credential(integration, "region");

  std::vector<std::pair<std::string, std::string>> fields = {
      {"Action", "Publish"}, {"Message", message.body}, {"PhoneNumber", message.phone}};
  if (const std::string from = sender_address(integration, message); !from.empty()) {
    fields.insert(fields.end(), {{"MessageAttributes.entry.1.Name", "AWS.SNS.SMS.SenderID"},
                                 {"MessageAttributes.entry.1.Value.DataType", "String"},
                                 {"MessageAttributes.entry.1.Value.StringValue", from}});
  }
  fields.emplace_back("Version", "2010-03-31");

  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = endpoint_url(integration, "https://sns." + region + ".amazonaws.com", "/");
  request.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = form_encode(fields);
  const std::string error = sigv4::sign_request(
      request, {credential(integration, "apiKey"), credential(integration, "secretKey"), region, "sns", context.now});
  if (!error.empty()) return DeliveryOutcome::failure(OutcomeKind::kPermanent, "sns: " + error);
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome SnsAdapter::parse(const HttpResult& result) const {
  DeliveryOutcome outcome = outcome_from_http(result);
  if (!result.ok()) return outcome;
  const std::string& body = result.response().body;
  if (outcome.kind == OutcomeKind::kSent) {
    outcome.provider_message_id = xml_text(body, "MessageId");
    return outcome;
  }
  const std::string code = xml_text(body, "Code");
  if (code.empty()) return outcome;
  outcome.error = "sns " + code + ": " + xml_text(body, "Message") + " (HTTP " + std::to_string(outcome.http_status) + ")";
  if (code == "Throttling") outcome.kind = OutcomeKind::kRetryable;
  return outcome;
}

}  // namespace switchboard::providers
