// append_integration_json writes exactly what dumping routing::integration_to_json writes.

#include "worker/api/integration_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "routing/integration_json.h"

namespace switchboard::api {
namespace {

using Json = nlohmann::ordered_json;
using routing::Credential;
using routing::Integration;

std::string reference(const Integration& integration, bool include_credentials) {
  return routing::integration_to_json(integration, include_credentials)
      .dump(-1, ' ', false, Json::error_handler_t::replace);
}

void expect_same_text(const Integration& integration) {
  for (const bool include_credentials : {false, true}) {
    std::string out = "prefix:";
    append_integration_json(out, integration, include_credentials);
    EXPECT_EQ(out, "prefix:" + reference(integration, include_credentials));
  }
}

Integration parse(std::string_view text) {
  routing::ValidationErrors errors;
  auto integration = routing::integration_from_json(Json::parse(text), "", {}, errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors.front().path + ": " + errors.front().message);
  return integration.value_or(Integration{});
}

TEST(ApiIntegrationWriter, WritesWhatIntegrationToJsonDumps) {
  const std::vector<Integration> integrations = {
      parse(R"({"_id":"5f0c","_environmentId":"env-load","_organizationId":"org-load","name":"Load test",
        "identifier":"load-1","providerId":"slack","channel":"chat",
        "credentials":{"webhookUrl":"https://hooks.example.test/load"},"active":true,"deleted":false,
        "primary":false,"priority":1,"createdAt":"2026-11-28T10:00:00.123Z","updatedAt":"2026-11-28T10:00:00.123Z"})"),
      parse(R"({"_id":"int_2","_environmentId":"env_1","_organizationId":"org_1",
        "name":"Acme \"mail\" \\ / caf\u00e9 \ud83d\ude00 \u0001\u001f\u007f tab\t line\n\r\b\f","identifier":"acme",
        "providerId":"sendgrid","channel":"email",
        "credentials":{"apiKey":"SG.k\"ey\\","secure":true,"requireTls":false,
                       "tlsOptions":{"rejectUnauthorized":false,"ciphers":[],"n":{"x":1.5}}},
        "configurations":{"inboundWebhookEnabled":false,"inboundWebhookSigningKey":"whsec",
                          "rateLimit":{"perSecond":0.1,"burst":10}},
        "active":false,"deleted":true,"deletedAt":"2026-11-28T11:00:00Z","deletedBy":"apikey:abc",
        "primary":false,"priority":-9223372036854775808,"createdAt":"2026-11-28T10:00:00Z"})"),
      parse(R"({"_id":"int_3","_environmentId":"e","_organizationId":"o","name":"","identifier":"a",
        "providerId":"custom-agent","kind":"agent","credentials":{},"configurations":{},
        "active":true,"deleted":false,"primary":false,"priority":9223372036854775807})"),
      parse(R"({"_id":"int_4","_environmentId":"e","_organizationId":"o","name":"T","identifier":"tw",
        "providerId":"twilio","channel":"sms","configurations":{"rateLimit":{"perSecond":3,"burst":1}},
        "active":true,"deleted":false,"primary":true,"priority":0,"updatedAt":"2026-11-28T10:00:00.1000Z"})"),
      parse(R"({"_id":"int_5","_environmentId":"e","_organizationId":"o","name":"C","identifier":"c",
        "providerId":"sendgrid","channel":"email","active":true,"deleted":false,"primary":false,
        "conditions":[{"isNegated":false,"value":"AND","children":[{"field":"tier","operator":"EQUAL","value":"gold","on":"subscriber"}]}]})"),
  };
  for (const Integration& integration : integrations) expect_same_text(integration);

  // What only a hand-built Integration holds.
  Integration odd = integrations[1];
  odd.id.clear();
  odd.name = "bad \xc3( utf-8 \xff";
  odd.credentials->push_back({"tlsOptions", Credential::Type::kObject, "not json"});
  odd.credentials->push_back({"secure", Credential::Type::kBool, "maybe"});
  odd.configurations->rate_limit = routing::RateLimit{1e300, 1};
  expect_same_text(odd);  // a duplicate credential key: through integration_to_json
  odd.credentials->erase(odd.credentials->begin() + 2);  // the first tlsOptions
  odd.credentials->erase(odd.credentials->begin() + 1);  // the first secure
  expect_same_text(odd);
  odd.configurations->rate_limit = routing::RateLimit{1.0 / 3.0, std::numeric_limits<std::int64_t>::max()};
  odd.configurations->inbound_webhook_enabled.reset();
  expect_same_text(odd);
}

TEST(ApiIntegrationWriter, RandomStringsAreEscapedLikeNlohmann) {
  std::mt19937 rng(20261128);
  std::uniform_int_distribution<int> length(0, 12);
  std::uniform_int_distribution<int> byte(0, 255);
  std::bernoulli_distribution ascii(0.7);
  const auto random_text = [&] {
    std::string text;
    for (int i = length(rng); i > 0; --i) {
      text.push_back(static_cast<char>(ascii(rng) ? byte(rng) % 128 : byte(rng)));
    }
    return text;
  };
  Integration integration = parse(R"({"_id":"x","_environmentId":"e","_organizationId":"o","name":"n",
    "identifier":"i","providerId":"sendgrid","channel":"email","credentials":{"apiKey":"k"},
    "configurations":{"inboundWebhookSigningKey":"s"},"active":true,"deleted":false,"primary":false})");
  for (int i = 0; i < 2000; ++i) {
    integration.name = random_text();
    integration.identifier = random_text();
    integration.credentials->front().value = random_text();
    integration.credentials->front().key = random_text();
    integration.configurations->inbound_webhook_signing_key = random_text();
    integration.deleted_by = random_text();
    expect_same_text(integration);
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace switchboard::api
