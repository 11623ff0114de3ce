// Golden request tests (SigV4-signed at the fixed clock) and outcome mapping of the AWS
// adapters: SES v2 SendEmail and SNS Publish. The expected signatures were computed with
// an independent implementation (Python hashlib/hmac) from the same canonical requests.
#include <gtest/gtest.h>

#include "providers/adapters/email_ses.h"
#include "providers/adapters/sms_sns.h"
#include "tests/unit/adapter_test_support.h"

namespace switchboard::providers {
namespace {

using namespace providers::testing;
using routing::Channel;

const std::vector<std::pair<std::string, std::string>> kAwsKeys = {
    {"apiKey", "AKIDEXAMPLE"}, {"secretKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}};

std::vector<std::pair<std::string, std::string>> aws_credentials(
    std::string region, std::vector<std::pair<std::string, std::string>> extra = {}) {
  auto credentials = kAwsKeys;
  credentials.emplace_back("region", std::move(region));
  credentials.insert(credentials.end(), extra.begin(), extra.end());
  return credentials;
}

HttpRequest only_request(BuildResult built) {
  auto requests = requests_of(std::move(built));
  EXPECT_EQ(requests.size(), 1u);
  return requests.empty() ? HttpRequest{} : std::move(requests.front());
}

void expect_transport_and_status_classes(const HttpAdapter& adapter) {
  SCOPED_TRACE(std::string(adapter.provider_id()));
  const DeliveryOutcome throttled = adapter.parse(response(429, "", {{"retry-after", "2"}}));
  EXPECT_EQ(throttled.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(throttled.retry_after, std::chrono::milliseconds(2000));
  EXPECT_EQ(adapter.parse(response(500, "")).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(503, "")).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(403, "")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(TransportError{TransportErrorKind::kTimeout, "read"}).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(TransportError{TransportErrorKind::kReset, "reset"}).kind, OutcomeKind::kRetryable);
}

// ---------------------------------------------------------------------------------------
// SES

const std::string kEmailEvent = R"({"id":"evt-1","channel":"email",
  "subscriber":{"subscriberId":"sub-1","email":"ada@example.com"},
  "content":{"subject":"Hi","body":"text","html":"<p>Hi</p>"},"overrides":{"replyTo":"help@acme.test"}})";

TEST(SesAdapter, GoldenRequest) {
  const auto integration = integration_with(
      "ses", Channel::kEmail, aws_credentials("eu-west-1", {{"from", "no-reply@acme.test"}, {"senderName", "Acme"}}));
  const HttpRequest r =
      only_request(SesAdapter().build(integration, message_from(kEmailEvent, Channel::kEmail), fixed_context()));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails");
  ASSERT_EQ(r.headers.size(), 4u);
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(header_of(r, "host"), "email.eu-west-1.amazonaws.com");
  EXPECT_EQ(header_of(r, "x-amz-date"), "20261122T100000Z");
  EXPECT_EQ(header_of(r, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/eu-west-1/ses/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5a4a9ce47edb3cc2fd26372101e4a1dfa0e1b6a1e0cf6c4867982458396e8cda");
  EXPECT_EQ(r.body,
            R"({"Content":{"Simple":{"Body":{"Html":{"Charset":"UTF-8","Data":"<p>Hi</p>"},)"
            R"("Text":{"Charset":"UTF-8","Data":"text"}},"Subject":{"Charset":"UTF-8","Data":"Hi"}}},)"
            R"("Destination":{"ToAddresses":["ada@example.com"]},"FromEmailAddress":"Acme <no-reply@acme.test>",)"
            R"("ReplyToAddresses":["help@acme.test"]})");
}

TEST(SesAdapter, BaseUrlHostIsWhatIsSigned) {
  const auto integration = integration_with(
      "ses", Channel::kEmail, aws_credentials("us-east-1", {{"from", "a@b.c"}, {"baseUrl", "http://127.0.0.1:8125/"}}));
  const HttpRequest r =
      only_request(SesAdapter().build(integration, message_from(kEmailEvent, Channel::kEmail), fixed_context()));
  EXPECT_EQ(r.url, "http://127.0.0.1:8125/v2/email/outbound-emails");
  EXPECT_EQ(header_of(r, "host"), "127.0.0.1:8125");
  EXPECT_NE(header_of(r, "authorization").find("/20261122/us-east-1/ses/aws4_request"), std::string::npos);
}

TEST(SesAdapter, MailboxNames) {
  EXPECT_EQ(ses_mailbox("", "a@b.c"), "a@b.c");
  EXPECT_EQ(ses_mailbox("Acme", "a@b.c"), "Acme <a@b.c>");
  EXPECT_EQ(ses_mailbox("Acme, Inc. \"HQ\"", "a@b.c"), R"("Acme, Inc. \"HQ\"" <a@b.c>)");
  EXPECT_EQ(ses_mailbox("Zoë", "a@b.c"), "=?UTF-8?B?Wm/Dqw==?= <a@b.c>");
}

TEST(SesAdapter, Preconditions) {
  const auto email = message_from(kEmailEvent, Channel::kEmail);
  for (const char* key : {"apiKey", "secretKey", "region", "from"}) {
    auto credentials = aws_credentials("us-east-1", {{"from", "a@b.c"}});
    std::erase_if(credentials, [&](const auto& c) { return c.first == key; });
    const auto outcome = outcome_of(SesAdapter().build(integration_with("ses", Channel::kEmail, credentials), email,
                                                       fixed_context()));
    EXPECT_EQ(outcome.kind, OutcomeKind::kPermanent) << key;
    EXPECT_NE(outcome.error.find(std::string("credentials.") + key), std::string::npos) << outcome.error;
  }
  const auto complete = integration_with("ses", Channel::kEmail, aws_credentials("us-east-1", {{"from", "a@b.c"}}));
  const std::string no_email = R"({"id":"e","subscriber":{"subscriberId":"s"},"content":{"subject":"s"}})";
  EXPECT_EQ(outcome_of(SesAdapter().build(complete, message_from(no_email, Channel::kEmail), fixed_context())).kind,
            OutcomeKind::kRejected);
  // A region that cannot be a host name cannot be signed.
  const auto bad_region = integration_with("ses", Channel::kEmail, aws_credentials("us east", {{"from", "a@b.c"}}));
  EXPECT_EQ(outcome_of(SesAdapter().build(bad_region, message_from(kEmailEvent, Channel::kEmail), fixed_context())).kind,
            OutcomeKind::kPermanent);
}

TEST(SesAdapter, OutcomeMapping) {
  SesAdapter adapter;
  const auto sent = adapter.parse(response(200, R"({"MessageId":"0102018c-aaaa-bbbb-000000"})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "0102018c-aaaa-bbbb-000000");
  EXPECT_EQ(adapter.parse(response(400, R"({"message":"Email address is not verified."})",
                                   {{"x-amzn-errortype", "MessageRejected:http://internal.amazon.com/coral/"}}))
                .kind,
            OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(400, R"({"message":"Maximum sending rate exceeded."})",
                                   {{"x-amzn-errortype", "ThrottlingException"}}))
                .kind,
            OutcomeKind::kRetryable);
  expect_transport_and_status_classes(adapter);
}

// ---------------------------------------------------------------------------------------
// SNS

const std::string kSmsEvent = R"({"id":"evt-1","channel":"sms",
  "subscriber":{"subscriberId":"sub-1","phone":"+15555550100"},"content":{"body":"Code: 12 & 34"}})";

TEST(SnsAdapter, GoldenRequest) {
  const auto integration = integration_with("sns", Channel::kSms, aws_credentials("us-east-1"));
  const HttpRequest r =
      only_request(SnsAdapter().build(integration, message_from(kSmsEvent, Channel::kSms), fixed_context()));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://sns.us-east-1.amazonaws.com/");
  ASSERT_EQ(r.headers.size(), 4u);
  EXPECT_EQ(header_of(r, "content-type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(header_of(r, "host"), "sns.us-east-1.amazonaws.com");
  EXPECT_EQ(header_of(r, "x-amz-date"), "20261122T100000Z");
  EXPECT_EQ(header_of(r, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/sns/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=a8ac43546e8ffb86677d86ebde96431be5921d0ab8e129eb2218698abb8721a4");
  EXPECT_EQ(r.body, "Action=Publish&Message=Code%3A%2012%20%26%2034&PhoneNumber=%2B15555550100&Version=2010-03-31");
}

TEST(SnsAdapter, FromBecomesTheSenderIdAndBaseUrlIsSigned) {
  const std::string event = R"({"id":"evt-1","subscriber":{"phone":"+15555550100"},"content":{"body":"hi"},
    "overrides":{"from":"ACME"}})";
  const auto integration = integration_with(
      "sns", Channel::kSms, aws_credentials("eu-central-1", {{"from", "OTHER"}, {"baseUrl", "http://127.0.0.1:9"}}));
  const HttpRequest r = only_request(SnsAdapter().build(integration, message_from(event, Channel::kSms), fixed_context()));
  EXPECT_EQ(r.url, "http://127.0.0.1:9/");
  EXPECT_EQ(header_of(r, "host"), "127.0.0.1:9");
  EXPECT_EQ(r.body,
            "Action=Publish&Message=hi&PhoneNumber=%2B15555550100"
            "&MessageAttributes.entry.1.Name=AWS.SNS.SMS.SenderID"
            "&MessageAttributes.entry.1.Value.DataType=String"
            "&MessageAttributes.entry.1.Value.StringValue=ACME&Version=2010-03-31");
}

TEST(SnsAdapter, Preconditions) {
  const auto sms = message_from(kSmsEvent, Channel::kSms);
  for (const char* key : {"apiKey", "secretKey", "region"}) {
    auto credentials = aws_credentials("us-east-1");
    std::erase_if(credentials, [&](const auto& c) { return c.first == key; });
    const auto outcome =
        outcome_of(SnsAdapter().build(integration_with("sns", Channel::kSms, credentials), sms, fixed_context()));
    EXPECT_EQ(outcome.kind, OutcomeKind::kPermanent) << key;
    EXPECT_NE(outcome.error.find(std::string("credentials.") + key), std::string::npos) << outcome.error;
  }
  const auto complete = integration_with("sns", Channel::kSms, aws_credentials("us-east-1"));
  const std::string no_phone = R"({"id":"e","subscriber":{"subscriberId":"s"},"content":{"body":"x"}})";
  EXPECT_EQ(outcome_of(SnsAdapter().build(complete, message_from(no_phone, Channel::kSms), fixed_context())).kind,
            OutcomeKind::kRejected);
}

std::string sns_error(std::string_view code, std::string_view message) {
  return R"(<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>)" +
         std::string(code) + "</Code><Message>" + std::string(message) +
         "</Message></Error><RequestId>9f5e</RequestId></ErrorResponse>";
}

TEST(SnsAdapter, OutcomeMapping) {
  SnsAdapter adapter;
  const auto sent = adapter.parse(response(
      200,
      R"(<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>)"
      R"(<MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult>)"
      R"(<ResponseMetadata><RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata></PublishResponse>)"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "567910cd-659e-55d4-8ccb-5aaf14679dc0");

  const auto throttled = adapter.parse(response(400, sns_error("Throttling", "Rate exceeded")));
  EXPECT_EQ(throttled.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(throttled.http_status, 400);
  EXPECT_NE(throttled.error.find("Throttling: Rate exceeded"), std::string::npos) << throttled.error;
  const auto invalid = adapter.parse(response(400, sns_error("InvalidParameter", "Invalid parameter: PhoneNumber")));
  EXPECT_EQ(invalid.kind, OutcomeKind::kPermanent);
  EXPECT_NE(invalid.error.find("InvalidParameter"), std::string::npos);
  EXPECT_EQ(adapter.parse(response(403, sns_error("SignatureDoesNotMatch", "bad"))).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(500, sns_error("InternalError", "x"))).kind, OutcomeKind::kRetryable);
  expect_transport_and_status_classes(adapter);
}

}  // namespace
}  // namespace switchboard::providers
