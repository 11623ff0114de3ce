// The sink's email provider endpoints: request-shape checks and success answers.
#include <algorithm>
#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>

#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {

using nlohmann::json;

std::string check_sendgrid_request(const SinkRequest& request) {
  if (request.method != "POST") return "sendgrid: method must be POST";
  const std::string* auth = request.header("authorization");
  if (!auth || !istarts_with(*auth, "Bearer ") || auth->size() <= 7) {
    return "sendgrid: missing 'Authorization: Bearer <api key>'";
  }
  if (!has_json_content_type(request)) return "sendgrid: Content-Type must be application/json";
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return "sendgrid: body is not a JSON object";
  const auto personalizations = body.find("personalizations");
  if (personalizations == body.end() || !personalizations->is_array() || personalizations->empty()) {
    return "sendgrid: 'personalizations' must be a non-empty array";
  }
  for (const json& p : *personalizations) {
    const auto to = p.find("to");
    if (!p.is_object() || to == p.end() || !to->is_array() || to->empty()) {
      return "sendgrid: every personalization needs a non-empty 'to' array";
    }
  }
  const auto from = body.find("from");
  if (from == body.end() || !from->is_object() || !from->contains("email") || !(*from)["email"].is_string()) {
    return "sendgrid: 'from' must be an object with an 'email'";
  }
  const auto subject = body.find("subject");
  const bool has_subject = subject != body.end() && subject->is_string() && !subject->get_ref<const std::string&>().empty();
  const bool has_template = body.contains("template_id");
  const bool subject_in_personalization = std::any_of(personalizations->begin(), personalizations->end(),
                                                      [](const json& p) { return p.contains("subject"); });
  if (!has_subject && !has_template && !subject_in_personalization) {
    return "sendgrid: 'subject' is required (or a 'template_id')";
  }
  return {};
}

namespace {

// ---------------------------------------------------------------------------------------
// Shared by the checks below

// The body as a JSON object, or the reason it is not one (prefixed with `provider`).
std::string json_object_body(const SinkRequest& request, std::string_view provider, json& body) {
  if (!has_json_content_type(request)) return std::string(provider) + ": Content-Type must be application/json";
  body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return std::string(provider) + ": body is not a JSON object";
  return {};
}

// A decimal id of 18 digits (SparkPost transmission ids, Mailjet message ids).
std::uint64_t numeric_id(SinkIds& ids) { return 100'000'000'000'000'000ULL + ids.random()() % 900'000'000'000'000'000ULL; }

// multipart/form-data (RFC 7578) text fields by name; the first of a repeated name wins.
// False when the body does not follow the Content-Type's boundary.
bool parse_multipart(const SinkRequest& request, std::map<std::string, std::string>& fields) {
  const std::string* type = request.header("content-type");
  if (type == nullptr) return false;
  const std::size_t at = type->find("boundary=");
  if (at == std::string::npos) return false;
  std::string_view boundary = std::string_view(*type).substr(at + 9);
  boundary = boundary.substr(0, boundary.find(';'));
  if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
    boundary = boundary.substr(1, boundary.size() - 2);
  }
  if (boundary.empty()) return false;
  const std::string delimiter = "--" + std::string(boundary);
  const std::string_view body(request.body);
  std::size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) return false;
  while (true) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return true;  // the closing delimiter
    if (body.substr(pos, 2) != "\r\n") return false;
    pos += 2;
    const std::size_t next = body.find("\r\n" + delimiter, pos);
    if (next == std::string_view::npos) return false;
    const std::string_view part = body.substr(pos, next - pos);
    const std::size_t blank = part.find("\r\n\r\n");
    if (blank == std::string_view::npos) return false;
    const std::string_view headers = part.substr(0, blank);
    const std::size_t name_at = headers.find("name=\"");
    if (name_at == std::string_view::npos) return false;
    const std::size_t name_end = headers.find('"', name_at + 6);
    if (name_end == std::string_view::npos) return false;
    fields.emplace(std::string(headers.substr(name_at + 6, name_end - name_at - 6)),
                   std::string(part.substr(blank + 4)));
    pos = next + 2;
  }
}

// ---------------------------------------------------------------------------------------
// sendgrid

SinkResponse sendgrid_answer(const SinkRequest&, SinkIds& ids) {
  // SendGrid answers 202 with an empty body; the id is the X-Message-Id header.
  SinkResponse response;
  response.status = 202;
  response.headers.push_back({"x-message-id", ids.next("", 22)});
  return response;
}

// ---------------------------------------------------------------------------------------
// mailgun: POST /v3/{domain}/messages

constexpr std::string_view kMailgunPrefix = "/v3/";
constexpr std::string_view kMailgunSuffix = "/messages";

std::string_view mailgun_domain(const SinkRequest& request) {
  const std::string_view path = request.path();
  return path.substr(kMailgunPrefix.size(), path.size() - kMailgunPrefix.size() - kMailgunSuffix.size());
}

bool matches_mailgun(const SinkRequest& request) {
  const std::string_view path = request.path();
  if (path.size() <= kMailgunPrefix.size() + kMailgunSuffix.size()) return false;
  if (!starts_with(path, kMailgunPrefix) || !ends_with(path, kMailgunSuffix)) return false;
  return mailgun_domain(request).find('/') == std::string_view::npos;
}

std::string check_mailgun(const SinkRequest& request) {
  if (request.method != "POST") return "mailgun: method must be POST";
  std::string user;
  std::string key;
  if (!basic_credentials(request, user, key) || user.empty() || key.empty()) {
    return "mailgun: missing 'Authorization: Basic <base64 api:key>'";
  }
  std::map<std::string, std::string> fields;
  if (has_content_type(request, "multipart/form-data")) {
    if (!parse_multipart(request, fields)) return "mailgun: malformed multipart/form-data body";
  } else if (has_content_type(request, "application/x-www-form-urlencoded")) {
    fields = parse_form(request.body);
  } else {
    return "mailgun: Content-Type must be multipart/form-data or application/x-www-form-urlencoded";
  }
  auto non_empty = [&fields](const char* key) {
    const auto it = fields.find(key);
    return it != fields.end() && !it->second.empty();
  };
  for (const char* required : {"from", "to", "subject"}) {
    if (!non_empty(required)) return std::string("mailgun: field '") + required + "' is required";
  }
  if (!non_empty("text") && !non_empty("html") && !non_empty("template")) {
    return "mailgun: one of 'text', 'html' or 'template' is required";
  }
  return {};
}

SinkResponse mailgun_answer(const SinkRequest& request, SinkIds& ids) {
  // "<20261122100000.1a2b3c4d5e6f@domain>": a timestamp, a random part, the sending domain.
  std::string stamp;
  for (const char c : now_iso8601().substr(0, 19)) {
    if (c >= '0' && c <= '9') stamp.push_back(c);
  }
  const std::string id = "<" + stamp + "." + ids.next("", 12) + "@" + std::string(mailgun_domain(request)) + ">";
  return json_answer(200, {{"id", id}, {"message", "Queued. Thank you."}});
}

// ---------------------------------------------------------------------------------------
// postmark: POST /email

std::string check_postmark(const SinkRequest& request) {
  if (request.method != "POST") return "postmark: method must be POST";
  const std::string* token = request.header("x-postmark-server-token");
  if (token == nullptr || token->empty()) return "postmark: missing 'X-Postmark-Server-Token'";
  json body;
  if (std::string problem = json_object_body(request, "postmark", body); !problem.empty()) return problem;
  if (!non_empty_string(body, "From")) return "postmark: 'From' is required";
  if (!non_empty_string(body, "To")) return "postmark: 'To' is required";
  if (!non_empty_string(body, "HtmlBody") && !non_empty_string(body, "TextBody")) {
    return "postmark: 'HtmlBody' or 'TextBody' is required";
  }
  return {};
}

SinkResponse postmark_answer(const SinkRequest& request, SinkIds& ids) {
  const json body = json::parse(request.body, nullptr, false);
  return json_answer(200, {{"To", body.value("To", "")},
                           {"SubmittedAt", now_iso8601()},
                           {"MessageID", sink_uuid(ids)},
                           {"ErrorCode", 0},
                           {"Message", "OK"}});
}

// ---------------------------------------------------------------------------------------
// resend: POST /emails

std::string check_resend(const SinkRequest& request) {
  if (request.method != "POST") return "resend: method must be POST";
  if (!has_bearer(request)) return "resend: missing 'Authorization: Bearer <api key>'";
  json body;
  if (std::string problem = json_object_body(request, "resend", body); !problem.empty()) return problem;
  if (!non_empty_string(body, "from")) return "resend: 'from' is required";
  const auto to = body.find("to");
  const bool to_ok = to != body.end() && (to->is_string() ? !to->get_ref<const std::string&>().empty()
                                                          : to->is_array() && !to->empty() &&
                                                                std::all_of(to->begin(), to->end(), [](const json& t) {
                                                                  return t.is_string();
                                                                }));
  if (!to_ok) return "resend: 'to' must be an address or a non-empty array of addresses";
  if (!non_empty_string(body, "subject")) return "resend: 'subject' is required";
  if (!non_empty_string(body, "html") && !non_empty_string(body, "text")) return "resend: 'html' or 'text' is required";
  return {};
}

SinkResponse resend_answer(const SinkRequest&, SinkIds& ids) { return json_answer(200, {{"id", sink_uuid(ids)}}); }

// ---------------------------------------------------------------------------------------
// mailjet: POST /v3.1/send

std::string check_mailjet(const SinkRequest& request) {
  if (request.method != "POST") return "mailjet: method must be POST";
  std::string key;
  std::string secret;
  if (!basic_credentials(request, key, secret) || key.empty() || secret.empty()) {
    return "mailjet: missing 'Authorization: Basic <base64 apiKey:secretKey>'";
  }
  json body;
  if (std::string problem = json_object_body(request, "mailjet", body); !problem.empty()) return problem;
  const auto messages = body.find("Messages");
  if (messages == body.end() || !messages->is_array() || messages->empty()) {
    return "mailjet: 'Messages' must be a non-empty array";
  }
  for (const json& m : *messages) {
    if (!m.is_object()) return "mailjet: every message must be an object";
    const auto from = m.find("From");
    if (from == m.end() || !from->is_object() || !non_empty_string(*from, "Email")) {
      return "mailjet: 'From' must be an object with an 'Email'";
    }
    const auto to = m.find("To");
    if (to == m.end() || !to->is_array() || to->empty() ||
        !std::all_of(to->begin(), to->end(), [](const json& t) { return t.is_object() && non_empty_string(t, "Email"); })) {
      return "mailjet: 'To' must be a non-empty array of objects with an 'Email'";
    }
    if (!non_empty_string(m, "TextPart") && !non_empty_string(m, "HTMLPart") && !m.contains("TemplateID")) {
      return "mailjet: 'TextPart', 'HTMLPart' or 'TemplateID' is required";
    }
  }
  return {};
}

SinkResponse mailjet_answer(const SinkRequest& request, SinkIds& ids) {
  const json body = json::parse(request.body, nullptr, false);
  json messages = json::array();
  for (const json& m : body["Messages"]) {
    json to = json::array();
    for (const json& recipient : m["To"]) {
      const std::uint64_t id = numeric_id(ids);
      to.push_back({{"Email", recipient["Email"]},
                    {"MessageUUID", sink_uuid(ids)},
                    {"MessageID", id},
                    {"MessageHref", "https://api.mailjet.com/v3/REST/message/" + std::to_string(id)}});
    }
    messages.push_back({{"Status", "success"},
                        {"CustomID", m.value("CustomID", "")},
                        {"To", std::move(to)},
                        {"Cc", json::array()},
                        {"Bcc", json::array()}});
  }
  return json_answer(200, {{"Messages", std::move(messages)}});
}

// ---------------------------------------------------------------------------------------
// sparkpost: POST /api/v1/transmissions

bool is_address(const json& value) {
  return value.is_string() ? !value.get_ref<const std::string&>().empty()
                           : value.is_object() && non_empty_string(value, "email");
}

std::string check_sparkpost(const SinkRequest& request) {
  if (request.method != "POST") return "sparkpost: method must be POST";
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || auth->empty()) return "sparkpost: missing 'Authorization: <api key>'";
  if (istarts_with(*auth, "Bearer ") || istarts_with(*auth, "Basic ")) {
    return "sparkpost: 'Authorization' is the API key itself, without a scheme";
  }
  json body;
  if (std::string problem = json_object_body(request, "sparkpost", body); !problem.empty()) return problem;
  const auto recipients = body.find("recipients");
  if (recipients == body.end() || !recipients->is_array() || recipients->empty() ||
      !std::all_of(recipients->begin(), recipients->end(), [](const json& r) {
        return r.is_object() && r.contains("address") && is_address(r["address"]);
      })) {
    return "sparkpost: 'recipients' must be a non-empty array of {address}";
  }
  const auto content = body.find("content");
  if (content == body.end() || !content->is_object()) return "sparkpost: 'content' must be an object";
  if (content->contains("template_id")) return {};
  if (!content->contains("from") || !is_address((*content)["from"])) return "sparkpost: 'content.from' is required";
  if (!non_empty_string(*content, "subject")) return "sparkpost: 'content.subject' is required";
  if (!non_empty_string(*content, "text") && !non_empty_string(*content, "html")) {
    return "sparkpost: 'content.text' or 'content.html' is required";
  }
  return {};
}

SinkResponse sparkpost_answer(const SinkRequest& request, SinkIds& ids) {
  const json body = json::parse(request.body, nullptr, false);
  return json_answer(200, {{"results",
                            {{"total_rejected_recipients", 0},
                             {"total_accepted_recipients", body["recipients"].size()},
                             {"id", std::to_string(numeric_id(ids))}}}});
}

// ---------------------------------------------------------------------------------------
// email-webhook: POST /email-webhook[/...] (the integration's webhookUrl points here)

bool matches_email_webhook(const SinkRequest& request) {
  return request.path() == "/email-webhook" || starts_with(request.path(), "/email-webhook/");
}

std::string check_email_webhook(const SinkRequest& request) {
  if (request.method != "POST") return "email-webhook: method must be POST";
  const std::string* signature = request.header("x-switchboard-signature");
  if (signature == nullptr || signature->size() != 64 || !std::all_of(signature->begin(), signature->end(), is_hex)) {
    return "email-webhook: x-switchboard-signature must be 64 hex characters (HMAC-SHA256)";
  }
  json body;
  if (std::string problem = json_object_body(request, "email-webhook", body); !problem.empty()) return problem;
  const auto to = body.find("to");
  if (to == body.end() || !to->is_array() || to->empty() ||
      !std::all_of(to->begin(), to->end(), [](const json& t) { return t.is_string(); })) {
    return "email-webhook: 'to' must be a non-empty array of addresses";
  }
  if (!body.contains("subject") || !body["subject"].is_string()) return "email-webhook: 'subject' must be a string";
  if (!non_empty_string(body, "eventId")) return "email-webhook: 'eventId' is required";
  return {};
}

const SinkEndpoint kEmailEndpoints[] = {
    {"sendgrid", [](const SinkRequest& r) { return r.path() == "/v3/mail/send"; }, check_sendgrid_request,
     sendgrid_answer},
    {"mailgun", matches_mailgun, check_mailgun, mailgun_answer},
    {"postmark", [](const SinkRequest& r) { return r.path() == "/email"; }, check_postmark, postmark_answer},
    {"resend", [](const SinkRequest& r) { return r.path() == "/emails"; }, check_resend, resend_answer},
    {"mailjet", [](const SinkRequest& r) { return r.path() == "/v3.1/send"; }, check_mailjet, mailjet_answer},
    {"sparkpost", [](const SinkRequest& r) { return r.path() == "/api/v1/transmissions"; }, check_sparkpost,
     sparkpost_answer},
    {"email-webhook", matches_email_webhook, check_email_webhook, generic_sink_answer},
};

}  // namespace

std::span<const SinkEndpoint> email_sink_endpoints() { return kEmailEndpoints; }

}  // namespace switchboard::sink
