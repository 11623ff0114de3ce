#pragma once
// Firebase Cloud Messaging, HTTP v1. First an OAuth2 access token for the integration's
// service account (push_fcm_auth.h), cached per account (push_fcm_token_cache.h); then one
// request per device token:
//
//   POST {baseUrl or https://fcm.googleapis.com}/v1/projects/{project_id}/messages:send
//   Authorization: Bearer <access token>
//   {"message":{"token":T,"notification":{"title","body"},"data":{content.data, every
//    value a string (non-strings as their JSON text), omitted when empty}}}
//
// Outcomes per token, combined with combine_outcomes (any sent → sent, ids joined by ","):
// 2xx → sent with the answer's `name` ("projects/p/messages/0:…"); 401 → the cached token
// is dropped and the attempt is retryable (the retry mints a new one); 404 UNREGISTERED,
// 400 INVALID_ARGUMENT, 403 SENDER_ID_MISMATCH and other 4xx → permanent; 429/5xx and
// transport errors → retryable (Retry-After honoured). A token-endpoint failure ends the
// attempt with its outcome. No serviceAccount → permanent; no device token → rejected.
//
// The request builder and parser are pure functions; FcmProvider is the asynchronous part.

#include <memory>
#include <string_view>
#include <vector>

#include "providers/adapters/outbound_message.h"
#include "providers/adapters/push_fcm_auth.h"
#include "providers/adapters/push_fcm_token_cache.h"
#include "providers/http/http_client.h"
#include "providers/provider.h"

namespace switchboard::providers {

inline constexpr std::string_view kFcmDefaultBase = "https://fcm.googleapis.com";

// One send request per device token of `message`, in order.
std::vector<HttpRequest> fcm_send_requests(const routing::Integration& integration, const FcmServiceAccount& account,
                                           const OutboundMessage& message, std::string_view access_token);

// The outcome of one send; a 401 is retryable (fcm_token_refused tells the caller to drop
// the token).
DeliveryOutcome parse_fcm_send(const HttpResult& result);
bool fcm_token_refused(const HttpResult& result) noexcept;

// Thread-safe: the token cache is locked, the rest is per delivery. Callbacks never refer
// to the provider: they hold the cache by shared_ptr and use `client` only after a
// successful token answer (a destroyed client answers kCancelled instead).
class FcmProvider final : public Provider {
 public:
  explicit FcmProvider(HttpClient& client);
  void send(const DeliveryRequest& request, DeliveryCallback done) override;

 private:
  HttpClient& client_;
  std::shared_ptr<FcmTokenCache> tokens_;
};

}  // namespace switchboard::providers
