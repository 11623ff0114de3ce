#include "registry/credential_cipher.h"

#include <cstdlib>
#include <set>

#include <gtest/gtest.h>

namespace switchboard::registry {
namespace {

using routing::Credential;

// Two fixed keys (base64 of 32 bytes), as `openssl rand -base64 32` prints them.
constexpr std::string_view kKeyA = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";
constexpr std::string_view kKeyB = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr std::string_view kSecret = "SG.super-secret-api-key";

CredentialCipher cipher(std::string_view current, std::string_view previous = {}) {
  auto made = CredentialCipher::from_keys(current, previous);
  EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
  return std::move(made).value();
}

TEST(RegistryCipher, RoundTripsAValue) {
  const auto c = cipher(kKeyA);
  const auto sealed = c.encrypt(kSecret, "apiKey");
  ASSERT_TRUE(sealed.ok());
  EXPECT_TRUE(sealed.value().starts_with("sb1:"));
  EXPECT_EQ(sealed.value().find(kSecret), std::string::npos);
  const auto opened = c.decrypt(sealed.value(), "apiKey");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened.value(), kSecret);
}

TEST(RegistryCipher, RoundTripsEmptyAndBinaryValues) {
  const auto c = cipher(kKeyA);
  for (const std::string& value : {std::string(), std::string("\0\xff\x01 ok", 6), std::string(10000, 'x')}) {
    const auto sealed = c.encrypt(value);
    ASSERT_TRUE(sealed.ok());
    const auto opened = c.decrypt(sealed.value());
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(opened.value(), value);
  }
}

TEST(RegistryCipher, StoredFormIsPrefixAndBase64OfNonceCiphertextTag) {
  const auto c = cipher(kKeyA);
  const auto sealed = c.encrypt(kSecret);
  ASSERT_TRUE(sealed.ok());
  const auto raw = base64_decode(std::string_view(sealed.value()).substr(4));
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->size(), CredentialCipher::kNonceBytes + kSecret.size() + CredentialCipher::kTagBytes);
}

TEST(RegistryCipher, FreshNonceGivesDifferentCiphertexts) {
  const auto c = cipher(kKeyA);
  std::set<std::string> seen;
  std::set<std::string> nonces;
  for (int i = 0; i < 50; ++i) {
    const auto sealed = c.encrypt(kSecret);
    ASSERT_TRUE(sealed.ok());
    seen.insert(sealed.value());
    nonces.insert(base64_decode(std::string_view(sealed.value()).substr(4))->substr(0, CredentialCipher::kNonceBytes));
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(nonces.size(), 50u);
}

TEST(RegistryCipher, WrongKeyFailsClearlyWithoutTheValue) {
  const auto sealed = cipher(kKeyA).encrypt(kSecret, "apiKey");
  ASSERT_TRUE(sealed.ok());
  const auto opened = cipher(kKeyB).decrypt(sealed.value(), "apiKey");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, kDecryptFailed);
  EXPECT_NE(opened.error().message.find("SWITCHBOARD_SECRET_KEY"), std::string::npos) << opened.error().message;
  EXPECT_EQ(opened.error().message.find(kSecret), std::string::npos);
  EXPECT_EQ(opened.error().message.find(sealed.value()), std::string::npos);
  EXPECT_EQ(opened.error().message.find(kKeyA), std::string::npos);
}

TEST(RegistryCipher, PreviousKeyStillDecrypts) {
  const auto sealed = cipher(kKeyA).encrypt(kSecret, "apiKey");
  ASSERT_TRUE(sealed.ok());
  const auto rotated = cipher(kKeyB, kKeyA);
  EXPECT_TRUE(rotated.has_previous_key());
  const auto opened = rotated.decrypt(sealed.value(), "apiKey");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened.value(), kSecret);
  // New values are sealed with the current key only.
  const auto resealed = rotated.encrypt(kSecret, "apiKey");
  ASSERT_TRUE(resealed.ok());
  EXPECT_TRUE(cipher(kKeyB).decrypt(resealed.value(), "apiKey").ok());
  EXPECT_FALSE(cipher(kKeyA).decrypt(resealed.value(), "apiKey").ok());
}

TEST(RegistryCipher, DetectsTampering) {
  const auto c = cipher(kKeyA);
  const auto sealed = c.encrypt(kSecret, "apiKey");
  ASSERT_TRUE(sealed.ok());
  const std::string raw = *base64_decode(std::string_view(sealed.value()).substr(4));
  // Flip one bit in the nonce, the ciphertext and the tag in turn.
  for (const std::size_t at : {std::size_t{0}, CredentialCipher::kNonceBytes + 2, raw.size() - 1}) {
    std::string changed = raw;
    changed[at] = static_cast<char>(changed[at] ^ 0x01);
    const auto opened = c.decrypt("sb1:" + base64_encode(changed), "apiKey");
    ASSERT_FALSE(opened.ok()) << "byte " << at;
    EXPECT_EQ(opened.error().code, kDecryptFailed);
  }
  // Truncated, not base64, wrong prefix.
  for (const std::string& bad : {"sb1:" + base64_encode(raw.substr(0, 20)), std::string("sb1:***"),
                                std::string("sb2:") + sealed.value().substr(4), std::string(kSecret)}) {
    const auto opened = c.decrypt(bad, "apiKey");
    ASSERT_FALSE(opened.ok()) << bad;
    EXPECT_EQ(opened.error().code, kDecryptFailed);
  }
}

TEST(RegistryCipher, CiphertextIsBoundToItsCredentialKey) {
  const auto c = cipher(kKeyA);
  const auto sealed = c.encrypt(kSecret, "apiKey");
  ASSERT_TRUE(sealed.ok());
  EXPECT_FALSE(c.decrypt(sealed.value(), "from").ok());
}

TEST(RegistryCipher, RejectsBadKeyFormatsWithAHint) {
  const std::string sixteen_bytes = "AAECAwQFBgcICQoLDA0ODw==";
  const std::string thirty_three = base64_encode(std::string(33, 'k'));
  for (const std::string& bad : {std::string(), std::string("   "), std::string("not base64 at all!"),
                                 sixteen_bytes, thirty_three, std::string(kKeyA).substr(0, 43)}) {
    const auto made = CredentialCipher::from_keys(bad);
    ASSERT_FALSE(made.ok()) << bad;
    EXPECT_EQ(made.error().code, kBadSecretKey);
    EXPECT_NE(made.error().message.find("openssl rand -base64 32"), std::string::npos) << made.error().message;
    EXPECT_NE(made.error().message.find("SWITCHBOARD_SECRET_KEY"), std::string::npos);
  }
  const auto bad_previous = CredentialCipher::from_keys(kKeyA, sixteen_bytes);
  ASSERT_FALSE(bad_previous.ok());
  EXPECT_NE(bad_previous.error().message.find("SWITCHBOARD_SECRET_KEY_PREVIOUS"), std::string::npos);
  EXPECT_NE(bad_previous.error().message.find("16 bytes"), std::string::npos);
}

TEST(RegistryCipher, AcceptsTheOutputOfOpensslWithItsNewline) {
  EXPECT_TRUE(CredentialCipher::from_keys(std::string(kKeyA) + "\n").ok());
}

TEST(RegistryCipher, ReadsTheEnvironment) {
  ::unsetenv("SWITCHBOARD_SECRET_KEY");
  ::unsetenv("SWITCHBOARD_SECRET_KEY_PREVIOUS");
  const auto missing = CredentialCipher::from_environment();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, kBadSecretKey);
  EXPECT_NE(missing.error().message.find("openssl rand -base64 32"), std::string::npos);

  ::setenv("SWITCHBOARD_SECRET_KEY", std::string(kKeyB).c_str(), 1);
  ::setenv("SWITCHBOARD_SECRET_KEY_PREVIOUS", std::string(kKeyA).c_str(), 1);
  const auto made = CredentialCipher::from_environment();
  ::unsetenv("SWITCHBOARD_SECRET_KEY");
  ::unsetenv("SWITCHBOARD_SECRET_KEY_PREVIOUS");
  ASSERT_TRUE(made.ok());
  EXPECT_TRUE(made.value().has_previous_key());
}

TEST(RegistryCipher, GeneratedDevKeysAreValidAndDistinct) {
  const std::string a = CredentialCipher::generate_dev_key();
  const std::string b = CredentialCipher::generate_dev_key();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 44u);
  EXPECT_TRUE(CredentialCipher::from_keys(a).ok());
}

TEST(RegistryCipher, EncryptsEveryCredentialValueKeepingKeyAndType) {
  const auto c = cipher(kKeyA);
  const std::vector<Credential> plain = {{"apiKey", Credential::Type::kString, std::string(kSecret)},
                                         {"secure", Credential::Type::kBool, "true"},
                                         {"tlsOptions", Credential::Type::kObject, R"({"ciphers":["a"]})"}};
  const auto sealed = c.encrypt(plain);
  ASSERT_TRUE(sealed.ok());
  ASSERT_EQ(sealed.value().size(), plain.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    EXPECT_EQ(sealed.value()[i].key, plain[i].key);
    EXPECT_EQ(sealed.value()[i].type, plain[i].type);
    EXPECT_TRUE(CredentialCipher::is_encrypted(sealed.value()[i].value));
  }
  const auto opened = c.decrypt(sealed.value());
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened.value(), plain);

  const auto wrong = cipher(kKeyB).decrypt(sealed.value());
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("apiKey"), std::string::npos);
  EXPECT_EQ(wrong.error().message.find(kSecret), std::string::npos);
}

TEST(RegistryBase64, IsStrict) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zm8="), "fo");
  EXPECT_EQ(base64_decode("Zm9v"), "foo");
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_FALSE(base64_decode("Zg=").has_value());
  EXPECT_FALSE(base64_decode("Z=g=").has_value());
  EXPECT_FALSE(base64_decode("====").has_value());
  EXPECT_FALSE(base64_decode("Zm9v\n").has_value());
  EXPECT_FALSE(base64_decode("Zm-v").has_value());
}

}  // namespace
}  // namespace switchboard::registry
