#pragma once
// generic-sms (Novu's configurable SMS provider, shared/notes/providers.md §3): POST
// credentials.baseUrl exactly as configured, JSON {to, content, from, sender, id}, with the
// header <apiKeyRequestHeader>: apiKey (and <secretKeyRequestHeader>: secretKey when both
// are set). With authenticateByToken, every send first POSTs `domain` with those headers
// and takes the token at data.<authenticationTokenKey> of the answer; the send then
// carries only <authenticationTokenKey>: token. The id is the value at `idPath` (default
// "id"). Outcomes: 2xx sent (an id that is not at idPath leaves it empty: the message was
// accepted); 429/5xx/transport retryable; other 4xx permanent; an auth answer without a
// token permanent.
//
// Two requests per delivery, so this is its own Provider; the request builders and
// parsers below are pure and tested directly.

#include <optional>
#include <string>
#include <variant>

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers::generic_sms {

// `permanent` naming a missing credential, `rejected` without subscriber.phone, else nullopt.
std::optional<DeliveryOutcome> check(const routing::Integration& integration, const OutboundMessage& message);
bool uses_token(const routing::Integration& integration);  // credentials.authenticateByToken == true

HttpRequest build_auth_request(const routing::Integration& integration);
// The token, or the outcome that ends the delivery (the auth request failed or had no token).
std::variant<std::string, DeliveryOutcome> token_from(const routing::Integration& integration,
                                                      const HttpResult& auth_result);
// `token` empty: the API-key headers; else the token header.
BuildResult build_send_request(const routing::Integration& integration, const OutboundMessage& message,
                               std::string_view token);
DeliveryOutcome parse_send(const routing::Integration& integration, const HttpResult& result);

}  // namespace switchboard::providers::generic_sms

namespace switchboard::providers {

class GenericSmsProvider final : public Provider {
 public:
  explicit GenericSmsProvider(HttpClient& client) : client_(client) {}
  void send(const DeliveryRequest& request, DeliveryCallback done) override;

 private:
  HttpClient& client_;
};

}  // namespace switchboard::providers
