#include "providers/adapters/push_fcm_auth.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "providers/adapters/adapter_support.h"

namespace switchboard::providers {
namespace {

using nlohmann::json;

struct BioFree {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

// An encrypted key must fail, not make OpenSSL prompt on the terminal.
int no_passphrase(char*, int, int, void*) { return 0; }

DeliveryOutcome permanent(std::string why) { return DeliveryOutcome::failure(OutcomeKind::kPermanent, std::move(why)); }

std::variant<std::string, DeliveryOutcome> rs256_sign(std::string_view pem, std::string_view data) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  const auto failed = [] {
    ERR_clear_error();  // leave no stale error for the TLS code sharing this thread
    return permanent("fcm: credentials.serviceAccount private_key is not a PEM RSA private key");
  };
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t length = 0;
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA || !ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes, data.size()) != 1) {
    return failed();
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytes, data.size()) != 1) {
    return failed();
  }
  signature.resize(length);
  return signature;
}

}  // namespace

std::variant<FcmServiceAccount, DeliveryOutcome> fcm_service_account(const routing::Integration& integration) {
  std::string_view field = "serviceAccount";
  if (credential(integration, field).empty() && !credential(integration, "user").empty()) field = "user";
  if (auto missing = missing_credentials(integration, {field})) return *missing;
  const std::string where = "fcm: credentials." + std::string(field);
  const json document = json::parse(credential(integration, field), nullptr, false);
  if (!document.is_object()) return permanent(where + " is not a service-account JSON object");
  FcmServiceAccount account;
  for (auto [name, target] : {std::pair{"project_id", &account.project_id}, std::pair{"client_email", &account.client_email},
                              std::pair{"private_key", &account.private_key}}) {
    const auto it = document.find(name);
    if (it == document.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return permanent(where + " lacks " + name);
    }
    *target = it->get<std::string>();
  }
  const auto uri = document.find("token_uri");
  account.token_uri = uri != document.end() && uri->is_string() && !uri->get_ref<const std::string&>().empty()
                          ? uri->get<std::string>()
                          : std::string(kGoogleTokenUri);
  return account;
}

std::string fcm_jwt_header() { return R"({"alg":"RS256","typ":"JWT"})"; }

std::string fcm_jwt_claims(const FcmServiceAccount& account, std::chrono::system_clock::time_point now) {
  const auto iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  // nlohmann orders the keys: aud, exp, iat, iss, scope.
  return json{{"iss", account.client_email},
              {"scope", kFcmScope},
              {"aud", account.token_uri},
              {"iat", iat},
              {"exp", iat + kFcmJwtLifetime.count()}}
      .dump();
}

std::variant<std::string, DeliveryOutcome> fcm_jwt(const FcmServiceAccount& account,
                                                   std::chrono::system_clock::time_point now) {
  std::string signing_input = base64url_encode(fcm_jwt_header());
  signing_input += '.';
  signing_input += base64url_encode(fcm_jwt_claims(account, now));
  auto signature = rs256_sign(account.private_key, signing_input);
  if (auto* failure = std::get_if<DeliveryOutcome>(&signature)) return std::move(*failure);
  signing_input += '.';
  signing_input += base64url_encode(std::get<std::string>(signature));
  return signing_input;
}

HttpRequest fcm_token_request(const FcmServiceAccount& account, std::string_view jwt) {
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = account.token_uri;
  request.headers = {{"content-type", "application/x-www-form-urlencoded"}, {"accept", "application/json"}};
  request.body = form_encode({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"}, {"assertion", std::string(jwt)}});
  return request;
}

std::variant<FcmAccessToken, DeliveryOutcome> parse_fcm_token_response(const HttpResult& result) {
  DeliveryOutcome outcome = outcome_from_http(result);
  if (outcome.kind != OutcomeKind::kSent) {
    outcome.error = "fcm token: " + outcome.error;
    return outcome;
  }
  const json body = json::parse(result.response().body, nullptr, false);
  const auto token = body.find("access_token");
  if (token == body.end() || !token->is_string() || token->get_ref<const std::string&>().empty()) {
    return DeliveryOutcome::failure(OutcomeKind::kPermanent, "fcm token: answer without access_token",
                                    result.response().status);
  }
  const auto expires = body.find("expires_in");
  const bool has_expiry = expires != body.end() && expires->is_number_integer();
  return FcmAccessToken{token->get<std::string>(),
                        std::chrono::seconds(has_expiry ? expires->get<std::int64_t>() : kFcmJwtLifetime.count())};
}

}  // namespace switchboard::providers
