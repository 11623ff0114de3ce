// The sms and SNS adapters end to end over real sockets: adapter → provider → HttpClient →
// `switchboard sink`, which checks each request's shape (Basic auth, SigV4 header shape,
// the generic-sms token) as the provider would and answers like it.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "providers/adapters/http_adapter.h"
#include "providers/adapters/sms_generic.h"
#include "providers/adapters/sms_sns.h"
#include "providers/adapters/sms_twilio.h"
#include "providers/http/http_client.h"
#include "tests/integration/http_test_support.h"
#include "tests/integration/sink_process.h"
#include "tests/unit/adapter_test_support.h"

namespace switchboard::providers {
namespace {

using nlohmann::json;
using providers::testing::integration_with;

const char* kEvent = R"({"id":"evt-sms-1","organizationId":"org-1","environmentId":"env-1","channel":"sms",
  "subscriber":{"subscriberId":"sub-1","phone":"+15555550100"},"content":{"body":"Your code: 1234"}})";

class SmsOverSockets : public ::testing::Test {
 protected:
  SmsOverSockets() : client_(io_) {}

  // Delivers kEvent through `provider` for `integration`; the outcome, or nullopt after 30 s.
  std::optional<DeliveryOutcome> deliver(Provider& provider, const routing::Integration& integration) {
    DeliveryRequest request;
    request.event_json = std::make_shared<const std::string>(kEvent);
    request.event_id = "evt-sms-1";
    request.channel = routing::Channel::kSms;
    request.target = "default";
    request.integration = &integration;
    std::optional<DeliveryOutcome> outcome;
    provider.send(request, [&outcome](DeliveryOutcome o) { outcome.emplace(std::move(o)); });
    integration::run_until(io_, [&outcome] { return outcome.has_value(); });
    return outcome;
  }

  integration::SinkProcess sink_;
  boost::asio::io_context io_;
  HttpClient client_;
};

TEST_F(SmsOverSockets, TwilioAndSnsAreSentThroughTheSink) {
  HttpAdapterProvider twilio(client_, std::make_shared<TwilioAdapter>());
  const auto twilio_integration = integration_with(
      "twilio", routing::Channel::kSms,
      {{"accountSid", "AC0123"}, {"token", "tok"}, {"from", "+15555550111"}, {"baseUrl", sink_.url()}});
  const auto twilio_outcome = deliver(twilio, twilio_integration);
  ASSERT_TRUE(twilio_outcome.has_value());
  EXPECT_EQ(twilio_outcome->kind, OutcomeKind::kSent) << twilio_outcome->error;
  EXPECT_EQ(twilio_outcome->provider_message_id.rfind("SM", 0), 0u) << twilio_outcome->provider_message_id;

  // SigV4 over the baseUrl's host:port (the sink checks the header's shape and scope).
  HttpAdapterProvider sns(client_, std::make_shared<SnsAdapter>());
  const auto sns_integration = integration_with("sns", routing::Channel::kSms,
                                                {{"apiKey", "AKIDEXAMPLE"},
                                                 {"secretKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                                                 {"region", "eu-west-1"},
                                                 {"baseUrl", sink_.url()}});
  const auto sns_outcome = deliver(sns, sns_integration);
  ASSERT_TRUE(sns_outcome.has_value());
  EXPECT_EQ(sns_outcome->kind, OutcomeKind::kSent) << sns_outcome->error;
  EXPECT_EQ(sns_outcome->provider_message_id.size(), 36u) << sns_outcome->provider_message_id;

  const json stats = integration::sink_stats(io_, client_, sink_.url("/_sink/stats"));
  EXPECT_EQ(stats["by_endpoint"].value("twilio", 0), 1) << stats.dump();
  EXPECT_EQ(stats["by_endpoint"].value("sns", 0), 1) << stats.dump();
  EXPECT_EQ(stats["by_status"].value("400", 0), 0) << stats.dump();
}

TEST_F(SmsOverSockets, GenericSmsTokenFlow) {
  GenericSmsProvider provider(client_);
  const auto integration = integration_with("generic-sms", routing::Channel::kSms,
                                            {{"baseUrl", sink_.url("/generic-sms/send")},
                                             {"apiKeyRequestHeader", "X-Api-Key"},
                                             {"apiKey", "k1"},
                                             {"idPath", "data.id"},
                                             {"from", "Acme"},
                                             {"authenticateByToken", "true"},
                                             {"domain", sink_.url("/generic-sms/auth")},
                                             {"authenticationTokenKey", "token"}});
  const auto outcome = deliver(provider, integration);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, OutcomeKind::kSent) << outcome->error;
  EXPECT_EQ(outcome->provider_message_id.rfind("gsms-msg-", 0), 0u) << outcome->provider_message_id;

  const json stats = integration::sink_stats(io_, client_, sink_.url("/_sink/stats"));
  EXPECT_EQ(stats["by_endpoint"].value("generic-sms-auth", 0), 1) << stats.dump();
  EXPECT_EQ(stats["by_endpoint"].value("generic-sms", 0), 1) << stats.dump();
  EXPECT_EQ(stats["by_status"].value("400", 0), 0) << stats.dump();
}

TEST_F(SmsOverSockets, GenericSmsAuthFailureEndsTheDelivery) {
  GenericSmsProvider provider(client_);
  // The auth URL answers without data.<key>: permanent, and no send is attempted.
  const auto integration = integration_with("generic-sms", routing::Channel::kSms,
                                            {{"baseUrl", sink_.url("/generic-sms/send")},
                                             {"apiKeyRequestHeader", "X-Api-Key"},
                                             {"apiKey", "k1"},
                                             {"authenticateByToken", "true"},
                                             {"domain", sink_.url("/generic-sms/auth")},
                                             {"authenticationTokenKey", "accessToken"}});
  const auto outcome = deliver(provider, integration);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, OutcomeKind::kPermanent);
  EXPECT_NE(outcome->error.find("data.accessToken"), std::string::npos) << outcome->error;
  EXPECT_EQ(integration::sink_stats(io_, client_, sink_.url("/_sink/stats"))["by_endpoint"].value("generic-sms", 0), 0);
}

}  // namespace
}  // namespace switchboard::providers
