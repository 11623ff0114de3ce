// Golden request tests and outcome mapping of the sms adapters (sns: adapter_aws_test.cpp).
#include <gtest/gtest.h>

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/sms_generic.h"
#include "providers/adapters/sms_messagebird.h"
#include "providers/adapters/sms_nexmo.h"
#include "providers/adapters/sms_plivo.h"
#include "providers/adapters/sms_telnyx.h"
#include "providers/adapters/sms_twilio.h"
#include "tests/unit/adapter_test_support.h"

namespace switchboard::providers {
namespace {

using namespace providers::testing;
using routing::Channel;

const std::string kEvent = R"({"id":"evt-1","organizationId":"org-1","environmentId":"env-1","channel":"sms",
  "subscriber":{"subscriberId":"sub-1","phone":"+15555550100"},"content":{"body":"Code: 12 & 34"}})";
const std::string kEventWithFrom = R"({"id":"evt-1","subscriber":{"subscriberId":"sub-1","phone":"+15555550100"},
  "content":{"body":"hi"},"overrides":{"from":"+15555550199"}})";
const std::string kNoPhone = R"({"id":"evt-1","subscriber":{"subscriberId":"sub-1"},"content":{"body":"hi"}})";

OutboundMessage sms(const std::string& event = kEvent) { return message_from(event, Channel::kSms); }

HttpRequest only_request(BuildResult built) {
  auto requests = requests_of(std::move(built));
  EXPECT_EQ(requests.size(), 1u);
  return requests.empty() ? HttpRequest{} : std::move(requests.front());
}

// The status classes every adapter shares (contract section 5), given a failure body the
// provider would send.
void expect_common_mapping(const HttpAdapter& adapter, const std::string& error_body = "{}") {
  SCOPED_TRACE(std::string(adapter.provider_id()));
  EXPECT_EQ(adapter.parse(response(401, error_body)).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(404, error_body)).kind, OutcomeKind::kPermanent);
  const DeliveryOutcome throttled = adapter.parse(response(429, error_body, {{"retry-after", "3"}}));
  EXPECT_EQ(throttled.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(throttled.retry_after, std::chrono::milliseconds(3000));
  EXPECT_EQ(adapter.parse(response(500, error_body)).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(503, "")).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(TransportError{TransportErrorKind::kTimeout, "read"}).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(TransportError{TransportErrorKind::kReset, "reset"}).kind, OutcomeKind::kRetryable);
}

// No phone → rejected; each listed credential missing → permanent naming it.
void expect_preconditions(const HttpAdapter& adapter,
                          const std::vector<std::pair<std::string, std::string>>& credentials) {
  SCOPED_TRACE(std::string(adapter.provider_id()));
  const auto complete = integration_with(std::string(adapter.provider_id()), Channel::kSms, credentials);
  const DeliveryOutcome no_phone = outcome_of(adapter.build(complete, sms(kNoPhone), fixed_context()));
  EXPECT_EQ(no_phone.kind, OutcomeKind::kRejected);
  EXPECT_NE(no_phone.error.find("phone"), std::string::npos);
  for (std::size_t skip = 0; skip < credentials.size(); ++skip) {
    auto partial = credentials;
    partial.erase(partial.begin() + static_cast<std::ptrdiff_t>(skip));
    const auto integration = integration_with(std::string(adapter.provider_id()), Channel::kSms, partial);
    const DeliveryOutcome outcome = outcome_of(adapter.build(integration, sms(), fixed_context()));
    EXPECT_EQ(outcome.kind, OutcomeKind::kPermanent) << credentials[skip].first;
    EXPECT_NE(outcome.error.find("credentials." + credentials[skip].first), std::string::npos) << outcome.error;
  }
}

// ---------------------------------------------------------------------------------------
// twilio

const std::vector<std::pair<std::string, std::string>> kTwilioCredentials = {
    {"accountSid", "AC123"}, {"token", "tok"}, {"from", "+15555550111"}};

TEST(TwilioAdapter, GoldenRequest) {
  const auto integration = integration_with("twilio", Channel::kSms, kTwilioCredentials);
  const HttpRequest r = only_request(TwilioAdapter().build(integration, sms(), fixed_context()));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(header_of(r, "authorization"), "Basic QUMxMjM6dG9r");  // base64("AC123:tok")
  EXPECT_EQ(header_of(r, "content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(r.body, "To=%2B15555550100&From=%2B15555550111&Body=Code%3A%2012%20%26%2034");
}

TEST(TwilioAdapter, OverrideFromAndBaseUrl) {
  auto credentials = kTwilioCredentials;
  credentials.emplace_back("baseUrl", "http://127.0.0.1:9/");
  const auto integration = integration_with("twilio", Channel::kSms, credentials);
  const HttpRequest r = only_request(TwilioAdapter().build(integration, sms(kEventWithFrom), fixed_context()));
  EXPECT_EQ(r.url, "http://127.0.0.1:9/2010-04-01/Accounts/AC123/Messages.json");
  EXPECT_EQ(r.body, "To=%2B15555550100&From=%2B15555550199&Body=hi");
}

TEST(TwilioAdapter, Preconditions) { expect_preconditions(TwilioAdapter(), kTwilioCredentials); }

TEST(TwilioAdapter, OutcomeMapping) {
  TwilioAdapter adapter;
  const auto sent = adapter.parse(response(201, R"({"sid":"SM0123","status":"queued"})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "SM0123");
  const auto invalid_to = adapter.parse(response(
      400, R"({"code":21211,"message":"The 'To' number +1555 is not a valid phone number.","status":400})"));
  EXPECT_EQ(invalid_to.kind, OutcomeKind::kRejected);
  EXPECT_EQ(invalid_to.http_status, 400);
  EXPECT_NE(invalid_to.error.find("21211"), std::string::npos);
  EXPECT_EQ(adapter.parse(response(400, R"({"code":21614,"status":400})")).kind, OutcomeKind::kRejected);
  // Not a property of the message: another account or provider may send it.
  EXPECT_EQ(adapter.parse(response(400, R"({"code":21408,"status":400})")).kind, OutcomeKind::kPermanent);
  expect_common_mapping(adapter, R"({"code":20003,"message":"Authenticate","status":401})");
}

// ---------------------------------------------------------------------------------------
// nexmo (Vonage)

const std::vector<std::pair<std::string, std::string>> kNexmoCredentials = {
    {"apiKey", "key1"}, {"secretKey", "sec/ret"}, {"from", "Acme"}};

TEST(NexmoAdapter, GoldenRequest) {
  const auto integration = integration_with("nexmo", Channel::kSms, kNexmoCredentials);
  const HttpRequest r = only_request(NexmoAdapter().build(integration, sms(), fixed_context()));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://rest.nexmo.com/sms/json");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(header_of(r, "content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(r.body, "api_key=key1&api_secret=sec%2Fret&from=Acme&to=15555550100&text=Code%3A%2012%20%26%2034");
}

TEST(NexmoAdapter, OverrideFromAndBaseUrl) {
  auto credentials = kNexmoCredentials;
  credentials.emplace_back("baseUrl", "http://127.0.0.1:9");
  const auto integration = integration_with("nexmo", Channel::kSms, credentials);
  const HttpRequest r = only_request(NexmoAdapter().build(integration, sms(kEventWithFrom), fixed_context()));
  EXPECT_EQ(r.url, "http://127.0.0.1:9/sms/json");
  EXPECT_NE(r.body.find("&from=%2B15555550199&"), std::string::npos) << r.body;
}

TEST(NexmoAdapter, Preconditions) { expect_preconditions(NexmoAdapter(), kNexmoCredentials); }

TEST(NexmoAdapter, OutcomeMappingReadsTheStatusOfA200) {
  NexmoAdapter adapter;
  const auto sent = adapter.parse(response(
      200, R"({"message-count":"1","messages":[{"to":"15555550100","message-id":"0A00000012345678","status":"0"}]})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "0A00000012345678");
  const auto throttled =
      adapter.parse(response(200, R"({"message-count":"1","messages":[{"status":"1","error-text":"Throughput"}]})"));
  EXPECT_EQ(throttled.kind, OutcomeKind::kRetryable);
  EXPECT_NE(throttled.error.find("Throughput"), std::string::npos);
  const auto bad_credentials =
      adapter.parse(response(200, R"({"message-count":"1","messages":[{"status":"4","error-text":"Bad Credentials"}]})"));
  EXPECT_EQ(bad_credentials.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(bad_credentials.http_status, 200);
  EXPECT_EQ(adapter.parse(response(200, R"({"messages":[{"status":"6"}]})")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(200, "not json")).kind, OutcomeKind::kPermanent);
  expect_common_mapping(adapter);
}

// ---------------------------------------------------------------------------------------
// plivo

const std::vector<std::pair<std::string, std::string>> kPlivoCredentials = {
    {"accountSid", "MA123"}, {"token", "tok"}, {"from", "+15555550111"}};

TEST(PlivoAdapter, GoldenRequest) {
  const auto integration = integration_with("plivo", Channel::kSms, kPlivoCredentials);
  const HttpRequest r = only_request(PlivoAdapter().build(integration, sms(), fixed_context()));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://api.plivo.com/v1/Account/MA123/Message/");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(header_of(r, "authorization"), "Basic TUExMjM6dG9r");  // base64("MA123:tok")
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"dst":"+15555550100","src":"+15555550111","text":"Code: 12 & 34"})");
}

TEST(PlivoAdapter, OverrideFromAndBaseUrl) {
  auto credentials = kPlivoCredentials;
  credentials.emplace_back("baseUrl", "http://127.0.0.1:9");
  const auto integration = integration_with("plivo", Channel::kSms, credentials);
  const HttpRequest r = only_request(PlivoAdapter().build(integration, sms(kEventWithFrom), fixed_context()));
  EXPECT_EQ(r.url, "http://127.0.0.1:9/v1/Account/MA123/Message/");
  EXPECT_EQ(r.body, R"({"dst":"+15555550100","src":"+15555550199","text":"hi"})");
}

TEST(PlivoAdapter, Preconditions) { expect_preconditions(PlivoAdapter(), kPlivoCredentials); }

TEST(PlivoAdapter, OutcomeMapping) {
  PlivoAdapter adapter;
  const auto sent = adapter.parse(response(
      202, R"({"api_id":"a1","message":"message(s) queued","message_uuid":["db3ce55a-7f1d-11e1-8ea7-1231380bc196"]})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "db3ce55a-7f1d-11e1-8ea7-1231380bc196");
  EXPECT_EQ(adapter.parse(response(400, R"({"api_id":"a1","error":"invalid dst"})")).kind, OutcomeKind::kPermanent);
  expect_common_mapping(adapter, R"({"api_id":"a1","error":"x"})");
}

// ---------------------------------------------------------------------------------------
// telnyx

const std::vector<std::pair<std::string, std::string>> kTelnyxCredentials = {
    {"apiKey", "KEY01"}, {"messageProfileId", "prof-1"}, {"from", "+15555550111"}};

TEST(TelnyxAdapter, GoldenRequest) {
  const auto integration = integration_with("telnyx", Channel::kSms, kTelnyxCredentials);
  const HttpRequest r = only_request(TelnyxAdapter().build(integration, sms(), fixed_context()));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://api.telnyx.com/v2/messages");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(header_of(r, "authorization"), "Bearer KEY01");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body,
            R"({"from":"+15555550111","messaging_profile_id":"prof-1","text":"Code: 12 & 34","to":"+15555550100"})");
}

TEST(TelnyxAdapter, OverrideFromBaseUrlAndProfileWithoutFrom) {
  const auto integration = integration_with(
      "telnyx", Channel::kSms, {{"apiKey", "KEY01"}, {"from", "+15555550111"}, {"baseUrl", "http://127.0.0.1:9"}});
  const HttpRequest r = only_request(TelnyxAdapter().build(integration, sms(kEventWithFrom), fixed_context()));
  EXPECT_EQ(r.url, "http://127.0.0.1:9/v2/messages");
  EXPECT_EQ(r.body, R"({"from":"+15555550199","text":"hi","to":"+15555550100"})");
  // A number pool: the messaging profile chooses the sender.
  const auto pool = integration_with("telnyx", Channel::kSms, {{"apiKey", "KEY01"}, {"messageProfileId", "prof-1"}});
  EXPECT_EQ(only_request(TelnyxAdapter().build(pool, sms(), fixed_context())).body,
            R"({"messaging_profile_id":"prof-1","text":"Code: 12 & 34","to":"+15555550100"})");
}

TEST(TelnyxAdapter, Preconditions) {
  expect_preconditions(TelnyxAdapter(), {{"apiKey", "KEY01"}, {"from", "+15555550111"}});
}

TEST(TelnyxAdapter, OutcomeMapping) {
  TelnyxAdapter adapter;
  const auto sent = adapter.parse(response(200, R"({"data":{"id":"4031938e-60d8","record_type":"message"}})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "4031938e-60d8");
  EXPECT_EQ(adapter.parse(response(400, R"({"errors":[{"code":"40310","title":"Invalid 'to' address"}]})")).kind,
            OutcomeKind::kRejected);
  EXPECT_EQ(adapter.parse(response(422, R"({"errors":[{"code":"40013","title":"Invalid source"}]})")).kind,
            OutcomeKind::kPermanent);
  expect_common_mapping(adapter, R"({"errors":[{"code":"10009","title":"Authentication failed"}]})");
}

// ---------------------------------------------------------------------------------------
// messagebird

const std::vector<std::pair<std::string, std::string>> kMessagebirdCredentials = {{"accessKey", "live_abc"},
                                                                                  {"from", "Acme"}};

TEST(MessagebirdAdapter, GoldenRequest) {
  const auto integration = integration_with("messagebird", Channel::kSms, kMessagebirdCredentials);
  const HttpRequest r = only_request(MessagebirdAdapter().build(integration, sms(), fixed_context()));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://rest.messagebird.com/messages");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(header_of(r, "authorization"), "AccessKey live_abc");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"body":"Code: 12 & 34","originator":"Acme","recipients":["+15555550100"]})");
}

TEST(MessagebirdAdapter, OverrideFromAndBaseUrl) {
  auto credentials = kMessagebirdCredentials;
  credentials.emplace_back("baseUrl", "http://127.0.0.1:9");
  const auto integration = integration_with("messagebird", Channel::kSms, credentials);
  const HttpRequest r = only_request(MessagebirdAdapter().build(integration, sms(kEventWithFrom), fixed_context()));
  EXPECT_EQ(r.url, "http://127.0.0.1:9/messages");
  EXPECT_EQ(r.body, R"({"body":"hi","originator":"+15555550199","recipients":["+15555550100"]})");
}

TEST(MessagebirdAdapter, Preconditions) { expect_preconditions(MessagebirdAdapter(), kMessagebirdCredentials); }

TEST(MessagebirdAdapter, OutcomeMapping) {
  MessagebirdAdapter adapter;
  const auto sent = adapter.parse(response(201, R"({"id":"e8077d803532c0b5937c639b60216938","direction":"mt"})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "e8077d803532c0b5937c639b60216938");
  EXPECT_EQ(adapter.parse(response(422, R"({"errors":[{"code":9,"description":"no (correct) recipients found",)"
                                        R"("parameter":"recipients"}]})"))
                .kind,
            OutcomeKind::kRejected);
  EXPECT_EQ(adapter.parse(response(422, R"({"errors":[{"code":9,"parameter":"originator"}]})")).kind,
            OutcomeKind::kPermanent);
  expect_common_mapping(adapter, R"({"errors":[{"code":2,"description":"Request not allowed"}]})");
}

// ---------------------------------------------------------------------------------------
// generic-sms

const std::vector<std::pair<std::string, std::string>> kGenericCredentials = {
    {"baseUrl", "https://sms.example.test/api/send?v=2"},
    {"apiKeyRequestHeader", "X-Api-Key"},
    {"apiKey", "k1"},
    {"secretKeyRequestHeader", "X-Api-Secret"},
    {"secretKey", "s1"},
    {"idPath", "data.id"},
    {"from", "Acme"}};

std::vector<std::pair<std::string, std::string>> token_credentials() {
  auto credentials = kGenericCredentials;
  credentials.insert(credentials.end(), {{"authenticateByToken", "true"},
                                         {"domain", "https://sms.example.test/api/auth"},
                                         {"authenticationTokenKey", "X-Token"}});
  return credentials;
}

TEST(GenericSms, GoldenRequestWithApiKeyHeaders) {
  const auto integration = integration_with("generic-sms", Channel::kSms, kGenericCredentials);
  EXPECT_FALSE(generic_sms::uses_token(integration));
  const HttpRequest r = only_request(generic_sms::build_send_request(integration, sms(), ""));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://sms.example.test/api/send?v=2");  // exactly as configured
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(header_of(r, "X-Api-Key"), "k1");
  EXPECT_EQ(header_of(r, "X-Api-Secret"), "s1");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body,
            R"({"content":"Code: 12 & 34","from":"Acme","id":"evt-1","sender":"Acme","to":"+15555550100"})");
}

TEST(GenericSms, SecretHeaderOnlyWhenBothAreSetAndFromOverride) {
  auto credentials = kGenericCredentials;
  credentials.erase(credentials.begin() + 3);  // secretKeyRequestHeader
  const auto integration = integration_with("generic-sms", Channel::kSms, credentials);
  const HttpRequest r = only_request(generic_sms::build_send_request(integration, sms(kEventWithFrom), ""));
  EXPECT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(header_of(r, "X-Api-Secret"), "<absent>");
  EXPECT_EQ(r.body, R"({"content":"hi","from":"+15555550199","id":"evt-1","sender":"+15555550199","to":"+15555550100"})");
}

TEST(GenericSms, TokenFlowRequests) {
  const auto integration = integration_with("generic-sms", Channel::kSms, token_credentials());
  EXPECT_TRUE(generic_sms::uses_token(integration));
  const HttpRequest auth = generic_sms::build_auth_request(integration);
  EXPECT_EQ(auth.method, HttpMethod::kPost);
  EXPECT_EQ(auth.url, "https://sms.example.test/api/auth");
  ASSERT_EQ(auth.headers.size(), 2u);
  EXPECT_EQ(header_of(auth, "X-Api-Key"), "k1");
  EXPECT_EQ(header_of(auth, "X-Api-Secret"), "s1");
  EXPECT_EQ(auth.body, "");

  auto token = generic_sms::token_from(integration, response(200, R"({"data":{"X-Token":"tok-9"}})"));
  ASSERT_TRUE(std::holds_alternative<std::string>(token));
  EXPECT_EQ(std::get<std::string>(token), "tok-9");
  const HttpRequest send = only_request(generic_sms::build_send_request(integration, sms(), "tok-9"));
  EXPECT_EQ(send.url, "https://sms.example.test/api/send?v=2");
  ASSERT_EQ(send.headers.size(), 2u);  // the API-key headers are not sent with the token
  EXPECT_EQ(header_of(send, "X-Token"), "tok-9");
  EXPECT_EQ(header_of(send, "content-type"), "application/json");
}

TEST(GenericSms, TokenAnswers) {
  const auto integration = integration_with("generic-sms", Channel::kSms, token_credentials());
  auto outcome_of_token = [&](HttpResult result) {
    auto token = generic_sms::token_from(integration, result);
    EXPECT_TRUE(std::holds_alternative<DeliveryOutcome>(token));
    return std::holds_alternative<DeliveryOutcome>(token) ? std::get<DeliveryOutcome>(token) : DeliveryOutcome{};
  };
  // Novu reads data.<key>, not <key>.
  EXPECT_EQ(outcome_of_token(response(200, R"({"X-Token":"tok-9"})")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(outcome_of_token(response(200, "oops")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(outcome_of_token(response(401, "")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(outcome_of_token(response(503, "")).kind, OutcomeKind::kRetryable);
  const auto reset = outcome_of_token(TransportError{TransportErrorKind::kReset, "reset"});
  EXPECT_EQ(reset.kind, OutcomeKind::kRetryable);
  EXPECT_NE(reset.error.find("auth"), std::string::npos);
}

TEST(GenericSms, Preconditions) {
  const auto complete = integration_with("generic-sms", Channel::kSms, kGenericCredentials);
  EXPECT_FALSE(generic_sms::check(complete, sms()).has_value());
  EXPECT_EQ(outcome_of(generic_sms::build_send_request(complete, sms(kNoPhone), "")).kind, OutcomeKind::kRejected);
  for (const char* key : {"baseUrl", "apiKeyRequestHeader", "apiKey"}) {
    auto credentials = kGenericCredentials;
    std::erase_if(credentials, [&](const auto& c) { return c.first == key; });
    const auto outcome = generic_sms::check(integration_with("generic-sms", Channel::kSms, credentials), sms());
    ASSERT_TRUE(outcome.has_value()) << key;
    EXPECT_EQ(outcome->kind, OutcomeKind::kPermanent);
    EXPECT_NE(outcome->error.find(std::string("credentials.") + key), std::string::npos);
  }
  auto no_domain = token_credentials();
  std::erase_if(no_domain, [](const auto& c) { return c.first == "domain"; });
  const auto outcome = generic_sms::check(integration_with("generic-sms", Channel::kSms, no_domain), sms());
  ASSERT_TRUE(outcome.has_value());
  EXPECT_NE(outcome->error.find("credentials.domain"), std::string::npos);
}

TEST(GenericSms, OutcomeMappingUsesIdPath) {
  const auto integration = integration_with("generic-sms", Channel::kSms, kGenericCredentials);
  const auto sent = generic_sms::parse_send(integration, response(200, R"({"data":{"id":"m-7","date":"x"}})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "m-7");
  // Accepted, but the id is elsewhere: still sent (retrying would send it twice).
  const auto elsewhere = generic_sms::parse_send(integration, response(200, R"({"id":"m-8"})"));
  EXPECT_EQ(elsewhere.kind, OutcomeKind::kSent);
  EXPECT_EQ(elsewhere.provider_message_id, "");
  const auto default_path = integration_with("generic-sms", Channel::kSms, {{"baseUrl", "http://h/"}});
  EXPECT_EQ(generic_sms::parse_send(default_path, response(201, R"({"id":"m-9"})")).provider_message_id, "m-9");
  EXPECT_EQ(generic_sms::parse_send(integration, response(400, "{}")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(generic_sms::parse_send(integration, response(429, "")).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(generic_sms::parse_send(integration, response(502, "")).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(generic_sms::parse_send(integration, TransportError{TransportErrorKind::kTimeout, "t"}).kind,
            OutcomeKind::kRetryable);
  EXPECT_EQ(generic_sms::parse_send(integration, TransportError{TransportErrorKind::kReset, "r"}).kind,
            OutcomeKind::kRetryable);
}

}  // namespace
}  // namespace switchboard::providers
