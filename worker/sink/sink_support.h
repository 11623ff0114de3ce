#pragma once
// Small helpers the sink's endpoint checks share: header and body decoding, error bodies,
// ids. Plain functions, no Beast types.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "worker/sink/sink_app.h"

namespace switchboard::sink {

bool starts_with(std::string_view s, std::string_view prefix) noexcept;
bool ends_with(std::string_view s, std::string_view suffix) noexcept;
bool istarts_with(std::string_view s, std::string_view prefix) noexcept;  // ASCII case-insensitive
bool is_hex(char c) noexcept;
// {"error":"bad_request","message":reason}
std::string json_error(std::string_view reason);
bool has_content_type(const SinkRequest& request, std::string_view type);  // prefix, case-insensitive
inline bool has_json_content_type(const SinkRequest& request) { return has_content_type(request, "application/json"); }
// Standard base64, padding optional; false on bad input.
bool base64_decode(std::string_view in, std::string& out);
std::string url_decode(std::string_view in);
// application/x-www-form-urlencoded (also a query string); the first value of a repeated key wins.
std::map<std::string, std::string> parse_form(std::string_view body);
// The query string of a request target ("" when none).
std::string_view query_of(const SinkRequest& request) noexcept;
// "Basic base64(user:pass)": the decoded "user:pass", or false when absent or malformed.
bool basic_credentials(const SinkRequest& request, std::string& user, std::string& password);
// "Bearer <token>" with a non-empty token.
bool has_bearer(const SinkRequest& request);
std::string now_iso8601();
// 8-4-4-4-12 lower-case hex (the shape of Postmark, Resend, Mailjet, Expo and OneSignal ids).
std::string sink_uuid(SinkIds& ids);
// Whether `text` is one well-formed JSON value (UTF-8 checked), without building a document:
// the webhook endpoints only need the verdict, at every delivery of a load test.
bool is_valid_json(std::string_view text);
// A non-empty string member `key` of `object`.
bool non_empty_string(const nlohmann::json& object, const char* key);
// POST with a JSON Content-Type and a body that parses (into `body`); else the reason,
// prefixed with `name`.
std::string check_json_post(const SinkRequest& request, std::string_view name, nlohmann::json& body);
// A JSON answer: `status`, Content-Type application/json, `body` dumped.
SinkResponse json_answer(int status, const nlohmann::json& body);

}  // namespace switchboard::sink
