// The email adapters end to end over real sockets: adapter → HttpAdapterProvider →
// HttpClient (TLS, verified against the sink's certificate) → `switchboard sink`, which
// checks each request's shape as the provider would and answers like it.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "providers/adapters/email_mailgun.h"
#include "providers/adapters/email_mailjet.h"
#include "providers/adapters/email_postmark.h"
#include "providers/adapters/email_resend.h"
#include "providers/adapters/email_sendgrid.h"
#include "providers/adapters/email_sparkpost.h"
#include "providers/adapters/email_webhook.h"
#include "providers/http/http_client.h"
#include "tests/integration/http_test_support.h"
#include "tests/integration/sink_process.h"
#include "tests/unit/adapter_test_support.h"

namespace switchboard::providers {
namespace {

using nlohmann::json;
using providers::testing::integration_with;

const char* kEvent = R"({"id":"evt-rt-1","organizationId":"org-1","environmentId":"env-1","channel":"email",
  "transactionId":"txn-rt","subscriber":{"subscriberId":"sub-1","email":"ada@example.com"},
  "content":{"subject":"Hi","body":"text","html":"<p>Hi</p>"},"overrides":{"replyTo":"help@acme.test"}})";

TEST(EmailAdaptersOverSockets, EveryAdapterIsSentThroughTheSink) {
  integration::SinkProcess sink;
  boost::asio::io_context io;
  HttpClientOptions options;
  options.ca_file = sink.cert();
  HttpClient client(io, options);

  const std::string base = sink.tls_url();
  const std::vector<std::pair<std::string, std::string>> sender = {{"from", "no-reply@acme.test"},
                                                                   {"senderName", "Acme, Inc."}};
  struct Case {
    std::shared_ptr<const HttpAdapter> adapter;
    std::vector<std::pair<std::string, std::string>> credentials;
  };
  std::vector<Case> cases = {
      {std::make_shared<SendgridAdapter>(), {{"apiKey", "SG.key"}, {"baseUrl", base}}},
      {std::make_shared<MailgunAdapter>(), {{"apiKey", "key-1"}, {"domain", "mg.acme.test"}, {"baseUrl", base}}},
      {std::make_shared<PostmarkAdapter>(), {{"apiKey", "pm-token"}, {"baseUrl", base}}},
      {std::make_shared<ResendAdapter>(), {{"apiKey", "re_key"}, {"baseUrl", base}}},
      {std::make_shared<MailjetAdapter>(), {{"apiKey", "mj-key"}, {"secretKey", "mj-secret"}, {"baseUrl", base}}},
      {std::make_shared<SparkpostAdapter>(), {{"apiKey", "sp-key"}, {"region", "eu"}, {"baseUrl", base}}},
      {std::make_shared<EmailWebhookAdapter>(),
       {{"webhookUrl", sink.tls_url("/email-webhook/acme")}, {"secretKey", "whsec-1"}}},
  };

  for (Case& c : cases) {
    const std::string id(c.adapter->provider_id());
    SCOPED_TRACE(id);
    c.credentials.insert(c.credentials.end(), sender.begin(), sender.end());
    const routing::Integration integration = integration_with(id, routing::Channel::kEmail, c.credentials);
    DeliveryRequest request;
    request.event_json = std::make_shared<const std::string>(kEvent);
    request.event_id = "evt-rt-1";
    request.channel = routing::Channel::kEmail;
    request.target = "default";
    request.integration = &integration;

    HttpAdapterProvider provider(client, c.adapter);
    std::optional<DeliveryOutcome> outcome;
    provider.send(request, [&outcome](DeliveryOutcome o) { outcome.emplace(std::move(o)); });
    ASSERT_TRUE(integration::run_until(io, [&outcome] { return outcome.has_value(); }));
    EXPECT_EQ(outcome->kind, OutcomeKind::kSent) << outcome->error;
    EXPECT_FALSE(outcome->provider_message_id.empty());
  }

  // Each request found its provider's endpoint (not the generic answer), over one kept-alive
  // TLS connection.
  const json body = integration::sink_stats(io, client, sink.tls_url("/_sink/stats"));
  ASSERT_TRUE(body.contains("by_endpoint")) << body.dump();
  for (const char* endpoint : {"sendgrid", "mailgun", "postmark", "resend", "mailjet", "sparkpost", "email-webhook"}) {
    EXPECT_EQ(body["by_endpoint"].value(endpoint, 0), 1) << endpoint << " in " << body.dump();
  }
  EXPECT_EQ(body.value("requests", 0), 7);
  EXPECT_EQ(body["by_status"].value("400", 0), 0) << body.dump();
  EXPECT_EQ(body.value("tls_connections_accepted", 0), 1);
}

}  // namespace
}  // namespace switchboard::providers
