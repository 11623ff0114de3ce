#pragma once
// Encryption of integration credentials at rest: AES-256-GCM (OpenSSL EVP).
//
// A stored value is "sb1:" + base64(nonce[12] || ciphertext || tag[16]); every value gets a
// fresh random nonce, so encrypting the same text twice gives different output. The
// credential's key name is bound in as associated data, so a ciphertext moved to another
// credential key does not decrypt.
//
// Keys: SWITCHBOARD_SECRET_KEY (base64 of exactly 32 bytes) encrypts and decrypts;
// SWITCHBOARD_SECRET_KEY_PREVIOUS, when set, is also tried for decryption, so a key can be
// rotated without a migration step (values are re-encrypted with the current key the next
// time their integration is written).
//
// Errors never contain a credential value or a key. Thread-safety: a constructed cipher is
// immutable; every const member may be called from any thread. Nothing blocks.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/integration.h"
#include "routing/result.h"

namespace switchboard::registry {

// Error codes (Error::code) of the cipher.
inline constexpr const char* kBadSecretKey = "bad_secret_key";      // key missing or malformed
inline constexpr const char* kDecryptFailed = "decrypt_failed";     // wrong key, tampered or malformed value
inline constexpr const char* kEncryptFailed = "encrypt_failed";     // OpenSSL refused (not expected)

inline constexpr std::string_view kSecretKeyEnv = "SWITCHBOARD_SECRET_KEY";
inline constexpr std::string_view kPreviousSecretKeyEnv = "SWITCHBOARD_SECRET_KEY_PREVIOUS";
inline constexpr std::string_view kEncryptedPrefix = "sb1:";

class CredentialCipher {
 public:
  static constexpr std::size_t kKeyBytes = 32;
  static constexpr std::size_t kNonceBytes = 12;
  static constexpr std::size_t kTagBytes = 16;
  using Key = std::array<unsigned char, kKeyBytes>;

  // From base64 key text (surrounding ASCII whitespace ignored, so the output of
  // `openssl rand -base64 32` works as is). `previous` is empty when there is none. The
  // error says which variable is wrong and how to generate a key.
  static Result<CredentialCipher> from_keys(std::string_view current_base64, std::string_view previous_base64 = {});
  // From SWITCHBOARD_SECRET_KEY and SWITCHBOARD_SECRET_KEY_PREVIOUS (getenv). An unset
  // SWITCHBOARD_SECRET_KEY is an error (kBadSecretKey).
  static Result<CredentialCipher> from_environment();
  // A fresh random key, base64: for the demo and FileStore setups without a configured
  // key. The caller shows it once so the operator can keep it.
  static std::string generate_dev_key();

  CredentialCipher(CredentialCipher&&) noexcept;
  CredentialCipher& operator=(CredentialCipher&&) noexcept;
  CredentialCipher(const CredentialCipher&) = delete;
  CredentialCipher& operator=(const CredentialCipher&) = delete;
  ~CredentialCipher();  // wipes the keys

  bool has_previous_key() const noexcept { return previous_.has_value(); }

  // One value. `associated` is authenticated but not encrypted (the credential key name).
  Result<std::string> encrypt(std::string_view plaintext, std::string_view associated = {}) const;
  // Tries the current key, then the previous one. kDecryptFailed when neither opens it.
  Result<std::string> decrypt(std::string_view stored, std::string_view associated = {}) const;

  // Every credential's value, whatever its type; key and type stay as they are.
  Result<std::vector<routing::Credential>> encrypt(const std::vector<routing::Credential>& credentials) const;
  // The inverse. The error names the credential key, never its value.
  Result<std::vector<routing::Credential>> decrypt(const std::vector<routing::Credential>& credentials) const;

  // True when `value` has the stored form's prefix (it may still fail to decrypt).
  static bool is_encrypted(std::string_view value) noexcept { return value.starts_with(kEncryptedPrefix); }

 private:
  explicit CredentialCipher(const Key& current, const std::optional<Key>& previous);

  Key current_{};
  std::optional<Key> previous_;
};

// Base64 (standard alphabet, padded). Decoding is strict: nullopt on any other character,
// a length that is not a multiple of 4 or misplaced padding.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace switchboard::registry
