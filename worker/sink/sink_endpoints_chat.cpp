// The sink's chat endpoints: incoming-webhook style chat providers and WhatsApp Business.
//
// Webhook providers are matched by a path prefix of their own (/slack/, /discord/, ...) or
// by the path of their real webhook URLs (/services/, /api/webhooks/, /webhookb2/,
// /hooks/), so an integration's credentials.baseUrl can point real-looking subscriber URLs
// at the sink.
#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {
namespace {

using nlohmann::json;

bool path_starts_with_any(const SinkRequest& request, std::initializer_list<std::string_view> prefixes) {
  const std::string_view path = request.path();
  return std::any_of(prefixes.begin(), prefixes.end(), [&](std::string_view p) { return starts_with(path, p); });
}

bool non_empty_array(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_array() && !it->empty();
}

// The shared part of every chat check: a JSON POST whose body is an object.
std::string check_json_object_post(const SinkRequest& request, std::string_view name, json& body) {
  if (auto problem = check_json_post(request, name, body); !problem.empty()) return problem;
  if (!body.is_object()) return std::string(name) + ": body is not a JSON object";
  return {};
}

SinkResponse text_answer(std::string text) {
  SinkResponse response;
  response.headers.push_back({"content-type", "text/plain; charset=utf-8"});
  response.body = std::move(text);
  return response;
}

// ---- slack -----------------------------------------------------------------------------------

std::string check_slack(const SinkRequest& request) {
  json body;
  if (auto problem = check_json_object_post(request, "slack", body); !problem.empty()) return problem;
  // Slack answers these with 400 "invalid_payload" / "no_text".
  if (!non_empty_string(body, "text") && !non_empty_array(body, "blocks")) {
    return "slack: no_text: 'text' (a non-empty string) or 'blocks' (a non-empty array) is required";
  }
  if (body.contains("blocks") && !body["blocks"].is_array()) return "slack: invalid_payload: 'blocks' must be an array";
  return {};
}

SinkResponse slack_answer(const SinkRequest&, SinkIds& ids) {
  SinkResponse response = text_answer("ok");
  response.headers.push_back({"x-slack-req-id", ids.next("", 32)});
  return response;
}

// ---- discord ---------------------------------------------------------------------------------

constexpr std::size_t kDiscordMaxContent = 2000;

std::string check_discord(const SinkRequest& request) {
  json body;
  if (auto problem = check_json_object_post(request, "discord", body); !problem.empty()) return problem;
  if (!non_empty_string(body, "content") && !non_empty_array(body, "embeds")) {
    return "discord: code 50006: cannot send an empty message ('content' or 'embeds' is required)";
  }
  if (non_empty_string(body, "content") && body["content"].get_ref<const std::string&>().size() > kDiscordMaxContent) {
    return "discord: 'content' must be 2000 or fewer in length";
  }
  return {};
}

bool discord_waits(const SinkRequest& request) {
  const std::string query = "&" + std::string(query_of(request));
  return query.find("&wait=true") != std::string::npos;
}

SinkResponse discord_answer(const SinkRequest& request, SinkIds& ids) {
  // Without ?wait=true Discord answers 204 and no message.
  SinkResponse response;
  if (!discord_waits(request)) {
    response.status = 204;
    return response;
  }
  const json body = json::parse(request.body, nullptr, false);
  const std::string id = std::to_string(1'000'000'000'000'000'000ULL + ids.random()() % 8'000'000'000'000'000'000ULL);
  response.headers.push_back({"content-type", "application/json"});
  response.body = json{{"id", id},
                       {"type", 0},
                       {"content", body.value("content", "")},
                       {"channel_id", "1100000000000000000"},
                       {"webhook_id", "1200000000000000000"},
                       {"timestamp", now_iso8601()}}
                      .dump();
  return response;
}

// ---- msteams ---------------------------------------------------------------------------------

std::string check_msteams(const SinkRequest& request) {
  json body;
  if (auto problem = check_json_object_post(request, "msteams", body); !problem.empty()) return problem;
  // Plain {"text"}, a MessageCard (@type), or a Workflows message with attachments.
  if (!non_empty_string(body, "text") && !body.contains("@type") && !non_empty_array(body, "attachments")) {
    return "msteams: Summary or Text is required ('text', a MessageCard '@type' or 'attachments')";
  }
  return {};
}

SinkResponse msteams_answer(const SinkRequest&, SinkIds& ids) {
  SinkResponse response = text_answer("1");
  const std::string hex = ids.next("", 32);
  response.headers.push_back({"request-id", hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
                                                hex.substr(16, 4) + "-" + hex.substr(20, 12)});
  return response;
}

// ---- mattermost ------------------------------------------------------------------------------

std::string check_mattermost(const SinkRequest& request) {
  json body;
  if (auto problem = check_json_object_post(request, "mattermost", body); !problem.empty()) return problem;
  if (!non_empty_string(body, "text") && !non_empty_array(body, "attachments")) {
    return "mattermost: web.incoming_webhook.text.app_error: 'text' or 'attachments' is required";
  }
  return {};
}

SinkResponse mattermost_answer(const SinkRequest&, SinkIds&) { return text_answer("ok"); }

// ---- whatsapp-business -----------------------------------------------------------------------

// /v<major>.<minor>/<phone number id>/messages
bool whatsapp_path(const SinkRequest& request) {
  const std::string_view path = request.path();
  if (!starts_with(path, "/v") || !ends_with(path, "/messages")) return false;
  const std::string_view middle = path.substr(2, path.size() - 2 - std::string_view("/messages").size());
  const std::size_t slash = middle.find('/');
  if (slash == std::string_view::npos || slash + 1 >= middle.size()) return false;
  const std::string_view version = middle.substr(0, slash);
  const std::string_view phone_id = middle.substr(slash + 1);
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  const std::size_t dot = version.find('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < version.size() &&
         std::all_of(version.begin(), version.begin() + static_cast<std::ptrdiff_t>(dot), digit) &&
         std::all_of(version.begin() + static_cast<std::ptrdiff_t>(dot) + 1, version.end(), digit) &&
         std::all_of(phone_id.begin(), phone_id.end(), digit);
}

std::string check_whatsapp(const SinkRequest& request) {
  if (!has_bearer(request)) return "whatsapp-business: missing 'Authorization: Bearer <access token>'";
  json body;
  if (auto problem = check_json_object_post(request, "whatsapp-business", body); !problem.empty()) return problem;
  if (body.value("messaging_product", "") != "whatsapp") {
    return "whatsapp-business: (#100) 'messaging_product' must be \"whatsapp\"";
  }
  if (!non_empty_string(body, "to")) return "whatsapp-business: (#100) 'to' is required";
  const std::string type = body.value("type", "text");
  if (type == "text") {
    const auto text = body.find("text");
    if (text == body.end() || !text->is_object() || !non_empty_string(*text, "body")) {
      return "whatsapp-business: (#100) 'text.body' is required for type text";
    }
  } else if (!body.contains(type)) {
    return "whatsapp-business: (#100) the '" + type + "' object is required for type " + type;
  }
  return {};
}

SinkResponse whatsapp_answer(const SinkRequest& request, SinkIds& ids) {
  const json body = json::parse(request.body, nullptr, false);
  const std::string to = body.value("to", "");
  std::string wa_id;
  std::copy_if(to.begin(), to.end(), std::back_inserter(wa_id),
               [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
  SinkResponse response;
  response.headers.push_back({"content-type", "application/json"});
  response.body = json{{"messaging_product", "whatsapp"},
                       {"contacts", json::array({{{"input", to}, {"wa_id", wa_id}}})},
                       {"messages", json::array({{{"id", ids.next("wamid.", 48)}}})}}
                      .dump();
  return response;
}

const SinkEndpoint kChatEndpoints[] = {
    {"slack", [](const SinkRequest& r) { return path_starts_with_any(r, {"/slack/", "/services/"}); }, check_slack,
     slack_answer},
    {"discord", [](const SinkRequest& r) { return path_starts_with_any(r, {"/discord/", "/api/webhooks/"}); },
     check_discord, discord_answer},
    {"msteams", [](const SinkRequest& r) { return path_starts_with_any(r, {"/msteams/", "/webhookb2/"}); },
     check_msteams, msteams_answer},
    {"mattermost", [](const SinkRequest& r) { return path_starts_with_any(r, {"/mattermost/", "/hooks/"}); },
     check_mattermost, mattermost_answer},
    {"whatsapp-business", whatsapp_path, check_whatsapp, whatsapp_answer},
};

}  // namespace

std::span<const SinkEndpoint> chat_sink_endpoints() { return kChatEndpoints; }

}  // namespace switchboard::sink
