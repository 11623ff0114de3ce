#pragma once
// FCM's OAuth2 step, as pure functions: the service account from the integration's
// credentials, the RS256 JWT assertion signed with its private key, the token request to
// its token_uri, and the token answer.
//
//   POST {token_uri}   (default https://oauth2.googleapis.com/token; the service account's
//                       own token_uri wins, so tests point it at the sink)
//   Content-Type: application/x-www-form-urlencoded
//   grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>
//   JWT header {"alg":"RS256","typ":"JWT"}; claims {aud: token_uri, exp: iat + 3600,
//   iat, iss: client_email, scope: firebase.messaging}.
//
// Token answer: 2xx {"access_token","expires_in"} → the token; 400/401 (invalid_grant:
// bad key, unknown account) and other 4xx → permanent; 429/5xx/transport → retryable.

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

#include "providers/delivery_outcome.h"
#include "providers/http/http_types.h"
#include "routing/integration.h"

namespace switchboard::providers {

inline constexpr std::string_view kGoogleTokenUri = "https://oauth2.googleapis.com/token";
inline constexpr std::string_view kFcmScope = "https://www.googleapis.com/auth/firebase.messaging";
inline constexpr std::chrono::seconds kFcmJwtLifetime{3600};

struct FcmServiceAccount {
  std::string project_id;
  std::string client_email;
  std::string private_key;  // PEM (PKCS#8 "BEGIN PRIVATE KEY" as Google issues it, or PKCS#1)
  std::string token_uri;    // kGoogleTokenUri when the JSON has none
};

// credentials.serviceAccount, else the legacy credentials.user, parsed; otherwise a
// permanent outcome saying what is missing (never a credential value).
std::variant<FcmServiceAccount, DeliveryOutcome> fcm_service_account(const routing::Integration& integration);

// The JWT's first two parts, before base64url: fixed header and the claims at `now`.
std::string fcm_jwt_header();
std::string fcm_jwt_claims(const FcmServiceAccount& account, std::chrono::system_clock::time_point now);

// The signed assertion "b64url(header).b64url(claims).b64url(RS256 signature)", or a
// permanent outcome when private_key is not a usable RSA private key.
std::variant<std::string, DeliveryOutcome> fcm_jwt(const FcmServiceAccount& account,
                                                   std::chrono::system_clock::time_point now);

HttpRequest fcm_token_request(const FcmServiceAccount& account, std::string_view jwt);

struct FcmAccessToken {
  std::string value;
  std::chrono::seconds expires_in{0};
};
std::variant<FcmAccessToken, DeliveryOutcome> parse_fcm_token_response(const HttpResult& result);

}  // namespace switchboard::providers
