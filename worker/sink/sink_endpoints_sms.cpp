// The sink's sms provider endpoints: request-shape checks and success answers.
#include <nlohmann/json.hpp>

#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {

using nlohmann::json;

std::string check_twilio_request(const SinkRequest& request, std::string_view account_sid) {
  if (request.method != "POST") return "twilio: method must be POST";
  if (account_sid.empty()) return "twilio: empty account SID in the path";
  std::string user;
  std::string token;
  if (!basic_credentials(request, user, token)) return "twilio: missing 'Authorization: Basic <base64 sid:token>'";
  if (user.empty() || token.empty()) return "twilio: Basic credentials must be '<account sid or API key>:<token>'";
  if (user != account_sid && !starts_with(user, "SK")) {
    return "twilio: the Basic user must be the account SID of the path (or an API key SK...)";
  }
  if (!has_content_type(request, "application/x-www-form-urlencoded")) {
    return "twilio: Content-Type must be application/x-www-form-urlencoded";
  }
  const auto form = parse_form(request.body);
  auto non_empty = [&form](const char* key) {
    const auto it = form.find(key);
    return it != form.end() && !it->second.empty();
  };
  if (!non_empty("To")) return "twilio: form field 'To' is required";
  if (!non_empty("From") && !non_empty("MessagingServiceSid")) {
    return "twilio: form field 'From' (or 'MessagingServiceSid') is required";
  }
  if (!non_empty("Body") && !non_empty("MediaUrl")) return "twilio: form field 'Body' is required";
  return {};
}

namespace {

constexpr std::string_view kTwilioPrefix = "/2010-04-01/Accounts/";
constexpr std::string_view kTwilioSuffix = "/Messages.json";

std::string_view twilio_sid(const SinkRequest& request) {
  const std::string_view path = request.path();
  return path.substr(kTwilioPrefix.size(), path.size() - kTwilioPrefix.size() - kTwilioSuffix.size());
}

SinkResponse twilio_answer(const SinkRequest& request, SinkIds& ids) {
  const std::string sid = ids.next("SM", 32);
  const auto form = parse_form(request.body);
  auto field = [&form](const char* key) {
    const auto it = form.find(key);
    return it == form.end() ? std::string{} : it->second;
  };
  SinkResponse response;
  response.status = 201;
  response.headers.push_back({"content-type", "application/json"});
  response.body = json{{"sid", sid}, {"status", "queued"}, {"to", field("To")}, {"from", field("From")},
                       {"body", field("Body")}, {"date_created", now_iso8601()}}
                      .dump();
  return response;
}

const SinkEndpoint kSmsEndpoints[] = {
    {"twilio",
     [](const SinkRequest& r) {
       const std::string_view path = r.path();
       return starts_with(path, kTwilioPrefix) && ends_with(path, kTwilioSuffix) &&
              path.size() > kTwilioPrefix.size() + kTwilioSuffix.size();
     },
     [](const SinkRequest& r) {
       const std::string_view sid = twilio_sid(r);
       return sid.find('/') == std::string_view::npos ? check_twilio_request(r, sid)
                                                      : std::string("twilio: unexpected path");
     },
     twilio_answer},
};

}  // namespace

std::span<const SinkEndpoint> sms_sink_endpoints() { return kSmsEndpoints; }

}  // namespace switchboard::sink
