// The sink's sms provider endpoints: request-shape checks and success answers.
#include <algorithm>
#include <iterator>
#include <map>

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

// The non-empty string at `key` of a JSON object, or nullptr.
const std::string* json_text(const json& body, const char* key) {
  if (!body.is_object()) return nullptr;
  const auto it = body.find(key);
  if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return nullptr;
  return &it->get_ref<const std::string&>();
}

std::string form_text(const std::map<std::string, std::string>& form, const char* key) {
  const auto it = form.find(key);
  return it == form.end() ? std::string{} : it->second;
}

// generic-sms sends its credentials in headers named by the integration: the sink only
// knows that one must be there.
bool has_custom_header(const SinkRequest& request) {
  static constexpr std::string_view kStandard[] = {"host",   "content-type", "content-length", "user-agent",
                                                   "accept", "connection",   "accept-encoding"};
  for (const SinkHeader& h : request.headers) {
    if (std::find(std::begin(kStandard), std::end(kStandard), h.name) == std::end(kStandard)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// nexmo (Vonage SMS API)

std::string check_nexmo(const SinkRequest& request) {
  if (request.method != "POST") return "nexmo: method must be POST";
  std::map<std::string, std::string> fields;
  if (has_json_content_type(request)) {
    const json body = json::parse(request.body, nullptr, false);
    if (!body.is_object()) return "nexmo: body is not a JSON object";
    for (const char* key : {"api_key", "api_secret", "from", "to", "text"}) {
      if (const std::string* value = json_text(body, key)) fields[key] = *value;
    }
  } else if (has_content_type(request, "application/x-www-form-urlencoded")) {
    fields = parse_form(request.body);
  } else {
    return "nexmo: Content-Type must be application/x-www-form-urlencoded or application/json";
  }
  for (const char* key : {"api_key", "api_secret", "from", "to", "text"}) {
    if (form_text(fields, key).empty()) return std::string("nexmo: parameter '") + key + "' is required";
  }
  const std::string to = form_text(fields, "to");
  if (!std::all_of(to.begin(), to.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return "nexmo: 'to' must be an E.164 number without '+' or spaces";
  }
  return {};
}

SinkResponse nexmo_answer(const SinkRequest& request, SinkIds& ids) {
  std::string to;
  if (has_json_content_type(request)) {
    const json body = json::parse(request.body, nullptr, false);
    if (const std::string* value = json_text(body, "to")) to = *value;
  } else {
    to = form_text(parse_form(request.body), "to");
  }
  // Vonage answers 200 with a per-message status; "0" is success.
  return json_answer(200, {{"message-count", "1"},
                           {"messages", json::array({{{"to", to},
                                                      {"message-id", ids.next("", 16)},
                                                      {"status", "0"},
                                                      {"remaining-balance", "3.14159265"},
                                                      {"message-price", "0.03330000"},
                                                      {"network", "12345"}}})}});
}

// ---------------------------------------------------------------------------------------
// plivo

constexpr std::string_view kPlivoPrefix = "/v1/Account/";
constexpr std::string_view kPlivoSuffix = "/Message/";

std::string check_plivo(const SinkRequest& request) {
  if (request.method != "POST") return "plivo: method must be POST";
  const std::string_view path = request.path();
  const std::string_view auth_id =
      path.substr(kPlivoPrefix.size(), path.size() - kPlivoPrefix.size() - kPlivoSuffix.size());
  if (auth_id.find('/') != std::string_view::npos) return "plivo: unexpected path";
  std::string user;
  std::string token;
  if (!basic_credentials(request, user, token)) return "plivo: missing 'Authorization: Basic <base64 authId:token>'";
  if (user != auth_id || token.empty()) return "plivo: the Basic user must be the auth id of the path, with a token";
  if (!has_json_content_type(request)) return "plivo: Content-Type must be application/json";
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) return "plivo: body is not a JSON object";
  for (const char* key : {"src", "dst", "text"}) {
    if (json_text(body, key) == nullptr) return std::string("plivo: '") + key + "' is required";
  }
  return {};
}

SinkResponse plivo_answer(const SinkRequest&, SinkIds& ids) {
  return json_answer(202, {{"api_id", sink_uuid(ids)},
                           {"message", "message(s) queued"},
                           {"message_uuid", json::array({sink_uuid(ids)})}});
}

// ---------------------------------------------------------------------------------------
// telnyx

std::string check_telnyx(const SinkRequest& request) {
  if (request.method != "POST") return "telnyx: method must be POST";
  if (!has_bearer(request)) return "telnyx: missing 'Authorization: Bearer <api key>'";
  if (!has_json_content_type(request)) return "telnyx: Content-Type must be application/json";
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) return "telnyx: body is not a JSON object";
  const std::string* to = json_text(body, "to");
  if (to == nullptr || !starts_with(*to, "+")) return "telnyx: 'to' must be a +E.164 number";
  if (json_text(body, "text") == nullptr && !body.contains("media_urls")) return "telnyx: 'text' is required";
  if (json_text(body, "from") == nullptr && json_text(body, "messaging_profile_id") == nullptr) {
    return "telnyx: 'from' or 'messaging_profile_id' is required";
  }
  return {};
}

SinkResponse telnyx_answer(const SinkRequest& request, SinkIds& ids) {
  const json body = json::parse(request.body, nullptr, false);
  auto text = [&body](const char* key) {
    const std::string* value = json_text(body, key);
    return value != nullptr ? *value : std::string{};
  };
  return json_answer(200, {{"data",
                            {{"record_type", "message"},
                             {"direction", "outbound"},
                             {"id", sink_uuid(ids)},
                             {"type", "SMS"},
                             {"messaging_profile_id", text("messaging_profile_id")},
                             {"from", {{"phone_number", text("from")}}},
                             {"to", json::array({{{"phone_number", text("to")}, {"status", "queued"}}})},
                             {"text", text("text")},
                             {"received_at", now_iso8601()}}}});
}

// ---------------------------------------------------------------------------------------
// messagebird

std::string check_messagebird(const SinkRequest& request) {
  if (request.method != "POST") return "messagebird: method must be POST";
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || !istarts_with(*auth, "AccessKey ") || auth->size() <= 10) {
    return "messagebird: missing 'Authorization: AccessKey <access key>'";
  }
  if (!has_json_content_type(request)) return "messagebird: Content-Type must be application/json";
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) return "messagebird: body is not a JSON object";
  if (json_text(body, "originator") == nullptr) return "messagebird: 'originator' is required";
  const auto recipients = body.find("recipients");
  if (recipients == body.end() || !recipients->is_array() || recipients->empty()) {
    return "messagebird: 'recipients' must be a non-empty array";
  }
  if (json_text(body, "body") == nullptr) return "messagebird: 'body' is required";
  return {};
}

SinkResponse messagebird_answer(const SinkRequest& request, SinkIds& ids) {
  const json body = json::parse(request.body, nullptr, false);
  const std::string id = ids.next("", 32);
  json items = json::array();
  for (const json& recipient : body["recipients"]) {
    items.push_back({{"recipient", recipient}, {"status", "sent"}, {"statusDatetime", now_iso8601()}});
  }
  return json_answer(201, {{"id", id},
                           {"href", "https://rest.messagebird.com/messages/" + id},
                           {"direction", "mt"},
                           {"type", "sms"},
                           {"originator", body["originator"]},
                           {"body", body["body"]},
                           {"createdDatetime", now_iso8601()},
                           {"recipients",
                            {{"totalCount", items.size()}, {"totalSentCount", items.size()}, {"items", items}}}});
}

// ---------------------------------------------------------------------------------------
// generic-sms: /generic-sms/auth hands out a token at data.token; /generic-sms/send sends

std::string check_generic_sms_auth(const SinkRequest& request) {
  if (request.method != "POST") return "generic-sms auth: method must be POST";
  if (!has_custom_header(request)) return "generic-sms auth: no API-key header (apiKeyRequestHeader)";
  return {};
}

SinkResponse generic_sms_auth_answer(const SinkRequest&, SinkIds& ids) {
  return json_answer(200, {{"data", {{"token", ids.next("gsms-", 32)}, {"expiresIn", 3600}}}});
}

std::string check_generic_sms_send(const SinkRequest& request) {
  if (request.method != "POST") return "generic-sms: method must be POST";
  if (!has_custom_header(request)) return "generic-sms: no API-key or token header";
  if (!has_json_content_type(request)) return "generic-sms: Content-Type must be application/json";
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) return "generic-sms: body is not a JSON object";
  if (json_text(body, "to") == nullptr) return "generic-sms: 'to' is required";
  if (json_text(body, "content") == nullptr) return "generic-sms: 'content' is required";
  return {};
}

SinkResponse generic_sms_send_answer(const SinkRequest&, SinkIds& ids) {
  return json_answer(200, {{"data", {{"id", ids.next("gsms-msg-", 24)}, {"date", now_iso8601()}}}});
}

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
    {"nexmo", [](const SinkRequest& r) { return r.path() == "/sms/json"; }, check_nexmo, nexmo_answer},
    {"plivo",
     [](const SinkRequest& r) {
       const std::string_view path = r.path();
       return starts_with(path, kPlivoPrefix) && ends_with(path, kPlivoSuffix) &&
              path.size() > kPlivoPrefix.size() + kPlivoSuffix.size();
     },
     check_plivo, plivo_answer},
    {"telnyx", [](const SinkRequest& r) { return r.path() == "/v2/messages"; }, check_telnyx, telnyx_answer},
    {"messagebird", [](const SinkRequest& r) { return r.path() == "/messages"; }, check_messagebird,
     messagebird_answer},
    {"generic-sms-auth", [](const SinkRequest& r) { return r.path() == "/generic-sms/auth"; },
     check_generic_sms_auth, generic_sms_auth_answer},
    {"generic-sms", [](const SinkRequest& r) { return r.path() == "/generic-sms/send"; }, check_generic_sms_send,
     generic_sms_send_answer},
};

}  // namespace

std::span<const SinkEndpoint> sms_sink_endpoints() { return kSmsEndpoints; }

}  // namespace switchboard::sink
