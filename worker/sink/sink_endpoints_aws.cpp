// The sink's AWS endpoints (SES v2 SendEmail, SNS Publish): SigV4-shaped requests. The
// sink does not know the secret key, so it checks the signature's shape (scope, signed
// headers, 64 hex digits), not its value.
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {
namespace {

using nlohmann::json;

// The value after `key` ("Credential=") up to the next ", " (or the end).
std::string_view auth_field(std::string_view auth, std::string_view key) {
  const std::size_t at = auth.find(key);
  if (at == std::string_view::npos) return {};
  const std::string_view rest = auth.substr(at + key.size());
  return rest.substr(0, rest.find(", "));
}

bool is_amz_date(std::string_view value) {
  if (value.size() != 16 || value[8] != 'T' || value[15] != 'Z') return false;
  for (std::size_t i = 0; i < 15; ++i) {
    if (i != 8 && (value[i] < '0' || value[i] > '9')) return false;
  }
  return true;
}

// `Authorization: AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/<service>/aws4_request,
// SignedHeaders=<a;b>, Signature=<64 hex>` consistent with x-amz-date and the request.
std::string check_sigv4(const SinkRequest& request, std::string_view service) {
  const std::string prefix = std::string(service) + ": ";
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || !starts_with(*auth, "AWS4-HMAC-SHA256 ")) {
    return prefix + "missing 'Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...'";
  }
  const std::string* date = request.header("x-amz-date");
  if (date == nullptr || !is_amz_date(*date)) return prefix + "x-amz-date must be YYYYMMDDTHHMMSSZ";

  // Credential=<key id>/<date>/<region>/<service>/aws4_request
  std::string_view credential = auth_field(*auth, "Credential=");
  std::vector<std::string_view> parts;
  while (!credential.empty()) {
    const std::size_t slash = credential.find('/');
    parts.push_back(credential.substr(0, slash));
    credential = slash == std::string_view::npos ? std::string_view{} : credential.substr(slash + 1);
  }
  if (parts.size() != 5 || parts[0].empty() || parts[2].empty() || parts[4] != "aws4_request") {
    return prefix + "Credential must be <access key id>/<date>/<region>/<service>/aws4_request";
  }
  if (parts[1] != std::string_view(*date).substr(0, 8)) return prefix + "the Credential date must be x-amz-date's date";
  if (parts[3] != service) return prefix + "the Credential service must be '" + std::string(service) + "'";

  std::string_view names = auth_field(*auth, "SignedHeaders=");
  bool has_host = false;
  bool has_date = false;
  while (!names.empty()) {
    const std::size_t semicolon = names.find(';');
    const std::string name(names.substr(0, semicolon));
    names = semicolon == std::string_view::npos ? std::string_view{} : names.substr(semicolon + 1);
    if (request.header(name) == nullptr) return prefix + "signed header '" + name + "' is not in the request";
    has_host = has_host || name == "host";
    has_date = has_date || name == "x-amz-date";
  }
  if (!has_host || !has_date) return prefix + "SignedHeaders must include host and x-amz-date";

  const std::string_view signature = auth_field(*auth, "Signature=");
  if (signature.size() != 64 || !std::all_of(signature.begin(), signature.end(), is_hex)) {
    return prefix + "Signature must be 64 hex digits";
  }
  return {};
}

// ---------------------------------------------------------------------------------------
// SES v2 SendEmail

// The member `key` of `object` when both are JSON objects, else an empty object: the
// checks below read nested fields without throwing on a wrong type.
const json& member_object(const json& object, const char* key) {
  static const json kEmpty = json::object();
  if (!object.is_object()) return kEmpty;
  const auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

std::string check_ses(const SinkRequest& request) {
  if (request.method != "POST") return "ses: method must be POST";
  if (std::string problem = check_sigv4(request, "ses"); !problem.empty()) return problem;
  if (!has_json_content_type(request)) return "ses: Content-Type must be application/json";
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) return "ses: body is not a JSON object";
  const auto from = body.find("FromEmailAddress");
  if (from == body.end() || !from->is_string() || from->get_ref<const std::string&>().empty()) {
    return "ses: 'FromEmailAddress' is required";
  }
  const json& destination = member_object(body, "Destination");
  const auto to = destination.find("ToAddresses");
  if (to == destination.end() || !to->is_array() || to->empty()) {
    return "ses: 'Destination.ToAddresses' must be a non-empty array";
  }
  const json& content = member_object(body, "Content");
  if (content.contains("Raw") || content.contains("Template")) return {};
  const json& simple = member_object(content, "Simple");
  if (!member_object(simple, "Subject").contains("Data")) return "ses: 'Content.Simple.Subject.Data' is required";
  const json& parts = member_object(simple, "Body");
  if (!parts.contains("Text") && !parts.contains("Html")) return "ses: 'Content.Simple.Body' needs Text or Html";
  return {};
}

SinkResponse ses_answer(const SinkRequest&, SinkIds& ids) {
  // SES message ids look like 0100018c2f3e4a5b-1a2b3c4d-...-000000.
  const std::string hex = ids.next("", 48);
  SinkResponse response;
  response.headers.push_back({"content-type", "application/json"});
  response.headers.push_back({"x-amzn-requestid", ids.next("", 32)});
  response.body = json{{"MessageId", "0100" + hex.substr(0, 12) + "-" + hex.substr(12, 8) + "-" + hex.substr(20, 4) +
                                         "-" + hex.substr(24, 4) + "-" + hex.substr(28, 4) + "-" + hex.substr(32, 12) +
                                         "-000000"}}
                      .dump();
  return response;
}

// ---------------------------------------------------------------------------------------
// SNS Publish (the query API: a form POSTed to "/")

bool is_sns_publish(const SinkRequest& request) {
  if (request.path() != "/" || request.method != "POST") return false;
  const auto form = parse_form(request.body);
  const auto action = form.find("Action");
  return action != form.end() && action->second == "Publish";
}

std::string check_sns(const SinkRequest& request) {
  if (std::string problem = check_sigv4(request, "sns"); !problem.empty()) return problem;
  if (!has_content_type(request, "application/x-www-form-urlencoded")) {
    return "sns: Content-Type must be application/x-www-form-urlencoded";
  }
  const auto form = parse_form(request.body);
  auto field = [&form](const char* key) {
    const auto it = form.find(key);
    return it == form.end() ? std::string{} : it->second;
  };
  if (field("Version") != "2010-03-31") return "sns: 'Version' must be 2010-03-31";
  if (field("Message").empty()) return "sns: 'Message' is required";
  if (field("PhoneNumber").empty() && field("TopicArn").empty() && field("TargetArn").empty()) {
    return "sns: one of 'PhoneNumber', 'TopicArn' or 'TargetArn' is required";
  }
  return {};
}

SinkResponse sns_answer(const SinkRequest&, SinkIds& ids) {
  const std::string id = ids.next("", 32);
  const std::string message_id =
      id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) + "-" + id.substr(16, 4) + "-" + id.substr(20);
  SinkResponse response;
  response.headers.push_back({"content-type", "text/xml"});
  response.body = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>" +
                  message_id + "</MessageId></PublishResult><ResponseMetadata><RequestId>" + ids.next("", 32) +
                  "</RequestId></ResponseMetadata></PublishResponse>";
  return response;
}

const SinkEndpoint kAwsEndpoints[] = {
    {"ses", [](const SinkRequest& r) { return r.path() == "/v2/email/outbound-emails"; }, check_ses, ses_answer},
    {"sns", is_sns_publish, check_sns, sns_answer},
};

}  // namespace

std::span<const SinkEndpoint> aws_sink_endpoints() { return kAwsEndpoints; }

}  // namespace switchboard::sink
