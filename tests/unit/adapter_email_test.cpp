// Golden request tests and outcome mapping of the email adapters.
#include <gtest/gtest.h>

#include <optional>

#include "providers/adapters/email_mailgun.h"
#include "providers/adapters/email_mailjet.h"
#include "providers/adapters/email_postmark.h"
#include "providers/adapters/email_resend.h"
#include "providers/adapters/email_sendgrid.h"
#include "providers/adapters/email_sparkpost.h"
#include "providers/adapters/email_support.h"
#include "providers/adapters/email_webhook.h"
#include "tests/unit/adapter_test_support.h"

namespace switchboard::providers {
namespace {

using namespace providers::testing;
using routing::Channel;
using std::chrono::milliseconds;
using Credentials = std::vector<std::pair<std::string, std::string>>;

const std::string kEvent = R"({"id":"evt-1","organizationId":"org-1","environmentId":"env-1","channel":"email",
  "transactionId":"txn-9","subscriber":{"subscriberId":"sub-1","email":"ada@example.com"},
  "content":{"subject":"Hi","body":"text","html":"<p>Hi</p>"}})";

// Overrides: another sender, a display name that needs quoting, a reply-to address.
const std::string kEventWithOverrides = R"({"id":"evt-1","subscriber":{"subscriberId":"sub-1","email":"ada@example.com"},
  "content":{"subject":"Hi","html":"<p>Hi</p>"},
  "overrides":{"from":"billing@acme.test","senderName":"Acme, Inc.","replyTo":"help@acme.test"}})";

const std::string kEventWithoutEmail = R"({"id":"evt-1","subscriber":{"subscriberId":"sub-1"},"content":{"subject":"Hi"}})";

// The single request `adapter` builds for `event_json`.
HttpRequest build_one(const HttpAdapter& adapter, const Credentials& credentials, const std::string& event_json = kEvent) {
  const auto integration = integration_with(std::string(adapter.provider_id()), Channel::kEmail, credentials);
  auto requests = requests_of(adapter.build(integration, message_from(event_json, Channel::kEmail), fixed_context()));
  if (requests.size() != 1) {
    ADD_FAILURE() << adapter.provider_id() << " built " << requests.size() << " requests";
    return {};
  }
  return std::move(requests.front());
}

DeliveryOutcome build_outcome(const HttpAdapter& adapter, const Credentials& credentials,
                              const std::string& event_json = kEvent) {
  const auto integration = integration_with(std::string(adapter.provider_id()), Channel::kEmail, credentials);
  return outcome_of(adapter.build(integration, message_from(event_json, Channel::kEmail), fixed_context()));
}

Credentials without(Credentials credentials, const std::string& key) {
  std::erase_if(credentials, [&key](const auto& c) { return c.first == key; });
  return credentials;
}

Credentials with(Credentials credentials, std::string key, std::string value) {
  credentials.emplace_back(std::move(key), std::move(value));
  return credentials;
}

// The answers every adapter classifies by contract section 5, whatever the provider.
void expect_status_classes(const HttpAdapter& adapter) {
  SCOPED_TRACE(std::string(adapter.provider_id()));
  EXPECT_EQ(adapter.parse(response(400, R"({"message":"bad"})")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(401, "")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(403, "")).kind, OutcomeKind::kPermanent);
  const DeliveryOutcome throttled = adapter.parse(response(429, "", {{"retry-after", "2"}}));
  EXPECT_EQ(throttled.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(throttled.retry_after, milliseconds(2000));
  EXPECT_EQ(throttled.http_status, 429);
  EXPECT_EQ(adapter.parse(response(500, "")).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(503, "")).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(TransportError{TransportErrorKind::kTimeout, "read"}).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(TransportError{TransportErrorKind::kReset, "reset"}).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(TransportError{TransportErrorKind::kInvalidRequest, "url"}).kind, OutcomeKind::kPermanent);
}

// ---------------------------------------------------------------------------------------
// What every email adapter shares: required credentials, recipient, baseUrl, status classes

struct AdapterCase {
  std::shared_ptr<const HttpAdapter> adapter;
  Credentials credentials;             // a complete set
  std::vector<std::string> required;   // each one's absence is `permanent`, named
  std::optional<std::string> path;     // the path after credentials.baseUrl; none: URL from elsewhere
};

std::vector<AdapterCase> all_cases() {
  const Credentials sender = {{"from", "no-reply@acme.test"}, {"senderName", "Acme"}};
  auto plus = [&sender](Credentials c) {
    c.insert(c.end(), sender.begin(), sender.end());
    return c;
  };
  return {
      {std::make_shared<SendgridAdapter>(), plus({{"apiKey", "SG.key"}}), {"apiKey", "from"}, "/v3/mail/send"},
      {std::make_shared<MailgunAdapter>(), plus({{"apiKey", "key-123"}, {"domain", "mg.acme.test"}}),
       {"apiKey", "domain", "from"}, "/v3/mg.acme.test/messages"},
      {std::make_shared<PostmarkAdapter>(), plus({{"apiKey", "pm-token"}}), {"apiKey", "from"}, "/email"},
      {std::make_shared<ResendAdapter>(), plus({{"apiKey", "re_key"}}), {"apiKey", "from"}, "/emails"},
      {std::make_shared<MailjetAdapter>(), plus({{"apiKey", "mj-key"}, {"secretKey", "mj-secret"}}),
       {"apiKey", "secretKey", "from"}, "/v3.1/send"},
      {std::make_shared<SparkpostAdapter>(), plus({{"apiKey", "sp-key"}}), {"apiKey", "from"}, "/api/v1/transmissions"},
      {std::make_shared<EmailWebhookAdapter>(),
       plus({{"webhookUrl", "https://hooks.acme.test/mail"}, {"secretKey", "whsec-1"}}), {"webhookUrl", "secretKey"},
       std::nullopt},
  };
}

TEST(EmailAdapters, MissingRequiredCredentialIsPermanentAndNamed) {
  for (const AdapterCase& c : all_cases()) {
    for (const std::string& key : c.required) {
      SCOPED_TRACE(std::string(c.adapter->provider_id()) + " without " + key);
      const DeliveryOutcome outcome = build_outcome(*c.adapter, without(c.credentials, key));
      EXPECT_EQ(outcome.kind, OutcomeKind::kPermanent);
      EXPECT_NE(outcome.error.find("lacks credentials." + key), std::string::npos) << outcome.error;
      EXPECT_EQ(build_outcome(*c.adapter, with(without(c.credentials, key), key, "")).kind, OutcomeKind::kPermanent);
    }
  }
}

TEST(EmailAdapters, NoSubscriberEmailIsRejected) {
  for (const AdapterCase& c : all_cases()) {
    SCOPED_TRACE(std::string(c.adapter->provider_id()));
    const DeliveryOutcome outcome = build_outcome(*c.adapter, c.credentials, kEventWithoutEmail);
    EXPECT_EQ(outcome.kind, OutcomeKind::kRejected);
    EXPECT_NE(outcome.error.find("subscriber.email"), std::string::npos) << outcome.error;
  }
}

TEST(EmailAdapters, BaseUrlOverridesTheEndpoint) {
  for (const AdapterCase& c : all_cases()) {
    if (!c.path) continue;
    SCOPED_TRACE(std::string(c.adapter->provider_id()));
    EXPECT_EQ(build_one(*c.adapter, with(c.credentials, "baseUrl", "http://127.0.0.1:9/")).url,
              "http://127.0.0.1:9" + *c.path);
  }
}

TEST(EmailAdapters, StatusClassesFollowTheContract) {
  for (const AdapterCase& c : all_cases()) expect_status_classes(*c.adapter);
}

TEST(EmailAdapters, RegisteredUnderTheirProviderIds) {
  std::vector<std::string> ids;
  for (const AdapterCase& c : all_cases()) ids.emplace_back(c.adapter->provider_id());
  EXPECT_EQ(ids, (std::vector<std::string>{"sendgrid", "mailgun", "postmark", "resend", "mailjet", "sparkpost",
                                           "email-webhook"}));
}

// ---------------------------------------------------------------------------------------
// Shared helpers

TEST(EmailSupport, MailboxQuotesNamesWithSpecials) {
  EXPECT_EQ(mailbox("", "a@b.c"), "a@b.c");
  EXPECT_EQ(mailbox("Acme", "a@b.c"), "Acme <a@b.c>");
  EXPECT_EQ(mailbox("Acme, Inc.", "a@b.c"), "\"Acme, Inc.\" <a@b.c>");
  EXPECT_EQ(mailbox("The \"Best\" \\ Co", "a@b.c"), "\"The \\\"Best\\\" \\\\ Co\" <a@b.c>");
}

TEST(EmailSupport, TextPartFallsBackToASpaceOnlyWithoutAnyContent) {
  OutboundMessage m;
  EXPECT_EQ(email_text(m), " ");
  m.html = "<p>x</p>";
  EXPECT_EQ(email_text(m), "");
  m.body = "x";
  EXPECT_EQ(email_text(m), "x");
}

// ---------------------------------------------------------------------------------------
// sendgrid

TEST(SendgridAdapter, GoldenRequest) {
  const auto integration = integration_with("sendgrid", Channel::kEmail,
                                            {{"apiKey", "SG.key"}, {"from", "no-reply@acme.test"}, {"senderName", "Acme"}});
  const auto built = SendgridAdapter().build(integration, message_from(kEvent, Channel::kEmail), fixed_context());
  const auto requests = requests_of(built);
  ASSERT_EQ(requests.size(), 1u);
  const HttpRequest& r = requests[0];
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://api.sendgrid.com/v3/mail/send");
  EXPECT_EQ(header_of(r, "authorization"), "Bearer SG.key");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body,
            R"({"content":[{"type":"text/plain","value":"text"},{"type":"text/html","value":"<p>Hi</p>"}],)"
            R"("custom_args":{"subscriberId":"sub-1","switchboardEventId":"evt-1","transactionId":"txn-9"},)"
            R"("from":{"email":"no-reply@acme.test","name":"Acme"},)"
            R"("personalizations":[{"to":[{"email":"ada@example.com"}]}],"subject":"Hi"})");
}

// The body is written without a JSON tree: it must be exactly what a tree would print.
TEST(SendgridAdapter, BodyIsCanonicalJsonWithEveryOptionalMember) {
  const auto integration = integration_with(
      "sendgrid", Channel::kEmail,
      {{"apiKey", "k"}, {"from", "a@b.c"}, {"senderName", "Ada \"The\" L\u00f6velace"}, {"ipPoolName", "pool-1"}});
  const std::string event = R"({"id":"e","subscriber":{"subscriberId":"s\\1","email":"x@y.z"},)"
                            R"("content":{"subject":"Tab\there \u00e9","html":"<p>\"q\"</p>"},)"
                            R"("overrides":{"replyTo":"r@y.z"}})";
  const auto requests = requests_of(SendgridAdapter().build(integration, message_from(event, Channel::kEmail), fixed_context()));
  ASSERT_EQ(requests.size(), 1u);
  const auto tree = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(tree.dump(), requests[0].body);
  EXPECT_EQ(tree["reply_to"]["email"], "r@y.z");
  EXPECT_EQ(tree["ip_pool_name"], "pool-1");
  EXPECT_EQ(tree["from"]["name"], "Ada \"The\" L\u00f6velace");
  EXPECT_EQ(tree["subject"], "Tab\there \u00e9");
  EXPECT_EQ(tree["custom_args"]["subscriberId"], "s\\1");
  EXPECT_EQ(tree["content"].size(), 1u);
  EXPECT_EQ(tree["content"][0]["type"], "text/html");
}

TEST(SendgridAdapter, BaseUrlOverridesTheEndpoint) {
  const auto integration = integration_with("sendgrid", Channel::kEmail,
                                            {{"apiKey", "k"}, {"from", "a@b.c"}, {"baseUrl", "http://127.0.0.1:9/"}});
  const auto requests = requests_of(SendgridAdapter().build(integration, message_from(kEvent, Channel::kEmail), fixed_context()));
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:9/v3/mail/send");
}

TEST(SendgridAdapter, MissingKeyIsPermanentAndMissingRecipientIsRejected) {
  const auto no_key = integration_with("sendgrid", Channel::kEmail, {{"from", "a@b.c"}});
  EXPECT_EQ(outcome_of(SendgridAdapter().build(no_key, message_from(kEvent, Channel::kEmail), fixed_context())).kind,
            OutcomeKind::kPermanent);
  const auto ok = integration_with("sendgrid", Channel::kEmail, {{"apiKey", "k"}, {"from", "a@b.c"}});
  const std::string no_email = R"({"id":"e","subscriber":{"subscriberId":"s"}})";
  EXPECT_EQ(outcome_of(SendgridAdapter().build(ok, message_from(no_email, Channel::kEmail), fixed_context())).kind,
            OutcomeKind::kRejected);
}

TEST(SendgridAdapter, OutcomeMapping) {
  SendgridAdapter adapter;
  const auto sent = adapter.parse(response(202, "", {{"x-message-id", "abc"}}));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "abc");
  EXPECT_EQ(adapter.parse(response(401, R"({"errors":[{"message":"bad key"}]})")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(429, "", {{"retry-after", "2"}})).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(503, "")).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(TransportError{TransportErrorKind::kTimeout, "read"}).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(TransportError{TransportErrorKind::kReset, "reset"}).kind, OutcomeKind::kRetryable);
}

// ---------------------------------------------------------------------------------------
// mailgun

const Credentials kMailgun = {{"apiKey", "key-123"}, {"domain", "mg.acme.test"},
                              {"from", "no-reply@acme.test"}, {"senderName", "Acme"}};

// One multipart/form-data part, as Mailgun receives it.
std::string part(const std::string& boundary, const std::string& name, const std::string& value) {
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}

TEST(MailgunAdapter, GoldenRequest) {
  const HttpRequest r = build_one(MailgunAdapter(), kMailgun);
  // sha256("evt-1#0"), first 32 hex digits: deterministic per event.
  const std::string b = "switchboard-387ae3de01d54e7c012ec4f1b09e5609";
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://api.mailgun.net/v3/mg.acme.test/messages");
  EXPECT_EQ(header_of(r, "authorization"), "Basic YXBpOmtleS0xMjM=");  // api:key-123
  EXPECT_EQ(header_of(r, "content-type"), "multipart/form-data; boundary=" + b);
  EXPECT_EQ(r.body, part(b, "from", "Acme <no-reply@acme.test>") + part(b, "to", "ada@example.com") +
                        part(b, "subject", "Hi") + part(b, "text", "text") + part(b, "html", "<p>Hi</p>") +
                        part(b, "v:switchboardEventId", "evt-1") + part(b, "v:transactionId", "txn-9") +
                        part(b, "v:subscriberId", "sub-1") + "--" + b + "--\r\n");
}

TEST(MailgunAdapter, OverridesUserAndEuBaseUrl) {
  const HttpRequest r = build_one(
      MailgunAdapter(),
      with(with(kMailgun, "user", "postmaster@mg.acme.test"), "baseUrl", "https://api.eu.mailgun.net"),
      kEventWithOverrides);
  EXPECT_EQ(r.url, "https://api.eu.mailgun.net/v3/mg.acme.test/messages");
  EXPECT_EQ(header_of(r, "authorization"), "Basic cG9zdG1hc3RlckBtZy5hY21lLnRlc3Q6a2V5LTEyMw==");
  const std::string b = "switchboard-387ae3de01d54e7c012ec4f1b09e5609";
  EXPECT_NE(r.body.find(part(b, "from", "\"Acme, Inc.\" <billing@acme.test>")), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(part(b, "h:Reply-To", "help@acme.test")), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("name=\"text\""), std::string::npos) << "html only: no text part";
}

TEST(MailgunAdapter, BoundaryNeverOccursInAValue) {
  const auto [first_type, first_body] = multipart_form({{"text", "x"}}, "evt-1");
  const std::string boundary = first_type.substr(first_type.find('=') + 1);
  const auto [type, body] = multipart_form({{"text", "a " + boundary + " b"}}, "evt-1");
  EXPECT_NE(type, first_type);
  const std::string other = type.substr(type.find('=') + 1);
  EXPECT_EQ(body, part(other, "text", "a " + boundary + " b") + "--" + other + "--\r\n");
}

TEST(MailgunAdapter, OutcomeMapping) {
  MailgunAdapter adapter;
  const auto sent =
      adapter.parse(response(200, R"({"id":"<20261122100000.1.ABC@mg.acme.test>","message":"Queued. Thank you."})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "<20261122100000.1.ABC@mg.acme.test>");
  const auto bad = adapter.parse(response(400, R"({"message":"'from' parameter is not a valid address."})"));
  EXPECT_EQ(bad.kind, OutcomeKind::kPermanent);
  EXPECT_NE(bad.error.find("not a valid address"), std::string::npos);
  EXPECT_EQ(adapter.parse(response(401, "Forbidden")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(404, R"({"message":"Domain not found"})")).kind, OutcomeKind::kPermanent);
}

// ---------------------------------------------------------------------------------------
// postmark

const Credentials kPostmark = {{"apiKey", "pm-token"}, {"from", "no-reply@acme.test"}, {"senderName", "Acme"}};

TEST(PostmarkAdapter, GoldenRequest) {
  const HttpRequest r = build_one(PostmarkAdapter(), kPostmark);
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://api.postmarkapp.com/email");
  EXPECT_EQ(header_of(r, "x-postmark-server-token"), "pm-token");
  EXPECT_EQ(header_of(r, "accept"), "application/json");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"From":"Acme <no-reply@acme.test>","HtmlBody":"<p>Hi</p>","MessageStream":"outbound",)"
                    R"("Metadata":{"subscriberId":"sub-1","switchboardEventId":"evt-1","transactionId":"txn-9"},)"
                    R"("Subject":"Hi","TextBody":"text","To":"ada@example.com"})");
}

TEST(PostmarkAdapter, OverridesAndLongMetadataLeftOut) {
  const std::string long_id(81, 't');
  const std::string event = R"({"id":"evt-1","transactionId":")" + long_id +
                            R"(","subscriber":{"email":"ada@example.com"},"content":{"subject":"Hi","html":"<p>Hi</p>"},)"
                            R"("overrides":{"from":"billing@acme.test","senderName":"Acme, Inc.","replyTo":"help@acme.test"}})";
  EXPECT_EQ(build_one(PostmarkAdapter(), kPostmark, event).body,
            R"({"From":"\"Acme, Inc.\" <billing@acme.test>","HtmlBody":"<p>Hi</p>","MessageStream":"outbound",)"
            R"("Metadata":{"switchboardEventId":"evt-1"},"ReplyTo":"help@acme.test","Subject":"Hi","To":"ada@example.com"})");
}

TEST(PostmarkAdapter, OutcomeMapping) {
  PostmarkAdapter adapter;
  const auto sent = adapter.parse(response(200, R"({"To":"ada@example.com","SubmittedAt":"2026-11-22T10:00:00Z",)"
                                                R"("MessageID":"b7bc2f4a-e38e-4336-af7d-e6c392c2f817","ErrorCode":0,"Message":"OK"})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "b7bc2f4a-e38e-4336-af7d-e6c392c2f817");
  const auto invalid = adapter.parse(response(422, R"({"ErrorCode":300,"Message":"Invalid 'From' address"})"));
  EXPECT_EQ(invalid.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(invalid.http_status, 422);
  EXPECT_NE(invalid.error.find("\"ErrorCode\":300"), std::string::npos) << invalid.error;
  EXPECT_EQ(adapter.parse(response(422, R"({"ErrorCode":406,"Message":"Inactive recipient"})")).kind,
            OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(401, R"({"ErrorCode":10,"Message":"Bad or missing API token"})")).kind,
            OutcomeKind::kPermanent);
}

// ---------------------------------------------------------------------------------------
// resend

const Credentials kResend = {{"apiKey", "re_key"}, {"from", "no-reply@acme.test"}, {"senderName", "Acme"}};

TEST(ResendAdapter, GoldenRequest) {
  const HttpRequest r = build_one(ResendAdapter(), kResend);
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://api.resend.com/emails");
  EXPECT_EQ(header_of(r, "authorization"), "Bearer re_key");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(header_of(r, "idempotency-key"), "evt-1");
  EXPECT_EQ(r.body, R"({"from":"Acme <no-reply@acme.test>","html":"<p>Hi</p>","subject":"Hi","text":"text",)"
                    R"("to":["ada@example.com"]})");
}

TEST(ResendAdapter, Overrides) {
  EXPECT_EQ(build_one(ResendAdapter(), kResend, kEventWithOverrides).body,
            R"({"from":"\"Acme, Inc.\" <billing@acme.test>","html":"<p>Hi</p>","reply_to":"help@acme.test",)"
            R"("subject":"Hi","to":["ada@example.com"]})");
}

TEST(ResendAdapter, OutcomeMapping) {
  ResendAdapter adapter;
  const auto sent = adapter.parse(response(200, R"({"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794");
  EXPECT_EQ(adapter.parse(response(422, R"({"statusCode":422,"name":"validation_error","message":"x"})")).kind,
            OutcomeKind::kPermanent);
  // The same idempotency key while the first attempt runs: try again later.
  EXPECT_EQ(adapter.parse(response(409, R"({"statusCode":409,"name":"concurrent_idempotent_requests","message":"x"})")).kind,
            OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(409, R"({"statusCode":409,"name":"invalid_idempotent_request","message":"x"})")).kind,
            OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(409, "not json")).kind, OutcomeKind::kPermanent);
}

// ---------------------------------------------------------------------------------------
// mailjet

const Credentials kMailjet = {{"apiKey", "mj-key"}, {"secretKey", "mj-secret"},
                              {"from", "no-reply@acme.test"}, {"senderName", "Acme"}};

TEST(MailjetAdapter, GoldenRequest) {
  const HttpRequest r = build_one(MailjetAdapter(), kMailjet);
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://api.mailjet.com/v3.1/send");
  EXPECT_EQ(header_of(r, "authorization"), "Basic bWota2V5Om1qLXNlY3JldA==");  // mj-key:mj-secret
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"Messages":[{"CustomID":"evt-1","From":{"Email":"no-reply@acme.test","Name":"Acme"},)"
                    R"("HTMLPart":"<p>Hi</p>","Subject":"Hi","TextPart":"text","To":[{"Email":"ada@example.com"}]}]})");
}

TEST(MailjetAdapter, Overrides) {
  EXPECT_EQ(build_one(MailjetAdapter(), kMailjet, kEventWithOverrides).body,
            R"({"Messages":[{"CustomID":"evt-1","From":{"Email":"billing@acme.test","Name":"Acme, Inc."},)"
            R"("HTMLPart":"<p>Hi</p>","ReplyTo":{"Email":"help@acme.test"},"Subject":"Hi",)"
            R"("To":[{"Email":"ada@example.com"}]}]})");
}

TEST(MailjetAdapter, OutcomeMapping) {
  MailjetAdapter adapter;
  const auto sent = adapter.parse(response(
      200, R"({"Messages":[{"Status":"success","CustomID":"evt-1","To":[{"Email":"ada@example.com",)"
           R"("MessageUUID":"1ab23cd4-e567-8901-2345-6789f0a1b2c3","MessageID":576460754655154659,)"
           R"("MessageHref":"https://api.mailjet.com/v3/REST/message/576460754655154659"}],"Cc":[],"Bcc":[]}]})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "576460754655154659");
  const auto error = adapter.parse(response(
      200, R"({"Messages":[{"Status":"error","Errors":[{"ErrorIdentifier":"x","ErrorCode":"mj-0013",)"
           R"("StatusCode":400,"ErrorMessage":"\"bad@\" is an invalid email address.","ErrorRelatedTo":["To[0].Email"]}]}]})"));
  EXPECT_EQ(error.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(error.http_status, 200);
  EXPECT_NE(error.error.find("invalid email address"), std::string::npos) << error.error;
  EXPECT_EQ(adapter.parse(response(400, R"({"Messages":[{"Status":"error","Errors":[]}]})")).kind,
            OutcomeKind::kPermanent);
}

// ---------------------------------------------------------------------------------------
// sparkpost

const Credentials kSparkpost = {{"apiKey", "sp-key"}, {"from", "no-reply@acme.test"}, {"senderName", "Acme"}};

TEST(SparkpostAdapter, GoldenRequest) {
  const HttpRequest r = build_one(SparkpostAdapter(), kSparkpost);
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://api.sparkpost.com/api/v1/transmissions");
  EXPECT_EQ(header_of(r, "authorization"), "sp-key");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"content":{"from":{"email":"no-reply@acme.test","name":"Acme"},"html":"<p>Hi</p>",)"
                    R"("subject":"Hi","text":"text"},)"
                    R"("metadata":{"subscriberId":"sub-1","switchboardEventId":"evt-1","transactionId":"txn-9"},)"
                    R"("recipients":[{"address":{"email":"ada@example.com"}}]})");
}

TEST(SparkpostAdapter, EuRegionAndOverrides) {
  const HttpRequest r = build_one(SparkpostAdapter(), with(kSparkpost, "region", "eu"), kEventWithOverrides);
  EXPECT_EQ(r.url, "https://api.eu.sparkpost.com/api/v1/transmissions");
  EXPECT_EQ(r.body, R"({"content":{"from":{"email":"billing@acme.test","name":"Acme, Inc."},"html":"<p>Hi</p>",)"
                    R"("reply_to":"help@acme.test","subject":"Hi"},)"
                    R"("metadata":{"subscriberId":"sub-1","switchboardEventId":"evt-1"},)"
                    R"("recipients":[{"address":{"email":"ada@example.com"}}]})");
  // baseUrl wins over the region.
  EXPECT_EQ(build_one(SparkpostAdapter(), with(with(kSparkpost, "region", "eu"), "baseUrl", "http://127.0.0.1:9")).url,
            "http://127.0.0.1:9/api/v1/transmissions");
}

TEST(SparkpostAdapter, OutcomeMapping) {
  SparkpostAdapter adapter;
  const auto sent = adapter.parse(response(
      200, R"({"results":{"total_rejected_recipients":0,"total_accepted_recipients":1,"id":"11668787484950529"}})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "11668787484950529");
  const auto none = adapter.parse(response(
      200, R"({"results":{"total_rejected_recipients":1,"total_accepted_recipients":0,"id":"11668787484950530"}})"));
  EXPECT_EQ(none.kind, OutcomeKind::kPermanent);
  EXPECT_NE(none.error.find("1 rejected"), std::string::npos) << none.error;
  EXPECT_EQ(adapter.parse(response(420, R"j({"errors":[{"message":"Exceed Sending Limit (daily)","code":"2102"}]})j")).kind,
            OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(422, R"({"errors":[{"message":"invalid data format/type","code":"1300"}]})")).kind,
            OutcomeKind::kPermanent);
}

// ---------------------------------------------------------------------------------------
// email-webhook

const Credentials kWebhook = {{"webhookUrl", "https://hooks.acme.test/mail"}, {"secretKey", "whsec-1"},
                              {"from", "no-reply@acme.test"}, {"senderName", "Acme"}};

TEST(EmailWebhookAdapter, GoldenRequest) {
  const HttpRequest r = build_one(EmailWebhookAdapter(), kWebhook);
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://hooks.acme.test/mail");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"eventId":"evt-1","from":"no-reply@acme.test","html":"<p>Hi</p>","payload":{},"replyTo":"",)"
                    R"("senderName":"Acme","subject":"Hi","subscriber":{"email":"ada@example.com","subscriberId":"sub-1"},)"
                    R"("text":"text","to":["ada@example.com"],"transactionId":"txn-9"})");
  // hex HMAC-SHA256("whsec-1", body), computed independently (Python's hmac module).
  EXPECT_EQ(header_of(r, "x-switchboard-signature"), "34824e8b08839d31e041b400b4f0b37420ecaa3e612ca14b3882bdc566aca4a3");
}

TEST(EmailWebhookAdapter, BaseUrlStandsInForAMissingWebhookUrl) {
  EXPECT_EQ(build_one(EmailWebhookAdapter(), with(without(kWebhook, "webhookUrl"), "baseUrl", "http://127.0.0.1:9/x")).url,
            "http://127.0.0.1:9/x");
  EXPECT_EQ(build_one(EmailWebhookAdapter(), with(kWebhook, "baseUrl", "http://127.0.0.1:9/x")).url,
            "https://hooks.acme.test/mail");
}

TEST(EmailWebhookAdapter, OutcomeMapping) {
  EmailWebhookAdapter adapter;
  const auto from_body = adapter.parse(response(200, R"({"id":"wh-1"})", {{"x-message-id", "hdr-1"}}));
  EXPECT_EQ(from_body.kind, OutcomeKind::kSent);
  EXPECT_EQ(from_body.provider_message_id, "wh-1");
  const auto from_header = adapter.parse(response(202, "ok", {{"x-message-id", "hdr-1"}}));
  EXPECT_EQ(from_header.kind, OutcomeKind::kSent);
  EXPECT_EQ(from_header.provider_message_id, "hdr-1");
  EXPECT_EQ(adapter.parse(response(204, "")).kind, OutcomeKind::kSent);
  EXPECT_EQ(adapter.parse(response(408, "")).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(response(410, "")).kind, OutcomeKind::kPermanent);
}

}  // namespace
}  // namespace switchboard::providers
