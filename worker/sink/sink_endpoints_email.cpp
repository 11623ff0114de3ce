// The sink's email provider endpoints: request-shape checks and success answers.
#include <algorithm>

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

SinkResponse sendgrid_answer(const SinkRequest&, SinkIds& ids) {
  // SendGrid answers 202 with an empty body; the id is the X-Message-Id header.
  SinkResponse response;
  response.status = 202;
  response.headers.push_back({"x-message-id", ids.next("", 22)});
  return response;
}

const SinkEndpoint kEmailEndpoints[] = {
    {"sendgrid", [](const SinkRequest& r) { return r.path() == "/v3/mail/send"; }, check_sendgrid_request,
     sendgrid_answer},
};

}  // namespace

std::span<const SinkEndpoint> email_sink_endpoints() { return kEmailEndpoints; }

}  // namespace switchboard::sink
