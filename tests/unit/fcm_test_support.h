#pragma once
// FCM test material: an RSA key generated once per test process (no key is checked in),
// a service-account JSON around it, and base64url decoding to read JWTs back.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace switchboard::providers::testing {

// PKCS#8 PEM ("BEGIN PRIVATE KEY"), as Google's service-account files carry it.
inline const std::string& test_rsa_key_pem() {
  static const std::string pem = [] {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!key || !bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      throw std::runtime_error("cannot generate the test RSA key");
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
  }();
  return pem;
}

inline std::string service_account_json(const std::string& token_uri = {}) {
  nlohmann::json account = {{"type", "service_account"},
                            {"project_id", "acme-app"},
                            {"private_key_id", "k1"},
                            {"private_key", test_rsa_key_pem()},
                            {"client_email", "push@acme-app.iam.gserviceaccount.com"}};
  if (!token_uri.empty()) account["token_uri"] = token_uri;
  return account.dump();
}

inline std::string base64url_decode(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (standard.size() % 4 != 0) standard.push_back('=');
  std::string out(standard.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(standard.data()), static_cast<int>(standard.size()));
  if (n < 0) throw std::runtime_error("bad base64url");
  // EVP_DecodeBlock counts the padding's zero bytes.
  std::size_t padding = 0;
  for (auto it = standard.rbegin(); it != standard.rend() && *it == '='; ++it) ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

}  // namespace switchboard::providers::testing
