// FCM's OAuth2 step: service account parsing, the RS256 JWT (verified with the public
// key), the token request and the token answer.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "providers/adapters/push_fcm_auth.h"
#include "tests/unit/adapter_test_support.h"
#include "tests/unit/fcm_test_support.h"

namespace switchboard::providers {
namespace {

using namespace providers::testing;
using routing::Channel;

FcmServiceAccount account_of(const routing::Integration& integration) {
  auto parsed = fcm_service_account(integration);
  if (auto* failure = std::get_if<DeliveryOutcome>(&parsed)) {
    ADD_FAILURE() << failure->error;
    return {};
  }
  return std::get<FcmServiceAccount>(std::move(parsed));
}

std::string failure_of(const std::variant<FcmServiceAccount, DeliveryOutcome>& parsed) {
  const auto* failure = std::get_if<DeliveryOutcome>(&parsed);
  if (failure == nullptr) return "<parsed>";
  EXPECT_EQ(failure->kind, OutcomeKind::kPermanent);
  return failure->error;
}

bool rs256_verifies(const std::string& pem, std::string_view data, std::string_view signature) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
                                                          EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return key && ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

TEST(FcmServiceAccount, ParsesServiceAccountOrLegacyUser) {
  const auto account = account_of(integration_with("fcm", Channel::kPush, {{"serviceAccount", service_account_json()}}));
  EXPECT_EQ(account.project_id, "acme-app");
  EXPECT_EQ(account.client_email, "push@acme-app.iam.gserviceaccount.com");
  EXPECT_EQ(account.private_key, test_rsa_key_pem());
  EXPECT_EQ(account.token_uri, "https://oauth2.googleapis.com/token");
  const auto legacy =
      account_of(integration_with("fcm", Channel::kPush, {{"user", service_account_json("http://127.0.0.1:9/token")}}));
  EXPECT_EQ(legacy.token_uri, "http://127.0.0.1:9/token");
}

TEST(FcmServiceAccount, MissingOrBrokenIsPermanentAndNamesTheField) {
  EXPECT_EQ(failure_of(fcm_service_account(integration_with("fcm", Channel::kPush, {}))),
            "integration \"fcm-main\" (fcm) lacks credentials.serviceAccount");
  EXPECT_EQ(failure_of(fcm_service_account(integration_with("fcm", Channel::kPush, {{"serviceAccount", "{not json"}}))),
            "fcm: credentials.serviceAccount is not a service-account JSON object");
  EXPECT_EQ(failure_of(fcm_service_account(
                integration_with("fcm", Channel::kPush, {{"user", R"({"project_id":"p","client_email":"e"})"}}))),
            "fcm: credentials.user lacks private_key");
}

TEST(FcmJwt, HeaderAndClaimsBytes) {
  const auto account = account_of(integration_with("fcm", Channel::kPush, {{"serviceAccount", service_account_json()}}));
  EXPECT_EQ(fcm_jwt_header(), R"({"alg":"RS256","typ":"JWT"})");
  EXPECT_EQ(fcm_jwt_claims(account, fixed_context().now),
            R"({"aud":"https://oauth2.googleapis.com/token","exp":1795345200,"iat":1795341600,)"
            R"("iss":"push@acme-app.iam.gserviceaccount.com","scope":"https://www.googleapis.com/auth/firebase.messaging"})");
}

TEST(FcmJwt, SignatureVerifiesWithThePublicKey) {
  const auto account = account_of(integration_with("fcm", Channel::kPush, {{"serviceAccount", service_account_json()}}));
  const auto jwt = fcm_jwt(account, fixed_context().now);
  ASSERT_TRUE(std::holds_alternative<std::string>(jwt)) << std::get<DeliveryOutcome>(jwt).error;
  const std::string& token = std::get<std::string>(jwt);
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(token.find_first_of("+/="), std::string::npos);  // base64url without padding
  EXPECT_EQ(base64url_decode(token.substr(0, first)), fcm_jwt_header());
  EXPECT_EQ(base64url_decode(token.substr(first + 1, second - first - 1)), fcm_jwt_claims(account, fixed_context().now));
  const std::string signature = base64url_decode(token.substr(second + 1));
  EXPECT_EQ(signature.size(), 256u);  // RSA-2048
  EXPECT_TRUE(rs256_verifies(test_rsa_key_pem(), std::string_view(token).substr(0, second), signature));
  // The check can fail: other signed bytes do not verify.
  std::string tampered = token.substr(0, second);
  tampered[first + 2] ^= 1;
  EXPECT_FALSE(rs256_verifies(test_rsa_key_pem(), tampered, signature));
}

TEST(FcmJwt, UnusableKeyIsPermanent) {
  FcmServiceAccount account{"p", "e@x", "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n",
                            std::string(kGoogleTokenUri)};
  const auto jwt = fcm_jwt(account, fixed_context().now);
  ASSERT_TRUE(std::holds_alternative<DeliveryOutcome>(jwt));
  EXPECT_EQ(std::get<DeliveryOutcome>(jwt).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(std::get<DeliveryOutcome>(jwt).error.find("nope"), std::string::npos);  // no key material in errors
}

TEST(FcmToken, GoldenRequest) {
  const FcmServiceAccount account{"p", "e@x", "pem", "http://127.0.0.1:9/token"};
  const HttpRequest r = fcm_token_request(account, "aa.bb.cc");
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "http://127.0.0.1:9/token");
  EXPECT_EQ(header_of(r, "content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(r.body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=aa.bb.cc");
}

TEST(FcmToken, AnswerMapping) {
  auto ok = parse_fcm_token_response(response(200, R"({"access_token":"ya29.x","expires_in":3599,"token_type":"Bearer"})"));
  ASSERT_TRUE(std::holds_alternative<FcmAccessToken>(ok));
  EXPECT_EQ(std::get<FcmAccessToken>(ok).value, "ya29.x");
  EXPECT_EQ(std::get<FcmAccessToken>(ok).expires_in, std::chrono::seconds(3599));

  const auto kind = [](const HttpResult& result) {
    const auto parsed = parse_fcm_token_response(result);
    return std::holds_alternative<DeliveryOutcome>(parsed) ? std::get<DeliveryOutcome>(parsed).kind : OutcomeKind::kSent;
  };
  EXPECT_EQ(kind(response(200, R"({"token_type":"Bearer"})")), OutcomeKind::kPermanent);
  EXPECT_EQ(kind(response(400, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})")),
            OutcomeKind::kPermanent);
  EXPECT_EQ(kind(response(401, R"({"error":"invalid_client"})")), OutcomeKind::kPermanent);
  EXPECT_EQ(kind(response(429, "", {{"retry-after", "3"}})), OutcomeKind::kRetryable);
  EXPECT_EQ(kind(response(503, "")), OutcomeKind::kRetryable);
  EXPECT_EQ(kind(TransportError{TransportErrorKind::kTimeout, "read"}), OutcomeKind::kRetryable);
  EXPECT_EQ(kind(TransportError{TransportErrorKind::kReset, "reset"}), OutcomeKind::kRetryable);
}

}  // namespace
}  // namespace switchboard::providers
