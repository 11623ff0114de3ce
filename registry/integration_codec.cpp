#include "registry/integration_codec.h"

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "registry/compact_json.h"
#include "registry/integration_store.h"
#include "routing/integration_json.h"
#include "routing/provider_catalog.h"

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

// ---- the fast read path (decode_stored_fast) ------------------------------------------------
// Each reader returns false (or nullopt) as soon as the text leaves the exact form our
// writes produce or a check of the full validator would fail; the caller then falls back.

// The members of one object in a fixed order, each but the first after a comma.
class Members {
 public:
  explicit Members(CompactJsonReader& reader) : reader_(reader) {}
  // Consumes the key of the next member when it is `key`.
  bool next(std::string_view key) {
    if (!reader_.consume_key(key, !first_)) return false;
    first_ = false;
    return true;
  }

 private:
  CompactJsonReader& reader_;
  bool first_ = true;
};

// CredentialsDto: known keys, values of the key's type or encrypted strings. Object values
// (tlsOptions) are left to the full path, which re-serializes them.
bool read_credentials_fast(CompactJsonReader& reader, const CredentialCipher* cipher, bool with_credentials,
                           std::optional<std::vector<Credential>>& out) {
  if (!reader.consume('{')) return false;
  std::vector<Credential> credentials;
  if (!reader.consume('}')) {
    do {
      Credential credential;
      if (!reader.read_string(credential.key) || !reader.consume(':')) return false;
      const auto type = credential_type(credential.key);
      if (!type) return false;
      credential.type = *type;
      for (const Credential& other : credentials) {
        if (other.key == credential.key) return false;  // a duplicate: the full parser keeps the last
      }
      if (reader.peek('"')) {
        if (!reader.read_string(credential.value)) return false;
        if (CredentialCipher::is_encrypted(credential.value)) {
          if (!with_credentials) {
            credential.value.clear();  // never decrypted, never returned
          } else {
            if (cipher == nullptr || credential.type == Credential::Type::kObject) return false;
            auto plaintext = cipher->decrypt(credential.value, credential.key);
            if (!plaintext) return false;
            if (credential.type == Credential::Type::kBool && plaintext.value() != "true" &&
                plaintext.value() != "false") {
              return false;
            }
            credential.value = std::move(plaintext).value();
          }
        } else if (credential.type != Credential::Type::kString) {
          return false;
        }
      } else {
        bool flag = false;
        if (credential.type != Credential::Type::kBool || !reader.read_bool(flag)) return false;
        credential.value = flag ? "true" : "false";
      }
      credentials.push_back(std::move(credential));
    } while (reader.consume(','));
    if (!reader.consume('}')) return false;
  }
  if (with_credentials) out = std::move(credentials);
  return true;
}

bool read_configurations_fast(CompactJsonReader& reader, std::optional<routing::Configurations>& out) {
  if (!reader.consume('{')) return false;
  routing::Configurations configurations;
  Members members(reader);
  if (members.next("inboundWebhookEnabled")) {
    bool enabled = false;
    if (!reader.read_bool(enabled)) return false;
    configurations.inbound_webhook_enabled = enabled;
  }
  if (members.next("inboundWebhookSigningKey")) {
    if (!reader.read_string(configurations.inbound_webhook_signing_key.emplace())) return false;
  }
  if (members.next("rateLimit")) {
    routing::RateLimit limit;
    Members rate(reader);
    if (!reader.consume('{') || !rate.next("perSecond") || !reader.read_double(limit.per_second) ||
        !(limit.per_second > 0) || !rate.next("burst") || !reader.read_int64(limit.burst) || limit.burst < 1 ||
        !reader.consume('}')) {
      return false;
    }
    configurations.rate_limit = limit;
  }
  if (!reader.consume('}')) return false;
  out = std::move(configurations);
  return true;
}

bool read_timestamp_fast(CompactJsonReader& reader, std::string& scratch, std::optional<routing::Timestamp>& out) {
  if (!reader.read_string(scratch)) return false;
  out = routing::parse_timestamp(scratch);
  return out.has_value();
}

// integration_to_json's members, in its order.
bool read_integration_fast(CompactJsonReader& reader, const CredentialCipher* cipher, bool with_credentials,
                           routing::Integration& out) {
  Members members(reader);
  const auto non_empty = [&](std::string_view key, std::string& target) {
    return members.next(key) && reader.read_string(target) && !target.empty();
  };
  if (!reader.consume('{') || !non_empty("_id", out.id) || !non_empty("_environmentId", out.environment_id) ||
      !non_empty("_organizationId", out.organization_id) || !members.next("name") || !reader.read_string(out.name) ||
      !non_empty("identifier", out.identifier) || !non_empty("providerId", out.provider_id)) {
    return false;
  }
  std::string scratch;
  if (members.next("channel")) {
    if (!reader.read_string(scratch)) return false;
    out.channel = routing::parse_channel(scratch);
    if (!out.channel) return false;
  }
  if (!members.next("kind") || !reader.read_string(scratch)) return false;
  if (scratch == "delivery") {
    out.kind = routing::IntegrationKind::kDelivery;
    if (!out.channel || !routing::provider_belongs_to(out.provider_id, *out.channel)) return false;
  } else if (scratch == "agent") {
    out.kind = routing::IntegrationKind::kAgent;
  } else {
    return false;
  }
  if (members.next("credentials") && !read_credentials_fast(reader, cipher, with_credentials, out.credentials)) {
    return false;
  }
  if (members.next("configurations") && !read_configurations_fast(reader, out.configurations)) return false;
  if (!members.next("active") || !reader.read_bool(out.active) || !members.next("deleted") ||
      !reader.read_bool(out.deleted)) {
    return false;
  }
  if (members.next("deletedAt") && !reader.read_string(out.deleted_at.emplace())) return false;
  if (members.next("deletedBy") && !reader.read_string(out.deleted_by.emplace())) return false;
  if (!members.next("primary") || !reader.read_bool(out.primary) || !members.next("priority") ||
      !reader.read_int64(out.priority)) {
    return false;
  }
  if (members.next("createdAt") && !read_timestamp_fast(reader, scratch, out.created_at)) return false;
  if (members.next("updatedAt") && !read_timestamp_fast(reader, scratch, out.updated_at)) return false;
  // Conditions are left to the full validator (their checks are routing's own).
  return members.next("conditions") && reader.consume('[') && reader.consume(']') && reader.consume('}') &&
         reader.at_end();
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

Result<routing::Integration> decode_integration(Json document, const CredentialCipher* cipher, std::string_view where,
                                                bool with_credentials) {
  if (!document.is_object()) {
    return Error{kCorrupt, std::string(where) + ": stored integration is not a JSON object"};
  }
  if (const auto credentials = document.find("credentials");
      credentials != document.end() && credentials->is_object()) {
    std::vector<std::string> sealed;  // encrypted members left undecrypted (with_credentials = false)
    for (auto it = credentials->begin(); it != credentials->end(); ++it) {
      if (!it.value().is_string() || !CredentialCipher::is_encrypted(it.value().get_ref<const std::string&>())) {
        continue;  // a plain value (no cipher, or written before encryption was enabled)
      }
      if (!with_credentials) {
        if (!credential_type(it.key())) {
          return Error{kCorrupt, std::string(where) + ": credential " + it.key() + ": unknown credential key"};
        }
        sealed.push_back(it.key());
        continue;
      }
      if (auto error = decrypt_member(it.key(), it.value(), cipher, where)) return std::move(*error);
    }
    // Ciphertext is not a value of the key's type: keep it away from the validator.
    for (const std::string& key : sealed) credentials->erase(key);
  }
  routing::ValidationErrors errors;
  auto integration = routing::integration_from_json(document, "", {}, errors);
  if (!integration) {
    return Error{kCorrupt, std::string(where) + ": stored integration is invalid: " + describe_errors(errors)};
  }
  if (!with_credentials) integration->credentials.reset();
  return std::move(*integration);
}

std::optional<routing::Integration> decode_stored_fast(std::string_view text, const CredentialCipher* cipher,
                                                       bool with_credentials) {
  CompactJsonReader reader(text);
  routing::Integration integration;
  if (!read_integration_fast(reader, cipher, with_credentials, integration)) return std::nullopt;
  return integration;
}

Result<routing::Integration> decode_stored_integration(std::string_view text, const CredentialCipher* cipher,
                                                       std::string_view where, bool with_credentials) {
  if (auto integration = decode_stored_fast(text, cipher, with_credentials)) return std::move(*integration);
  return decode_integration(Json::parse(text, nullptr, false), cipher, where, with_credentials);
}

}  // namespace switchboard::registry
