#pragma once
// What the adapters' request builders and response parsers share: credentials, endpoints
// with the credentials.baseUrl override, encodings, and reading ids out of JSON answers.
// Pure functions.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "providers/adapters/outbound_message.h"
#include "providers/delivery_outcome.h"
#include "providers/http/http_types.h"
#include "routing/integration.h"

namespace switchboard::providers {

// The credential's value, or "" when absent.
const std::string& credential(const routing::Integration& integration, std::string_view key);

// A `permanent` outcome naming the first of `keys` the integration lacks (or has empty),
// e.g. `integration "sg-eu" (sendgrid) lacks credentials.apiKey`; nullopt when all are set.
std::optional<DeliveryOutcome> missing_credentials(const routing::Integration& integration,
                                                   std::initializer_list<std::string_view> keys);

// `rejected`: the message itself cannot be delivered by any provider of the channel.
DeliveryOutcome rejected(std::string why);

// credentials.baseUrl (trailing '/' removed) when set, else `default_base`; then `path`.
// Tests and EU/self-hosted endpoints point adapters elsewhere this way.
std::string endpoint_url(const routing::Integration& integration, std::string_view default_base,
                         std::string_view path);

// Sender: the event's overrides.from, else credentials.from; name likewise with senderName.
std::string sender_address(const routing::Integration& integration, const OutboundMessage& message);
std::string sender_name(const routing::Integration& integration, const OutboundMessage& message);

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);  // no padding (JWT)
// "Basic " + base64(user ":" password)
std::string basic_auth(std::string_view user, std::string_view password);
// RFC 3986 unreserved characters kept, everything else %XX (upper-case hex).
std::string percent_encode(std::string_view text);
// %XX sequences decoded ('+' stays '+'); a malformed sequence is kept as it is.
std::string percent_decode(std::string_view text);
// application/x-www-form-urlencoded, fields in the given order.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// The value at a dotted path ("data.id", "messages.0.message-id": numeric segments index
// arrays) as a string (numbers are printed), or nullopt.
std::optional<std::string> json_string_at(const nlohmann::json& document, std::string_view dotted_path);

// 2xx answers: `sent` with the id at `id_path` of the JSON body, else the x-message-id
// header; a 2xx without either is `sent` with an empty id. Other results: outcome_from_http.
DeliveryOutcome outcome_with_json_id(const HttpResult& result, std::string_view id_path);

// Lower-case hex SHA-256, and the raw HMAC-SHA256 (SigV4 key derivation, webhook
// signatures). The HMAC is thread-safe (one OpenSSL context per thread); empty only if
// OpenSSL has no HMAC-SHA256.
std::string sha256_hex(std::string_view data);
std::string hmac_sha256_raw(std::string_view key, std::string_view data);
// Two lower-case hex digits per byte.
std::string lower_hex(std::string_view bytes);

}  // namespace switchboard::providers
