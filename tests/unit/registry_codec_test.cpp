#include "registry/integration_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "registry/integration_store.h"
#include "routing/integration_json.h"

namespace switchboard::registry {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kKeyA = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";
constexpr std::string_view kKeyB = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

routing::Integration sample() {
  const Json json = Json::parse(R"({
    "_id": "int_1", "_environmentId": "env_1", "_organizationId": "org_1", "name": "SendGrid",
    "identifier": "sg", "providerId": "sendgrid", "channel": "email",
    "credentials": {"apiKey": "SG.very-secret", "secure": true, "requireTls": false,
                    "tlsOptions": {"rejectUnauthorized": false, "ciphers": [], "nested": {}}},
    "configurations": {"inboundWebhookEnabled": true, "inboundWebhookSigningKey": "whsec_1"},
    "active": true, "deleted": false, "primary": true, "priority": 3,
    "createdAt": "2026-11-22T10:00:00Z",
    "conditions": [{"isNegated": false, "value": "AND", "children": []}]
  })");
  routing::ValidationErrors errors;
  auto integration = routing::integration_from_json(json, "", {}, errors);
  EXPECT_TRUE(errors.empty());
  return *integration;
}

CredentialCipher cipher(std::string_view key) { return CredentialCipher::from_keys(key).value(); }

TEST(RegistryCodec, WithoutCipherItIsTheWireFormat) {
  const auto integration = sample();
  const auto encoded = encode_integration(integration, nullptr);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(encoded.value(), routing::integration_to_json(integration, true));
  const auto decoded = decode_integration(encoded.value(), nullptr, "test");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value(), integration);
}

TEST(RegistryCodec, EncryptsEveryCredentialAndRoundTripsExactly) {
  const auto integration = sample();
  const auto c = cipher(kKeyA);
  const auto encoded = encode_integration(integration, &c);
  ASSERT_TRUE(encoded.ok());
  const std::string text = encoded.value().dump();
  EXPECT_EQ(text.find("SG.very-secret"), std::string::npos);
  EXPECT_EQ(text.find("rejectUnauthorized"), std::string::npos);
  for (const auto& [key, value] : encoded.value()["credentials"].items()) {
    ASSERT_TRUE(value.is_string()) << key;
    EXPECT_TRUE(value.get<std::string>().starts_with("sb1:")) << key;
  }
  // Everything else stays readable.
  EXPECT_EQ(encoded.value()["identifier"], "sg");
  EXPECT_EQ(encoded.value()["configurations"]["inboundWebhookSigningKey"], "whsec_1");

  const auto decoded = decode_integration(encoded.value(), &c, "test");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value(), integration);
  // Empty arrays and objects inside tlsOptions survive (no lossy re-encoding anywhere).
  EXPECT_EQ(decoded.value().find_credential("tlsOptions")->value,
            R"({"rejectUnauthorized":false,"ciphers":[],"nested":{}})");
}

TEST(RegistryCodec, PlainValuesAreAcceptedWhenACipherIsGiven) {
  const auto integration = sample();
  const auto c = cipher(kKeyA);
  const auto decoded = decode_integration(routing::integration_to_json(integration, true), &c, "test");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value(), integration);
}

TEST(RegistryCodec, WrongKeyFailsClearlyWithoutTheValue) {
  const auto a = cipher(kKeyA);
  const auto b = cipher(kKeyB);
  const auto encoded = encode_integration(sample(), &a);
  ASSERT_TRUE(encoded.ok());
  const auto decoded = decode_integration(encoded.value(), &b, "redis hash sb:env:org_1:env_1 field int_1");
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, kDecryptFailed);
  EXPECT_NE(decoded.error().message.find("sb:env:org_1:env_1 field int_1"), std::string::npos);
  EXPECT_NE(decoded.error().message.find("apiKey"), std::string::npos);
  EXPECT_EQ(decoded.error().message.find("SG.very-secret"), std::string::npos);
  EXPECT_EQ(decoded.error().message.find("sb1:"), std::string::npos);
}

TEST(RegistryCodec, EncryptedWithoutCipherSaysWhichKeyIsMissing) {
  const auto a = cipher(kKeyA);
  const auto encoded = encode_integration(sample(), &a);
  const auto decoded = decode_integration(encoded.value(), nullptr, "file.json [0]");
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, kDecryptFailed);
  EXPECT_NE(decoded.error().message.find("SWITCHBOARD_SECRET_KEY"), std::string::npos);
}

TEST(RegistryCodec, InvalidDocumentsAreCorruptAndNamed) {
  const auto decoded = decode_integration(Json::parse(R"({"_id": "x", "channel": "fax"})"), nullptr, "where-1");
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, kCorrupt);
  EXPECT_NE(decoded.error().message.find("where-1"), std::string::npos);
  EXPECT_NE(decoded.error().message.find("channel"), std::string::npos);
  const auto not_object = decode_integration(Json::array(), nullptr, "where-2");
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.error().code, kCorrupt);
}

// ---- the fast read path (decode_stored_fast) -------------------------------------------------

routing::Integration parse_integration(std::string_view text) {
  routing::ValidationErrors errors;
  auto integration = routing::integration_from_json(Json::parse(text), "", {}, errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors.front().path + ": " + errors.front().message);
  return integration.value_or(routing::Integration{});
}

// Integrations as the API stores them: no conditions, no object credentials.
std::vector<routing::Integration> fast_samples() {
  return {
      // What bench/api_load.sh creates.
      parse_integration(R"({"_id":"5f0c0e1a2b3c4d5e6f708192","_environmentId":"env-load","_organizationId":"org-load",
        "name":"Load test","identifier":"load-1","providerId":"slack","channel":"chat",
        "credentials":{"webhookUrl":"https://hooks.example.test/load"},"active":true,"deleted":false,
        "primary":false,"priority":1,"createdAt":"2026-11-28T10:00:00.123Z","updatedAt":"2026-11-28T10:00:00.123Z"})"),
      // Every optional member, escapes and non-ASCII text.
      parse_integration(R"({"_id":"int_2","_environmentId":"env_1","_organizationId":"org_1",
        "name":"Acme \"mail\" \\ / caf\u00e9 \ud83d\ude00 \u0001 tab\t line\n","identifier":"acme-mail",
        "providerId":"sendgrid","channel":"email",
        "credentials":{"apiKey":"SG.k\"ey\\","secure":true,"requireTls":false,"from":"a@acme.test"},
        "configurations":{"inboundWebhookEnabled":false,"inboundWebhookSigningKey":"whsec_\u00e9",
                          "rateLimit":{"perSecond":2.5,"burst":10}},
        "active":false,"deleted":true,"deletedAt":"2026-11-28T11:00:00Z","deletedBy":"apikey:abc",
        "primary":false,"priority":-7,"createdAt":"2026-11-28T10:00:00Z","updatedAt":"2026-11-28T10:00:00.120Z"})"),
      // An agent without a channel, empty credentials and configurations, no timestamps.
      parse_integration(R"({"_id":"int_3","_environmentId":"env_1","_organizationId":"org_1","name":"",
        "identifier":"agent-1","providerId":"custom-agent","kind":"agent","credentials":{},"configurations":{},
        "active":true,"deleted":false,"primary":false,"priority":0})"),
      // Only a rate limit (integer perSecond), no credentials at all.
      parse_integration(R"({"_id":"int_4","_environmentId":"env_1","_organizationId":"org_1","name":"Twilio",
        "identifier":"tw","providerId":"twilio","channel":"sms","configurations":{"rateLimit":{"perSecond":3,"burst":1}},
        "active":true,"deleted":false,"primary":true,"priority":9223372036854775807})"),
  };
}

std::string stored_text(const routing::Integration& integration, const CredentialCipher* c) {
  return encode_integration(integration, c).value().dump(-1, ' ', false, Json::error_handler_t::replace);
}

// decode_integration and the fast path agree exactly, timestamps included.
void expect_same(const routing::Integration& a, const routing::Integration& b, const std::string& context) {
  EXPECT_EQ(a, b) << context;
  for (const auto& [x, y] : {std::pair{&a.created_at, &b.created_at}, std::pair{&a.updated_at, &b.updated_at}}) {
    ASSERT_EQ(x->has_value(), y->has_value()) << context;
    if (*x) {
      EXPECT_EQ((*x)->epoch_seconds, (*y)->epoch_seconds) << context;
      EXPECT_EQ((*x)->fraction, (*y)->fraction) << context;
    }
  }
}

// Whatever the text, the fast path either declines or returns what decode_integration
// returns, and decode_stored_integration answers exactly as decode_integration does.
void expect_fast_agrees(const std::string& text, const CredentialCipher* c, bool with_credentials) {
  const auto full = decode_integration(Json::parse(text, nullptr, false), c, "where", with_credentials);
  const auto fast = decode_stored_fast(text, c, with_credentials);
  if (fast) {
    ASSERT_TRUE(full.ok()) << "fast path accepted what the validator refuses: " << text << "\n"
                           << full.error().message;
    expect_same(*fast, full.value(), text);
  }
  const auto stored = decode_stored_integration(text, c, "where", with_credentials);
  ASSERT_EQ(stored.ok(), full.ok()) << text;
  if (stored.ok()) {
    expect_same(stored.value(), full.value(), text);
  } else {
    EXPECT_EQ(stored.error().code, full.error().code) << text;
    EXPECT_EQ(stored.error().message, full.error().message) << text;
  }
  if (!with_credentials && stored.ok()) {
    EXPECT_FALSE(stored.value().credentials.has_value()) << text;
  }
}

TEST(RegistryCodec, FastPathDecodesWhatTheStoresWrite) {
  const auto c = cipher(kKeyA);
  for (const auto& integration : fast_samples()) {
    for (const CredentialCipher* used : {static_cast<const CredentialCipher*>(nullptr), &c}) {
      const std::string text = stored_text(integration, used);
      const auto fast = decode_stored_fast(text, used);
      ASSERT_TRUE(fast.has_value()) << text;
      expect_same(*fast, integration, text);
      expect_fast_agrees(text, used, true);
      expect_fast_agrees(text, used, false);
    }
  }
}

TEST(RegistryCodec, WithoutCredentialsNothingIsDecryptedOrReturned) {
  const auto a = cipher(kKeyA);
  const auto b = cipher(kKeyB);
  for (const auto& integration : fast_samples()) {
    const std::string text = stored_text(integration, &a);
    routing::Integration expected = integration;
    expected.credentials.reset();
    // No cipher, or the wrong one: the credentials are not needed, so the read works.
    for (const CredentialCipher* used : {static_cast<const CredentialCipher*>(nullptr), &a, &b}) {
      const auto fast = decode_stored_fast(text, used, false);
      ASSERT_TRUE(fast.has_value()) << text;
      expect_same(*fast, expected, text);
      const auto full = decode_integration(Json::parse(text), used, "where", false);
      ASSERT_TRUE(full.ok()) << full.error().message;
      expect_same(full.value(), expected, text);
    }
    // With credentials, a wrong key still fails (and the fast path declines).
    if (integration.credentials && !integration.credentials->empty()) {
      EXPECT_FALSE(decode_stored_fast(text, &b, true).has_value());
      const auto wrong = decode_stored_integration(text, &b, "where", true);
      ASSERT_FALSE(wrong.ok());
      EXPECT_EQ(wrong.error().code, kDecryptFailed);
    }
  }
  // The full path with encrypted values: absent too, and unknown keys are still corrupt.
  Json document = encode_integration(sample(), &a).value();
  const auto full = decode_integration(document, nullptr, "where", false);
  ASSERT_TRUE(full.ok()) << full.error().message;
  EXPECT_FALSE(full.value().credentials.has_value());
  document["credentials"]["notAKey"] = a.encrypt("x", "notAKey").value();
  const auto unknown = decode_integration(document, nullptr, "where", false);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, kCorrupt);
  EXPECT_NE(unknown.error().message.find("notAKey"), std::string::npos);
}

TEST(RegistryCodec, FastPathLeavesEverythingElseToTheValidator) {
  const auto c = cipher(kKeyA);
  // Conditions and object credentials (the sample has both), other writers' layouts.
  const std::string with_conditions = stored_text(sample(), &c);
  EXPECT_FALSE(decode_stored_fast(with_conditions, &c).has_value());
  const auto decoded = decode_stored_integration(with_conditions, &c, "where");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value(), sample());

  const std::string text = stored_text(fast_samples()[1], &c);
  const std::string pretty = encode_integration(fast_samples()[1], &c).value().dump(2);
  EXPECT_FALSE(decode_stored_fast(pretty, &c).has_value());
  expect_fast_agrees(pretty, &c, true);
  const std::string reordered = nlohmann::json::parse(text).dump();  // nlohmann::json sorts members
  EXPECT_FALSE(decode_stored_fast(reordered, &c).has_value());
  expect_fast_agrees(reordered, &c, true);

  // Documents that break a rule of the validator: declined, and the validator says why.
  const std::string bench = stored_text(fast_samples()[0], &c);
  const auto replaced = [&](std::string_view from, std::string_view to) {
    std::string out = bench;
    const auto at = out.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return out.replace(at, from.size(), to);
  };
  for (const std::string& bad :
       {replaced(R"("_id":"5f0c0e1a2b3c4d5e6f708192")", R"("_id":"")"), replaced(R"("channel":"chat")", R"("channel":"fax")"),
        replaced(R"("channel":"chat")", R"("channel":"email")"), replaced(R"("providerId":"slack")", R"("providerId":"")"),
        replaced(R"("kind":"delivery")", R"("kind":"robot")"), replaced(R"(,"channel":"chat")", ""),
        replaced(R"("priority":1)", R"("priority":1.5)"), replaced(R"("priority":1)", R"("priority":1.0)"),
        replaced(R"("priority":1)", R"("priority":"1")"), replaced(R"("priority":1)", R"("priority":01)"),
        replaced(R"("priority":1)", R"("priority":99999999999999999999)"),
        replaced(R"("active":true)", R"("active":1)"), replaced("2026-11-28T10:00:00.123Z", "2026-13-28T10:00:00Z"),
        replaced(R"("webhookUrl")", R"("webhookURL")"), replaced(R"("identifier":"load-1")", R"("identifier":null)"),
        replaced(R"("conditions":[])", R"("conditions":{})"), replaced("}", "},"), bench + " ", bench + "x",
        replaced("Load test", "Load\x01test"), replaced("Load test", "Load\xc3(test"),
        replaced("Load test", R"(Load\ud83dtest)"), replaced("Load test", R"(Load\qtest)")}) {
    EXPECT_FALSE(decode_stored_fast(bad, &c).has_value()) << bad;
    expect_fast_agrees(bad, &c, true);
    expect_fast_agrees(bad, &c, false);
  }
}

// Every one-character damage of stored documents: the fast path never accepts what the
// validator refuses, and never answers differently.
TEST(RegistryCodec, FastPathAgreesWithTheValidatorOnDamagedDocuments) {
  const auto c = cipher(kKeyA);
  const std::string replacements[] = {"", "\"", "\\", ",", "}", " ", "x", "0", ".", "\x80", "\xc3\xa9"};
  for (const auto& integration : fast_samples()) {
    for (const CredentialCipher* used : {static_cast<const CredentialCipher*>(nullptr), &c}) {
      const std::string text = stored_text(integration, used);
      for (std::size_t i = 0; i < text.size(); ++i) {
        for (const std::string& with : replacements) {
          std::string damaged = text;
          damaged.replace(i, 1, with);
          expect_fast_agrees(damaged, used, true);
          expect_fast_agrees(damaged, used, false);
          if (::testing::Test::HasFatalFailure()) return;
        }
      }
    }
  }
}

}  // namespace
}  // namespace switchboard::registry
