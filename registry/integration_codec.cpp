#include "registry/integration_codec.h"

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "registry/integration_store.h"
#include "routing/integration_json.h"

namespace switchboard::registry {
namespace {

using Json = nlohmann::ordered_json;
using routing::Credential;

// The JSON type of a credential key (CredentialsDto: string, boolean or object), needed to
// put a decrypted value back as the right JSON value. routing keeps its key table private,
// so ask its validator, the one source of truth, with a probe per type, and remember the
// answer (at most the ~50 known keys; unknown keys are not cached).
std::optional<Credential::Type> credential_type(const std::string& key) {
  static std::mutex mutex;
  static std::map<std::string, Credential::Type, std::less<>> cache;
  const std::lock_guard lock(mutex);
  if (const auto it = cache.find(key); it != cache.end()) return it->second;
  for (Json candidate : {Json(""), Json(false), Json::object()}) {
    Json probe = {{"_id", "probe"},       {"_environmentId", "probe"}, {"_organizationId", "probe"},
                  {"name", "probe"},      {"identifier", "probe"},     {"providerId", "probe"},
                  {"kind", "agent"},      {"active", false},           {"deleted", false},
                  {"primary", false}};
    probe["credentials"] = Json::object();
    probe["credentials"][key] = std::move(candidate);
    routing::ValidationErrors errors;
    const auto parsed = routing::integration_from_json(probe, "", {}, errors);
    if (parsed && parsed->credentials && parsed->credentials->size() == 1) {
      const Credential::Type type = parsed->credentials->front().type;
      cache.emplace(key, type);
      return type;
    }
  }
  return std::nullopt;
}

std::string describe_errors(const routing::ValidationErrors& errors) {
  std::string out;
  constexpr std::size_t kShown = 3;
  for (std::size_t i = 0; i < errors.size() && i < kShown; ++i) {
    if (!out.empty()) out += "; ";
    out += (errors[i].path.empty() ? std::string("(document)") : errors[i].path) + ": " + errors[i].message;
  }
  if (errors.size() > kShown) out += "; and " + std::to_string(errors.size() - kShown) + " more";
  return out;
}

// Replaces an encrypted credential value by the decrypted JSON value, in place.
std::optional<Error> decrypt_member(const std::string& key, Json& value, const CredentialCipher* cipher,
                                    std::string_view where) {
  const std::string prefix = std::string(where) + ": credential " + key + ": ";
  if (cipher == nullptr) {
    return Error{kDecryptFailed, prefix + "is encrypted but no " + std::string(kSecretKeyEnv) +
                                     " is configured; set the key it was written with"};
  }
  auto plaintext = cipher->decrypt(value.get_ref<const std::string&>(), key);
  if (!plaintext) return Error{plaintext.error().code, prefix + plaintext.error().message};
  const auto type = credential_type(key);
  if (!type) return Error{kCorrupt, prefix + "unknown credential key"};
  switch (*type) {
    case Credential::Type::kString:
      value = std::move(plaintext).value();
      return std::nullopt;
    case Credential::Type::kBool:
      if (plaintext.value() != "true" && plaintext.value() != "false") break;
      value = plaintext.value() == "true";
      return std::nullopt;
    case Credential::Type::kObject: {
      Json object = Json::parse(plaintext.value(), nullptr, false);
      if (object.is_discarded() || !object.is_object()) break;
      value = std::move(object);
      return std::nullopt;
    }
  }
  return Error{kCorrupt, prefix + "decrypted value does not have the key's type"};
}

}  // namespace

Result<Json> encode_integration(const routing::Integration& integration, const CredentialCipher* cipher) {
  Json document = routing::integration_to_json(integration, true);
  if (cipher == nullptr || !integration.credentials) return document;
  Json& credentials = document["credentials"];
  for (const Credential& credential : *integration.credentials) {
    auto sealed = cipher->encrypt(credential.value, credential.key);
    if (!sealed) {
      return Error{sealed.error().code,
                   "integration " + integration.id + ", credential " + credential.key + ": " + sealed.error().message};
    }
    credentials[credential.key] = std::move(sealed).value();
  }
  return document;
}

Result<routing::Integration> decode_integration(Json document, const CredentialCipher* cipher, std::string_view where) {
  if (!document.is_object()) {
    return Error{kCorrupt, std::string(where) + ": stored integration is not a JSON object"};
  }
  if (const auto credentials = document.find("credentials");
      credentials != document.end() && credentials->is_object()) {
    for (auto it = credentials->begin(); it != credentials->end(); ++it) {
      if (!it.value().is_string() || !CredentialCipher::is_encrypted(it.value().get_ref<const std::string&>())) {
        continue;  // a plain value (no cipher, or written before encryption was enabled)
      }
      if (auto error = decrypt_member(it.key(), it.value(), cipher, where)) return std::move(*error);
    }
  }
  routing::ValidationErrors errors;
  auto integration = routing::integration_from_json(document, "", {}, errors);
  if (!integration) {
    return Error{kCorrupt, std::string(where) + ": stored integration is invalid: " + describe_errors(errors)};
  }
  return std::move(*integration);
}

}  // namespace switchboard::registry
