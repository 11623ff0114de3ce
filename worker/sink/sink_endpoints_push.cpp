// The sink's push provider endpoints (FCM HTTP v1 and Google's OAuth2 token endpoint,
// Expo, OneSignal), the generic signed webhook (/webhook/*, also push-webhook's target),
// and find_sink_endpoint() over every group.
#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {

using nlohmann::json;

std::string check_webhook_request(const SinkRequest& request) {
  if (request.method != "POST") return "webhook: method must be POST";
  if (!is_valid_json(request.body)) return "webhook: body is not valid JSON";
  if (const std::string* signature = request.header("x-switchboard-signature")) {
    if (signature->size() != 64 || !std::all_of(signature->begin(), signature->end(), is_hex)) {
      return "webhook: x-switchboard-signature must be 64 hex characters (HMAC-SHA256)";
    }
  }
  return {};
}

SinkResponse generic_sink_answer(const SinkRequest&, SinkIds& ids) {
  const std::string id = ids.next("sink-", 24);
  SinkResponse response;
  response.headers.push_back({"content-type", "application/json"});
  response.headers.push_back({"x-message-id", id});
  response.body = "{\"id\":\"" + id + "\",\"status\":\"accepted\"}";
  return response;
}

namespace {

// ---- Google OAuth2 token endpoint (FCM's first step) ----------------------------------------

bool base64url_decode(std::string_view in, std::string& out) {
  if (in.find_first_of("+/=") != std::string_view::npos) return false;  // base64url has no padding
  std::string standard(in);
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  return base64_decode(standard, out);
}

// The signature is not verified (the sink has no public key); its presence and the JWT's
// header and claims are, as Google's "invalid_grant" answers would.
std::string check_google_token(const SinkRequest& request) {
  if (request.method != "POST") return "google-token: method must be POST";
  if (!has_content_type(request, "application/x-www-form-urlencoded")) {
    return "google-token: Content-Type must be application/x-www-form-urlencoded";
  }
  const auto form = parse_form(request.body);
  const auto grant = form.find("grant_type");
  if (grant == form.end() || grant->second != "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    return "google-token: unsupported_grant_type: grant_type must be urn:ietf:params:oauth:grant-type:jwt-bearer";
  }
  const auto assertion = form.find("assertion");
  if (assertion == form.end()) return "google-token: invalid_request: missing 'assertion'";
  const std::string& jwt = assertion->second;
  const std::size_t first = jwt.find('.');
  const std::size_t second = first == std::string::npos ? first : jwt.find('.', first + 1);
  if (second == std::string::npos || second + 1 >= jwt.size()) {
    return "google-token: invalid_grant: the assertion must be a signed JWT (header.claims.signature)";
  }
  std::string header_text;
  std::string claims_text;
  if (!base64url_decode(std::string_view(jwt).substr(0, first), header_text) ||
      !base64url_decode(std::string_view(jwt).substr(first + 1, second - first - 1), claims_text)) {
    return "google-token: invalid_grant: JWT parts must be base64url without padding";
  }
  const json header = json::parse(header_text, nullptr, false);
  if (!header.is_object() || header.value("alg", "") != "RS256") return "google-token: invalid_grant: JWT alg must be RS256";
  const json claims = json::parse(claims_text, nullptr, false);
  if (!claims.is_object()) return "google-token: invalid_grant: JWT claims are not a JSON object";
  for (const char* claim : {"iss", "scope", "aud"}) {
    if (!non_empty_string(claims, claim)) return "google-token: invalid_grant: JWT claim '" + std::string(claim) + "' is required";
  }
  const auto iat = claims.find("iat");
  const auto exp = claims.find("exp");
  if (iat == claims.end() || exp == claims.end() || !iat->is_number_integer() || !exp->is_number_integer() ||
      exp->get<std::int64_t>() - iat->get<std::int64_t>() > 3600 || exp->get<std::int64_t>() <= iat->get<std::int64_t>()) {
    return "google-token: invalid_grant: JWT 'iat' and 'exp' must be integers with exp - iat within (0, 3600]";
  }
  return {};
}

SinkResponse google_token_answer(const SinkRequest&, SinkIds& ids) {
  return json_answer(200, {{"access_token", ids.next("ya29.sink-", 40)}, {"expires_in", 3599}, {"token_type", "Bearer"}});
}

// ---- FCM HTTP v1 -----------------------------------------------------------------------------

bool fcm_path(const SinkRequest& r) {
  const std::string_view path = r.path();
  return starts_with(path, "/v1/projects/") && ends_with(path, "/messages:send");
}

std::string check_fcm(const SinkRequest& request) {
  if (!has_bearer(request)) return "fcm: UNAUTHENTICATED: missing 'Authorization: Bearer <OAuth2 access token>'";
  json body;
  if (auto problem = check_json_post(request, "fcm", body); !problem.empty()) return problem;
  const auto message = body.find("message");
  if (message == body.end() || !message->is_object()) return "fcm: INVALID_ARGUMENT: 'message' must be an object";
  if (!non_empty_string(*message, "token") && !non_empty_string(*message, "topic") &&
      !non_empty_string(*message, "condition")) {
    return "fcm: INVALID_ARGUMENT: 'message' needs a 'token', 'topic' or 'condition'";
  }
  if (const auto data = message->find("data"); data != message->end()) {
    if (!data->is_object() || !std::all_of(data->begin(), data->end(), [](const json& v) { return v.is_string(); })) {
      return "fcm: INVALID_ARGUMENT: 'message.data' must map keys to string values";
    }
  }
  if (const auto notification = message->find("notification"); notification != message->end() && !notification->is_object()) {
    return "fcm: INVALID_ARGUMENT: 'message.notification' must be an object";
  }
  return {};
}

SinkResponse fcm_answer(const SinkRequest& request, SinkIds& ids) {
  // path = /v1/projects/{project}/messages:send → name = projects/{project}/messages/0:<id>
  const std::string_view path = request.path();
  const std::string_view project_path = path.substr(4, path.size() - 4 - std::string_view(":send").size());
  return json_answer(200, {{"name", std::string(project_path) + "/" + ids.next("0:", 16)}});
}

// ---- Expo --------------------------------------------------------------------------------------

constexpr std::size_t kExpoMaxMessages = 100;

std::string check_expo(const SinkRequest& request) {
  if (const std::string* auth = request.header("authorization"); auth != nullptr && !has_bearer(request)) {
    return "expo: Authorization must be 'Bearer <access token>' when present";
  }
  json body;
  if (auto problem = check_json_post(request, "expo", body); !problem.empty()) return problem;
  const json messages = body.is_array() ? body : json::array({body});
  if (messages.empty() || messages.size() > kExpoMaxMessages) return "expo: send 1 to 100 messages per request";
  for (const json& m : messages) {
    if (!m.is_object()) return "expo: every message must be an object";
    const auto to = m.find("to");
    const bool good_to = to != m.end() && (to->is_string() ? !to->get_ref<const std::string&>().empty()
                                                            : to->is_array() && !to->empty());
    if (!good_to) return "expo: \"to\" is required: a push token or an array of them";
    if (m.contains("data") && !m["data"].is_object()) return "expo: \"data\" must be an object";
  }
  return {};
}

SinkResponse expo_answer(const SinkRequest& request, SinkIds& ids) {
  const json body = json::parse(request.body, nullptr, false);
  const std::size_t count = body.is_array() ? body.size() : 1;
  json tickets = json::array();
  for (std::size_t i = 0; i < count; ++i) tickets.push_back({{"status", "ok"}, {"id", sink_uuid(ids)}});
  return json_answer(200, {{"data", std::move(tickets)}});
}

// ---- OneSignal ---------------------------------------------------------------------------------

std::string check_onesignal(const SinkRequest& request) {
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || !istarts_with(*auth, "Basic ") || auth->size() <= 6) {
    return "one-signal: missing 'Authorization: Basic <REST API key>'";
  }
  json body;
  if (auto problem = check_json_post(request, "one-signal", body); !problem.empty()) return problem;
  if (!body.is_object()) return "one-signal: body is not a JSON object";
  if (!non_empty_string(body, "app_id")) return "one-signal: 'app_id' is required";
  static constexpr std::array<const char*, 4> kTargets = {"include_player_ids", "include_subscription_ids",
                                                          "include_external_user_ids", "included_segments"};
  const bool targeted = std::any_of(kTargets.begin(), kTargets.end(), [&](const char* key) {
    const auto it = body.find(key);
    return it != body.end() && it->is_array() && !it->empty();
  });
  if (!targeted) return "one-signal: a target is required: 'include_player_ids' (non-empty array) or a segment";
  const auto contents = body.find("contents");
  if (contents == body.end() || !contents->is_object() || !contents->contains("en")) {
    return "one-signal: 'contents' must include an English ('en') message";
  }
  return {};
}

SinkResponse onesignal_answer(const SinkRequest& request, SinkIds& ids) {
  const json body = json::parse(request.body, nullptr, false);
  const auto players = body.find("include_player_ids");
  const std::size_t recipients = players != body.end() && players->is_array() ? players->size() : 1;
  return json_answer(200, {{"id", sink_uuid(ids)}, {"recipients", recipients}, {"external_id", nullptr}});
}

const SinkEndpoint kPushChatEndpoints[] = {
    {"webhook", [](const SinkRequest& r) { return starts_with(r.path(), "/webhook/"); }, check_webhook_request,
     generic_sink_answer},
    {"google-token", [](const SinkRequest& r) { return r.path() == "/token"; }, check_google_token, google_token_answer},
    {"fcm", fcm_path, check_fcm, fcm_answer},
    {"expo", [](const SinkRequest& r) { return r.path() == "/--/api/v2/push/send"; }, check_expo, expo_answer},
    {"one-signal", [](const SinkRequest& r) { return r.path() == "/api/v1/notifications"; }, check_onesignal,
     onesignal_answer},
};

}  // namespace

std::span<const SinkEndpoint> push_chat_sink_endpoints() { return kPushChatEndpoints; }

const SinkEndpoint* find_sink_endpoint(const SinkRequest& request) {
  for (auto group : {email_sink_endpoints(), sms_sink_endpoints(), aws_sink_endpoints(), chat_sink_endpoints(),
                     push_chat_sink_endpoints()}) {
    for (const SinkEndpoint& endpoint : group) {
      if (endpoint.matches(request)) return &endpoint;
    }
  }
  return nullptr;
}

}  // namespace switchboard::sink
