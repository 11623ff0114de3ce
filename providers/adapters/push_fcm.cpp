#include "providers/adapters/push_fcm.h"

#include <nlohmann/json.hpp>

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {
namespace {

using nlohmann::json;

// FCM's data map takes string values only.
json string_map(const json& object) {
  json out = json::object();
  for (auto it = object.begin(); it != object.end(); ++it) {
    out[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
  }
  return out;
}

// The cache key: one token serves every integration of the same service account.
std::string account_key(const FcmServiceAccount& account) { return account.client_email + ' ' + account.token_uri; }

// Runs every send of one delivery and reports the combined outcome once.
void send_all(HttpClient& client, const std::shared_ptr<FcmTokenCache>& tokens, const std::string& key,
              const std::string& access_token, std::vector<HttpRequest> requests, DeliveryCallback done) {
  send_each(
      client, std::move(requests),
      [tokens, key, access_token = std::string(access_token)](const HttpResult& result) {
        if (fcm_token_refused(result)) tokens->invalidate(key, access_token);
        return parse_fcm_send(result);
      },
      std::move(done));
}

void finish_fetch(FcmTokenCache& tokens, const std::string& key, std::variant<FcmAccessToken, DeliveryOutcome> fetched) {
  auto [waiters, result] = tokens.complete(key, std::move(fetched), FcmTokenCache::Clock::now());
  for (auto& waiter : waiters) waiter(result);
}

}  // namespace

std::vector<HttpRequest> fcm_send_requests(const routing::Integration& integration, const FcmServiceAccount& account,
                                           const OutboundMessage& message, std::string_view access_token) {
  const std::string url =
      endpoint_url(integration, kFcmDefaultBase, "/v1/projects/" + percent_encode(account.project_id) + "/messages:send");
  const std::string authorization = "Bearer " + std::string(access_token);
  json fcm_message = {{"notification", {{"title", message.title}, {"body", message.body}}}};
  if (!message.content_data.empty()) fcm_message["data"] = string_map(message.content_data);
  std::vector<HttpRequest> requests;
  requests.reserve(message.device_tokens.size());
  for (const std::string& token : message.device_tokens) {
    fcm_message["token"] = token;
    HttpRequest request;
    request.method = HttpMethod::kPost;
    request.url = url;
    request.headers = {{"authorization", authorization}, {"content-type", "application/json"}};
    request.body = json{{"message", fcm_message}}.dump();
    requests.push_back(std::move(request));
  }
  return requests;
}

bool fcm_token_refused(const HttpResult& result) noexcept { return result.ok() && result.response().status == 401; }

DeliveryOutcome parse_fcm_send(const HttpResult& result) {
  DeliveryOutcome outcome = outcome_with_json_id(result, "name");
  if (fcm_token_refused(result)) {
    outcome.kind = OutcomeKind::kRetryable;
    outcome.error = "fcm: access token refused (401), a new one is minted on retry; " + outcome.error;
  }
  return outcome;
}

FcmProvider::FcmProvider(HttpClient& client) : client_(client), tokens_(std::make_shared<FcmTokenCache>()) {}

void FcmProvider::send(const DeliveryRequest& request, DeliveryCallback done) {
  DecodedMessage decoded = decode_message(request);
  if (!decoded.error.empty()) return done(rejected("cannot read the event: " + decoded.error));
  auto parsed = fcm_service_account(*request.integration);
  if (auto* failure = std::get_if<DeliveryOutcome>(&parsed)) return done(std::move(*failure));
  if (decoded.message.device_tokens.empty()) {
    return done(rejected("push event without deviceTokens on the subscriber's fcm entry"));
  }
  auto account = std::get<FcmServiceAccount>(std::move(parsed));
  const std::string key = account_key(account);
  // Builds the sends once the token is known; the request's snapshot keeps the integration alive.
  FcmTokenCache::Waiter deliver = [client = &client_, tokens = tokens_, key, account, request,
                                   message = std::move(decoded.message), done](const FcmTokenCache::TokenResult& token) {
    if (const auto* failure = std::get_if<DeliveryOutcome>(&token)) return done(*failure);
    const std::string& access_token = std::get<std::string>(token);
    send_all(*client, tokens, key, access_token,
             fcm_send_requests(*request.integration, account, message, access_token), done);
  };
  const auto acquired = tokens_->acquire(key, FcmTokenCache::Clock::now(), deliver);
  if (acquired.token) return deliver(*acquired.token);
  if (!acquired.fetch) return;  // queued behind the fetch already running for this account

  auto jwt = fcm_jwt(account, std::chrono::system_clock::now());
  if (auto* failure = std::get_if<DeliveryOutcome>(&jwt)) return finish_fetch(*tokens_, key, std::move(*failure));
  client_.request(fcm_token_request(account, std::get<std::string>(jwt)), [tokens = tokens_, key](HttpResult result) {
    finish_fetch(*tokens, key, parse_fcm_token_response(result));
  });
}

}  // namespace switchboard::providers
