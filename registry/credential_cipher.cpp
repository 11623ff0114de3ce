#include "registry/credential_cipher.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace switchboard::registry {
namespace {

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

constexpr std::string_view kKeyHint = "generate one with: openssl rand -base64 32";

std::string_view trim_ascii(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// The message names the variable and what is wrong with it, never its content.
Result<CredentialCipher::Key> parse_key(std::string_view base64, std::string_view variable) {
  const auto fail = [&](const std::string& what) {
    return Error{kBadSecretKey, std::string(variable) + " " + what +
                                    ": it must be the base64 encoding of exactly 32 random bytes; " +
                                    std::string(kKeyHint)};
  };
  const std::string_view text = trim_ascii(base64);
  if (text.empty()) return fail("is empty");
  auto bytes = base64_decode(text);
  if (!bytes) return fail("is not valid base64");
  if (bytes->size() != CredentialCipher::kKeyBytes) {
    const std::size_t size = bytes->size();
    OPENSSL_cleanse(bytes->data(), bytes->size());
    return fail("decodes to " + std::to_string(size) + " bytes");
  }
  CredentialCipher::Key key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  OPENSSL_cleanse(bytes->data(), bytes->size());
  return key;
}

const unsigned char* bytes_of(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

// EVP lengths are int; credential values are far below that, but a hand-built value must
// not wrap around.
bool fits_int(std::size_t size) { return size < static_cast<std::size_t>(1) << 30; }

Result<std::string> seal(const CredentialCipher::Key& key, std::string_view plaintext, std::string_view associated) {
  const Error failed{kEncryptFailed, "could not encrypt a credential (OpenSSL AES-256-GCM failed)"};
  if (!fits_int(plaintext.size()) || !fits_int(associated.size())) {
    return Error{kEncryptFailed, "could not encrypt a credential: value too large"};
  }
  std::string out(CredentialCipher::kNonceBytes + plaintext.size() + CredentialCipher::kTagBytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  unsigned char* body = nonce + CredentialCipher::kNonceBytes;
  if (RAND_bytes(nonce, static_cast<int>(CredentialCipher::kNonceBytes)) != 1) return failed;

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(CredentialCipher::kNonceBytes),
                          nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce) != 1) {
    return failed;
  }
  if (!associated.empty() &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes_of(associated), static_cast<int>(associated.size())) != 1) {
    return failed;
  }
  int written = 0;
  if (EVP_EncryptUpdate(ctx.get(), body, &length, bytes_of(plaintext), static_cast<int>(plaintext.size())) != 1) {
    return failed;
  }
  written = length;
  if (EVP_EncryptFinal_ex(ctx.get(), body + written, &length) != 1) return failed;
  written += length;
  if (static_cast<std::size_t>(written) != plaintext.size()) return failed;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(CredentialCipher::kTagBytes),
                          body + written) != 1) {
    return failed;
  }
  return std::string(kEncryptedPrefix) + base64_encode(out);
}

// nullopt when the tag does not verify under `key` (wrong key or tampered data).
std::optional<std::string> open(const CredentialCipher::Key& key, std::string_view sealed, std::string_view associated) {
  const std::size_t body_size = sealed.size() - CredentialCipher::kNonceBytes - CredentialCipher::kTagBytes;
  const unsigned char* nonce = bytes_of(sealed);
  const unsigned char* body = nonce + CredentialCipher::kNonceBytes;
  // EVP_CTRL_GCM_SET_TAG takes a non-const pointer; copy the tag rather than cast.
  std::array<unsigned char, CredentialCipher::kTagBytes> tag{};
  std::copy_n(body + body_size, tag.size(), tag.begin());

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(CredentialCipher::kNonceBytes),
                          nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce) != 1) {
    return std::nullopt;
  }
  if (!associated.empty() &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes_of(associated), static_cast<int>(associated.size())) != 1) {
    return std::nullopt;
  }
  std::string plaintext(body_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  if (EVP_DecryptUpdate(ctx.get(), out, &length, body, static_cast<int>(body_size)) != 1) return std::nullopt;
  int written = length;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()), tag.data()) != 1) {
    return std::nullopt;
  }
  // The tag is checked here; on failure the (unauthenticated) plaintext is wiped.
  if (EVP_DecryptFinal_ex(ctx.get(), out + written, &length) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return std::nullopt;
  }
  written += length;
  plaintext.resize(static_cast<std::size_t>(written));
  return plaintext;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  if (bytes.empty()) return out;
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(bytes),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                          c == '/';
    if (c == '=') {
      // Padding only in the last two positions, and nothing but padding after it.
      if (i + 2 < text.size()) return std::nullopt;
      ++padding;
    } else if (!alphabet || padding > 0) {
      return std::nullopt;
    }
  }
  std::string out(text.size() / 4 * 3, '\0');
  if (text.empty()) return out;
  // EVP_DecodeBlock counts padding as zero bytes; strip them afterwards.
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(text),
                                      static_cast<int>(text.size()));
  if (written < 0 || static_cast<std::size_t>(written) < padding) return std::nullopt;
  out.resize(static_cast<std::size_t>(written) - padding);
  return out;
}

CredentialCipher::CredentialCipher(const Key& current, const std::optional<Key>& previous)
    : current_(current), previous_(previous) {}

CredentialCipher::CredentialCipher(CredentialCipher&& other) noexcept
    : current_(other.current_), previous_(other.previous_) {
  OPENSSL_cleanse(other.current_.data(), other.current_.size());
  if (other.previous_) OPENSSL_cleanse(other.previous_->data(), other.previous_->size());
}

CredentialCipher& CredentialCipher::operator=(CredentialCipher&& other) noexcept {
  if (this != &other) {
    current_ = other.current_;
    previous_ = other.previous_;
    OPENSSL_cleanse(other.current_.data(), other.current_.size());
    if (other.previous_) OPENSSL_cleanse(other.previous_->data(), other.previous_->size());
  }
  return *this;
}

CredentialCipher::~CredentialCipher() {
  OPENSSL_cleanse(current_.data(), current_.size());
  if (previous_) OPENSSL_cleanse(previous_->data(), previous_->size());
}

Result<CredentialCipher> CredentialCipher::from_keys(std::string_view current_base64,
                                                     std::string_view previous_base64) {
  auto current = parse_key(current_base64, kSecretKeyEnv);
  if (!current) return current.error();
  std::optional<Key> previous;
  if (!trim_ascii(previous_base64).empty()) {
    auto parsed = parse_key(previous_base64, kPreviousSecretKeyEnv);
    if (!parsed) return parsed.error();
    previous = parsed.value();
  }
  return CredentialCipher(current.value(), previous);
}

Result<CredentialCipher> CredentialCipher::from_environment() {
  const char* current = std::getenv(std::string(kSecretKeyEnv).c_str());
  if (current == nullptr) {
    return Error{kBadSecretKey, std::string(kSecretKeyEnv) +
                                    " is not set: credentials are stored encrypted and need a key; " +
                                    std::string(kKeyHint)};
  }
  const char* previous = std::getenv(std::string(kPreviousSecretKeyEnv).c_str());
  return from_keys(current, previous == nullptr ? std::string_view{} : std::string_view(previous));
}

std::string CredentialCipher::generate_dev_key() {
  Key key{};
  // RAND_bytes fails only when the OS has no entropy source at all: nothing to recover.
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) std::abort();
  std::string text = base64_encode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  OPENSSL_cleanse(key.data(), key.size());
  return text;
}

Result<std::string> CredentialCipher::encrypt(std::string_view plaintext, std::string_view associated) const {
  return seal(current_, plaintext, associated);
}

Result<std::string> CredentialCipher::decrypt(std::string_view stored, std::string_view associated) const {
  const auto malformed = [] {
    return Error{kDecryptFailed, "an encrypted credential is malformed (expected sb1: followed by base64)"};
  };
  if (!is_encrypted(stored)) return malformed();
  stored.remove_prefix(kEncryptedPrefix.size());
  const auto sealed = base64_decode(stored);
  if (!sealed) return malformed();
  if (sealed->size() < kNonceBytes + kTagBytes) {
    return Error{kDecryptFailed, "an encrypted credential is too short to be valid (truncated?)"};
  }
  if (auto plaintext = open(current_, *sealed, associated)) return std::move(*plaintext);
  if (previous_) {
    if (auto plaintext = open(*previous_, *sealed, associated)) return std::move(*plaintext);
  }
  return Error{kDecryptFailed,
               std::string("a credential does not decrypt with ") + std::string(kSecretKeyEnv) +
                   (previous_ ? " or " + std::string(kPreviousSecretKeyEnv) : std::string()) +
                   ": the key differs from the one it was encrypted with, or the stored value was altered"};
}

Result<std::vector<routing::Credential>> CredentialCipher::encrypt(
    const std::vector<routing::Credential>& credentials) const {
  std::vector<routing::Credential> out;
  out.reserve(credentials.size());
  for (const routing::Credential& credential : credentials) {
    auto sealed = encrypt(credential.value, credential.key);
    if (!sealed) return Error{sealed.error().code, "credential " + credential.key + ": " + sealed.error().message};
    out.push_back({credential.key, credential.type, std::move(sealed).value()});
  }
  return out;
}

Result<std::vector<routing::Credential>> CredentialCipher::decrypt(
    const std::vector<routing::Credential>& credentials) const {
  std::vector<routing::Credential> out;
  out.reserve(credentials.size());
  for (const routing::Credential& credential : credentials) {
    auto plaintext = decrypt(credential.value, credential.key);
    if (!plaintext) {
      return Error{plaintext.error().code, "credential " + credential.key + ": " + plaintext.error().message};
    }
    out.push_back({credential.key, credential.type, std::move(plaintext).value()});
  }
  return out;
}

}  // namespace switchboard::registry
