#include "registry/integration_codec.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace switchboard::registry
