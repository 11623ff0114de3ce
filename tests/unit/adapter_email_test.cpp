// Golden request tests and outcome mapping of the email adapters.
#include <gtest/gtest.h>

#include "providers/adapters/email_sendgrid.h"
#include "tests/unit/adapter_test_support.h"

namespace switchboard::providers {
namespace {

using namespace providers::testing;
using routing::Channel;

const std::string kEvent = R"({"id":"evt-1","organizationId":"org-1","environmentId":"env-1","channel":"email",
  "transactionId":"txn-9","subscriber":{"subscriberId":"sub-1","email":"ada@example.com"},
  "content":{"subject":"Hi","body":"text","html":"<p>Hi</p>"}})";

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

}  // namespace
}  // namespace switchboard::providers
