// The sink's push endpoints without sockets: which endpoint a request finds, its shape
// checks, and the success answers the push adapters parse.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "worker/sink/sink_app.h"
#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {
namespace {

using nlohmann::json;

SinkRequest request(std::string target, std::vector<SinkHeader> headers, std::string body) {
  return SinkRequest{"POST", std::move(target), std::move(headers), std::move(body)};
}

// The endpoint's verdict: "" when the shape is right, else the 400 reason; "<no endpoint
// NAME>" when the request does not reach that endpoint.
std::string check(const SinkRequest& r, std::string_view name) {
  const SinkEndpoint* endpoint = find_sink_endpoint(r);
  if (endpoint == nullptr || endpoint->name != name) return "<no endpoint " + std::string(name) + ">";
  return endpoint->check(r);
}

json answer(const SinkRequest& r) {
  SinkIds ids(7);
  const SinkResponse response = find_sink_endpoint(r)->answer(r, ids);
  EXPECT_EQ(response.status, 200);
  return json::parse(response.body);
}

std::string b64url(std::string_view text) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    acc = (acc << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) out.push_back(kAlphabet[(acc >> (bits -= 6)) & 63]);
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

std::string jwt(std::string_view header, std::string_view claims) {
  return b64url(header) + "." + b64url(claims) + "." + b64url("signature-bytes");
}

const std::string kHeader = R"({"alg":"RS256","typ":"JWT"})";
const std::string kClaims = R"({"aud":"http://127.0.0.1/token","exp":1795345200,"iat":1795341600,)"
                            R"("iss":"push@acme.iam.gserviceaccount.com","scope":"https://www.googleapis.com/auth/firebase.messaging"})";
const SinkHeader kForm{"content-type", "application/x-www-form-urlencoded"};

SinkRequest token_request(const std::string& assertion) {
  return request("/token", {kForm},
                 "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion);
}

TEST(SinkPushEndpoints, GoogleTokenChecksTheJwtBearerGrant) {
  const SinkRequest good = token_request(jwt(kHeader, kClaims));
  EXPECT_EQ(check(good, "google-token"), "");
  const json token = answer(good);
  EXPECT_TRUE(token["access_token"].is_string());
  EXPECT_EQ(token["expires_in"], 3599);
  EXPECT_EQ(token["token_type"], "Bearer");

  EXPECT_NE(check(request("/token", {kForm}, "grant_type=client_credentials&assertion=x"), "google-token")
                .find("unsupported_grant_type"),
            std::string::npos);
  EXPECT_NE(check(token_request("only.two"), "google-token").find("signed JWT"), std::string::npos);
  EXPECT_NE(check(token_request(jwt(R"({"alg":"HS256"})", kClaims)), "google-token").find("RS256"), std::string::npos);
  EXPECT_NE(check(token_request(jwt(kHeader, R"({"iss":"a","scope":"s","aud":"u","iat":1,"exp":7202})")), "google-token")
                .find("exp"),
            std::string::npos);
  EXPECT_NE(check(token_request(jwt(kHeader, R"({"scope":"s","aud":"u","iat":1,"exp":2})")), "google-token").find("'iss'"),
            std::string::npos);
  SinkRequest json_body = good;
  json_body.headers = {{"content-type", "application/json"}};
  EXPECT_NE(check(json_body, "google-token").find("x-www-form-urlencoded"), std::string::npos);
}

SinkRequest fcm_request(std::string body) {
  return request("/v1/projects/acme-app/messages:send",
                 {{"authorization", "Bearer ya29.x"}, {"content-type", "application/json"}}, std::move(body));
}

TEST(SinkPushEndpoints, FcmSendChecksAndAnswersWithAMessageName) {
  const SinkRequest good =
      fcm_request(R"({"message":{"token":"tok-a","notification":{"title":"T","body":"B"},"data":{"k":"v"}}})");
  EXPECT_EQ(check(good, "fcm"), "");
  const std::string name = answer(good)["name"];
  EXPECT_EQ(name.rfind("projects/acme-app/messages/0:", 0), 0u) << name;

  SinkRequest no_auth = good;
  no_auth.headers.erase(no_auth.headers.begin());
  EXPECT_NE(check(no_auth, "fcm").find("UNAUTHENTICATED"), std::string::npos);
  EXPECT_NE(check(fcm_request(R"({"token":"t"})"), "fcm").find("'message'"), std::string::npos);
  EXPECT_NE(check(fcm_request(R"({"message":{"notification":{}}})"), "fcm").find("'token'"), std::string::npos);
  EXPECT_NE(check(fcm_request(R"({"message":{"token":"t","data":{"n":2}}})"), "fcm").find("string values"),
            std::string::npos);
}

SinkRequest expo_request(std::string body, std::vector<SinkHeader> extra = {}) {
  std::vector<SinkHeader> headers = {{"content-type", "application/json"}};
  headers.insert(headers.end(), extra.begin(), extra.end());
  return request("/--/api/v2/push/send", std::move(headers), std::move(body));
}

TEST(SinkPushEndpoints, ExpoAnswersOneTicketPerMessage) {
  const SinkRequest good = expo_request(R"([{"to":"ExponentPushToken[a]","title":"T","body":"B"},{"to":"tok-b"}])",
                                        {{"authorization", "Bearer expo-access"}});
  EXPECT_EQ(check(good, "expo"), "");
  const json tickets = answer(good)["data"];
  ASSERT_EQ(tickets.size(), 2u);
  EXPECT_EQ(tickets[1]["status"], "ok");
  EXPECT_EQ(tickets[1]["id"].get<std::string>().size(), 36u);

  EXPECT_EQ(check(expo_request(R"({"to":"tok"})"), "expo"), "");  // a single object, no token: fine
  EXPECT_NE(check(expo_request(R"([{"title":"no to"}])"), "expo").find("\"to\""), std::string::npos);
  EXPECT_NE(check(expo_request("[]"), "expo"), "");
  EXPECT_NE(check(expo_request(R"([{"to":"t"}])", {{"authorization", "Basic x"}}), "expo").find("Bearer"),
            std::string::npos);
}

SinkRequest onesignal_request(std::string body, std::string auth = "Basic os-key") {
  return request("/api/v1/notifications", {{"authorization", std::move(auth)}, {"content-type", "application/json"}},
                 std::move(body));
}

TEST(SinkPushEndpoints, OneSignalChecksAndAnswersWithAnId) {
  const SinkRequest good =
      onesignal_request(R"({"app_id":"app-1","include_player_ids":["a","b"],"contents":{"en":"hi"}})");
  EXPECT_EQ(check(good, "one-signal"), "");
  const json body = answer(good);
  EXPECT_EQ(body["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(body["recipients"], 2);

  EXPECT_NE(check(onesignal_request(R"({"app_id":"a","include_player_ids":["x"],"contents":{"en":"hi"}})", "Bearer k"),
                  "one-signal")
                .find("Basic"),
            std::string::npos);
  EXPECT_NE(check(onesignal_request(R"({"include_player_ids":["x"],"contents":{"en":"hi"}})"), "one-signal").find("app_id"),
            std::string::npos);
  EXPECT_NE(check(onesignal_request(R"({"app_id":"a","include_player_ids":[],"contents":{"en":"hi"}})"), "one-signal")
                .find("target"),
            std::string::npos);
  EXPECT_NE(check(onesignal_request(R"({"app_id":"a","include_player_ids":["x"],"contents":{"de":"hallo"}})"),
                  "one-signal")
                .find("'en'"),
            std::string::npos);
}

TEST(SinkPushEndpoints, ABadShapeIsAnswered400WithTheReason) {
  SinkOptions options;
  options.seed = 1;
  SinkApp app(options);
  SinkConnection connection;
  const SinkResponse response = app.handle(fcm_request(R"({"message":{}})"), connection);
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("INVALID_ARGUMENT"), std::string::npos) << response.body;
  EXPECT_NE(app.stats_json().find("\"fcm\":1"), std::string::npos) << app.stats_json();
}

TEST(SinkPushEndpoints, WebhookTakesAnyWellFormedJsonAndNothingElse) {
  for (const char* body : {R"({"a":[1,2.5,{"b":null}],"c":"\u00e9"})", "[]", "\"text\"", "12"}) {
    EXPECT_EQ(check(request("/webhook/load", {}, body), "webhook"), "") << body;
  }
  for (const std::string& body : {std::string("{"), std::string(R"({"a":1} x)"), std::string(R"({"a":tru})"),
                                 std::string(""), std::string("{\"a\":\"\xff\"}")}) {
    EXPECT_EQ(check(request("/webhook/load", {}, body), "webhook"), "webhook: body is not valid JSON") << body;
  }
  EXPECT_EQ(check(request("/webhook/load", {{"x-switchboard-signature", "abc"}}, "{}"), "webhook"),
            "webhook: x-switchboard-signature must be 64 hex characters (HMAC-SHA256)");
}

}  // namespace
}  // namespace switchboard::sink
