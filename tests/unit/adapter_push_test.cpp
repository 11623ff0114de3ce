// Golden request tests and outcome mapping of the push adapters (fcm's OAuth2 step is in
// fcm_jwt_test.cpp, its token cache in fcm_token_cache_test.cpp).
#include <gtest/gtest.h>

#include "providers/adapters/push_apns.h"
#include "providers/adapters/push_expo.h"
#include "providers/adapters/push_fcm.h"
#include "providers/adapters/push_onesignal.h"
#include "providers/adapters/push_webhook.h"
#include "providers/webhook_provider.h"
#include "tests/unit/adapter_test_support.h"

namespace switchboard::providers {
namespace {

using namespace providers::testing;
using routing::Channel;

const std::string kEvent = R"({"id":"evt-1","organizationId":"org-1","environmentId":"env-1","channel":"push",
  "subscriber":{"subscriberId":"sub-1"},"payload":{"orderId":42},
  "content":{"title":"Order shipped","body":"It is on its way","data":{"deepLink":"app://o/42","count":2}}})";
const std::string kTwoTokens = R"({"providerId":"x","credentials":{"deviceTokens":["tok-a","tok-b"]}})";
const std::string kNoTokens = R"({"providerId":"x","credentials":{}})";

OutboundMessage push_message(const std::string& entry = kTwoTokens) { return message_from(kEvent, Channel::kPush, entry); }

// The transport failures every adapter maps to retryable.
template <typename Parse>
void expect_transport_failures_retryable(Parse parse) {
  EXPECT_EQ(parse(TransportError{TransportErrorKind::kTimeout, "read"}).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(parse(TransportError{TransportErrorKind::kReset, "reset"}).kind, OutcomeKind::kRetryable);
}

// ---------------------------------------------------------------------------------------
// fcm

const FcmServiceAccount kAccount{"acme-app", "push@acme-app.iam.gserviceaccount.com", "pem",
                                 "https://oauth2.googleapis.com/token"};

TEST(FcmAdapter, GoldenRequestsOnePerToken) {
  const auto integration = integration_with("fcm", Channel::kPush, {{"serviceAccount", "{}"}});
  const auto requests = fcm_send_requests(integration, kAccount, push_message(), "ya29.token");
  ASSERT_EQ(requests.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const HttpRequest& r = requests[i];
    EXPECT_EQ(r.method, HttpMethod::kPost);
    EXPECT_EQ(r.url, "https://fcm.googleapis.com/v1/projects/acme-app/messages:send");
    EXPECT_EQ(header_of(r, "authorization"), "Bearer ya29.token");
    EXPECT_EQ(header_of(r, "content-type"), "application/json");
  }
  EXPECT_EQ(requests[0].body,
            R"({"message":{"data":{"count":"2","deepLink":"app://o/42"},)"
            R"("notification":{"body":"It is on its way","title":"Order shipped"},"token":"tok-a"}})");
  EXPECT_EQ(requests[1].body,
            R"({"message":{"data":{"count":"2","deepLink":"app://o/42"},)"
            R"("notification":{"body":"It is on its way","title":"Order shipped"},"token":"tok-b"}})");
}

TEST(FcmAdapter, BaseUrlOverridesTheEndpointAndEmptyDataIsOmitted) {
  const auto integration = integration_with("fcm", Channel::kPush, {{"baseUrl", "http://127.0.0.1:9/"}});
  const auto message = message_from(R"({"id":"e","content":{"title":"T","body":"B"}})", Channel::kPush,
                                    R"({"credentials":{"deviceTokens":["t"]}})");
  const auto requests = fcm_send_requests(integration, kAccount, message, "x");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:9/v1/projects/acme-app/messages:send");
  EXPECT_EQ(requests[0].body, R"({"message":{"notification":{"body":"B","title":"T"},"token":"t"}})");
}

TEST(FcmAdapter, OutcomeMapping) {
  const auto sent = parse_fcm_send(response(200, R"({"name":"projects/acme-app/messages/0:1500415314455276%31bd1c96"})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "projects/acme-app/messages/0:1500415314455276%31bd1c96");

  const HttpResult unauthenticated = response(401, R"({"error":{"code":401,"status":"UNAUTHENTICATED"}})");
  EXPECT_TRUE(fcm_token_refused(unauthenticated));
  EXPECT_EQ(parse_fcm_send(unauthenticated).kind, OutcomeKind::kRetryable);
  EXPECT_FALSE(fcm_token_refused(response(403, "")));

  const auto unregistered = parse_fcm_send(response(
      404, R"({"error":{"code":404,"status":"NOT_FOUND","details":[{"errorCode":"UNREGISTERED"}]}})"));
  EXPECT_EQ(unregistered.kind, OutcomeKind::kPermanent);
  EXPECT_NE(unregistered.error.find("UNREGISTERED"), std::string::npos);
  EXPECT_EQ(parse_fcm_send(response(400, R"({"error":{"code":400,"status":"INVALID_ARGUMENT"}})")).kind,
            OutcomeKind::kPermanent);
  const auto throttled = parse_fcm_send(response(429, "", {{"retry-after", "7"}}));
  EXPECT_EQ(throttled.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(throttled.retry_after, std::chrono::milliseconds(7000));
  EXPECT_EQ(parse_fcm_send(response(503, "")).kind, OutcomeKind::kRetryable);
  expect_transport_failures_retryable(parse_fcm_send);
}

// ---------------------------------------------------------------------------------------
// expo

TEST(ExpoAdapter, GoldenRequestAllTokensInOne) {
  const auto integration = integration_with("expo", Channel::kPush, {{"apiKey", "expo-access"}});
  const auto requests = requests_of(ExpoAdapter().build(integration, push_message(), fixed_context()));
  ASSERT_EQ(requests.size(), 1u);
  const HttpRequest& r = requests[0];
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://exp.host/--/api/v2/push/send");
  EXPECT_EQ(header_of(r, "authorization"), "Bearer expo-access");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(header_of(r, "accept"), "application/json");
  EXPECT_EQ(r.body,
            R"([{"body":"It is on its way","data":{"count":2,"deepLink":"app://o/42"},"title":"Order shipped","to":"tok-a"},)"
            R"({"body":"It is on its way","data":{"count":2,"deepLink":"app://o/42"},"title":"Order shipped","to":"tok-b"}])");
}

TEST(ExpoAdapter, TokenIsOptionalBaseUrlOverridesAndNoDeviceIsRejected) {
  const auto open = integration_with("expo", Channel::kPush, {{"baseUrl", "http://127.0.0.1:9"}});
  const auto requests = requests_of(ExpoAdapter().build(open, push_message(), fixed_context()));
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:9/--/api/v2/push/send");
  EXPECT_EQ(header_of(requests[0], "authorization"), "<absent>");
  EXPECT_EQ(outcome_of(ExpoAdapter().build(open, push_message(kNoTokens), fixed_context())).kind, OutcomeKind::kRejected);
}

TEST(ExpoAdapter, OutcomeMapping) {
  ExpoAdapter adapter;
  const auto sent = adapter.parse(response(200, R"({"data":[{"status":"ok","id":"XXXX-1"},{"status":"ok","id":"XXXX-2"}]})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "XXXX-1,XXXX-2");
  const auto partly = adapter.parse(response(
      200, R"({"data":[{"status":"error","message":"not registered","details":{"error":"DeviceNotRegistered"}},)"
           R"({"status":"ok","id":"XXXX-2"}]})"));
  EXPECT_EQ(partly.kind, OutcomeKind::kSent);
  EXPECT_EQ(partly.provider_message_id, "XXXX-2");
  const auto gone = adapter.parse(response(
      200, R"({"data":[{"status":"error","message":"\"x\" is not a registered push notification recipient",)"
           R"("details":{"error":"DeviceNotRegistered"}}]})"));
  EXPECT_EQ(gone.kind, OutcomeKind::kPermanent);
  EXPECT_NE(gone.error.find("DeviceNotRegistered"), std::string::npos);
  EXPECT_EQ(adapter.parse(response(200, R"({"data":[{"status":"error","message":"slow down",)"
                                        R"("details":{"error":"MessageRateExceeded"}}]})"))
                .kind,
            OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(200, R"({"errors":[{"code":"PUSH_TOO_MANY_EXPERIENCE_IDS","message":"mixed"}]})")).kind,
            OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(200, "{}")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(401, R"({"errors":[{"code":"UNAUTHORIZED"}]})")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(429, "", {{"retry-after", "1"}})).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(502, "")).kind, OutcomeKind::kRetryable);
  expect_transport_failures_retryable([&](const HttpResult& r) { return adapter.parse(r); });
}

// ---------------------------------------------------------------------------------------
// one-signal

TEST(OneSignalAdapter, GoldenRequest) {
  const auto integration =
      integration_with("one-signal", Channel::kPush, {{"apiKey", "os-rest-key"}, {"applicationId", "app-uuid"}});
  const auto requests = requests_of(OneSignalAdapter().build(integration, push_message(), fixed_context()));
  ASSERT_EQ(requests.size(), 1u);
  const HttpRequest& r = requests[0];
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://onesignal.com/api/v1/notifications");
  EXPECT_EQ(header_of(r, "authorization"), "Basic os-rest-key");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"app_id":"app-uuid","contents":{"en":"It is on its way"},"data":{"count":2,"deepLink":"app://o/42"},)"
                    R"("headings":{"en":"Order shipped"},"include_player_ids":["tok-a","tok-b"]})");
}

TEST(OneSignalAdapter, MissingCredentialsBaseUrlAndNoDevice) {
  const auto no_app = integration_with("one-signal", Channel::kPush, {{"apiKey", "k"}});
  const auto missing = outcome_of(OneSignalAdapter().build(no_app, push_message(), fixed_context()));
  EXPECT_EQ(missing.kind, OutcomeKind::kPermanent);
  EXPECT_NE(missing.error.find("credentials.applicationId"), std::string::npos);
  const auto ok = integration_with("one-signal", Channel::kPush,
                                   {{"apiKey", "k"}, {"applicationId", "a"}, {"baseUrl", "http://127.0.0.1:9"}});
  const auto requests = requests_of(OneSignalAdapter().build(ok, push_message(), fixed_context()));
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:9/api/v1/notifications");
  EXPECT_EQ(outcome_of(OneSignalAdapter().build(ok, push_message(kNoTokens), fixed_context())).kind,
            OutcomeKind::kRejected);
}

TEST(OneSignalAdapter, OutcomeMapping) {
  OneSignalAdapter adapter;
  const auto sent = adapter.parse(response(200, R"({"id":"b98881cc-1e94-4366-bbd9-db8f3429292b","recipients":2})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "b98881cc-1e94-4366-bbd9-db8f3429292b");
  // Some players invalid: still sent.
  EXPECT_EQ(adapter.parse(response(200, R"({"id":"n-1","recipients":1,"errors":{"invalid_player_ids":["x"]}})")).kind,
            OutcomeKind::kSent);
  const auto nobody =
      adapter.parse(response(200, R"({"id":"","recipients":0,"errors":["All included players are not subscribed"]})"));
  EXPECT_EQ(nobody.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(nobody.error, "one-signal: All included players are not subscribed");
  EXPECT_EQ(adapter.parse(response(400, R"({"errors":["app_id not found"]})")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(403, "")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(429, "", {{"retry-after", "1"}})).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(500, "")).kind, OutcomeKind::kRetryable);
  expect_transport_failures_retryable([&](const HttpResult& r) { return adapter.parse(r); });
}

// ---------------------------------------------------------------------------------------
// push-webhook

TEST(PushWebhookAdapter, GoldenRequestSigned) {
  const auto integration = integration_with("push-webhook", Channel::kPush,
                                            {{"webhookUrl", "https://hooks.acme.test/push"}, {"secretKey", "s3cret"}});
  const auto requests = requests_of(PushWebhookAdapter().build(integration, push_message(), fixed_context()));
  ASSERT_EQ(requests.size(), 1u);
  const HttpRequest& r = requests[0];
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://hooks.acme.test/push");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"content":"It is on its way","eventId":"evt-1","payload":{"orderId":42},)"
                    R"("subscriber":{"subscriberId":"sub-1"},"target":["tok-a","tok-b"],"title":"Order shipped"})");
  EXPECT_EQ(header_of(r, "x-switchboard-signature"), hmac_sha256_hex("s3cret", r.body));
  EXPECT_EQ(header_of(r, "x-switchboard-signature").size(), 64u);
}

TEST(PushWebhookAdapter, UnsignedWithoutSecretAndMissingUrlIsPermanent) {
  const auto unsigned_hook = integration_with("push-webhook", Channel::kPush, {{"webhookUrl", "http://127.0.0.1:9/h"}});
  const auto requests = requests_of(PushWebhookAdapter().build(unsigned_hook, push_message(), fixed_context()));
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(header_of(requests[0], "x-switchboard-signature"), "<absent>");
  const auto missing = outcome_of(PushWebhookAdapter().build(
      integration_with("push-webhook", Channel::kPush, {{"secretKey", "s"}}), push_message(), fixed_context()));
  EXPECT_EQ(missing.kind, OutcomeKind::kPermanent);
  EXPECT_NE(missing.error.find("credentials.webhookUrl"), std::string::npos);
  EXPECT_EQ(outcome_of(PushWebhookAdapter().build(unsigned_hook, push_message(kNoTokens), fixed_context())).kind,
            OutcomeKind::kRejected);
}

TEST(PushWebhookAdapter, OutcomeMapping) {
  PushWebhookAdapter adapter;
  const auto sent = adapter.parse(response(200, R"({"id":"hook-1"})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "hook-1");
  EXPECT_EQ(adapter.parse(response(204, "", {{"x-message-id", "m-2"}})).provider_message_id, "m-2");
  EXPECT_EQ(adapter.parse(response(404, "")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(408, "")).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(429, "", {{"retry-after", "1"}})).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(500, "")).kind, OutcomeKind::kRetryable);
  expect_transport_failures_retryable([&](const HttpResult& r) { return adapter.parse(r); });
}

// ---------------------------------------------------------------------------------------
// apns

TEST(ApnsAdapter, EveryDeliveryIsPermanentSoItFailsOver) {
  const auto integration = integration_with("apns", Channel::kPush, {{"secretKey", "p8"}, {"apiKey", "KEYID"}});
  const auto outcome = outcome_of(ApnsAdapter().build(integration, push_message(), fixed_context()));
  EXPECT_EQ(outcome.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(outcome.error, "apns is not supported by this worker yet (HTTP/2 required)");
}

}  // namespace
}  // namespace switchboard::providers
