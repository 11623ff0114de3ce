#include "providers/adapters/adapter_support.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <charconv>
#include <memory>

namespace switchboard::providers {
namespace {

const std::string kEmpty;

struct MacDeleter {
  void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};
struct MacContextDeleter {
  void operator()(EVP_MAC_CTX* context) const noexcept { EVP_MAC_CTX_free(context); }
};
using MacContextPtr = std::unique_ptr<EVP_MAC_CTX, MacContextDeleter>;

// OpenSSL 3's one-shot HMAC() fetches the algorithm and allocates a context on every call
// (~3 % of the worker at 15,000 webhook deliveries/s); one context per thread, set to
// SHA-256 once and re-keyed per call, does neither. nullptr if OpenSSL lacks HMAC-SHA256.
EVP_MAC_CTX* hmac_sha256_context() {
  thread_local const MacContextPtr context = [] {
    const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
    MacContextPtr made(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (made && EVP_MAC_CTX_set_params(made.get(), params) != 1) made.reset();
    return made;
  }();
  return context.get();
}

std::string base64_with(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                            (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    out.push_back(alphabet[(n >> 6) & 63]);
    out.push_back(alphabet[n & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    if (rest == 2) out.push_back(alphabet[(n >> 6) & 63]);
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

}  // namespace

const std::string& credential(const routing::Integration& integration, std::string_view key) {
  const routing::Credential* c = integration.find_credential(key);
  return c != nullptr ? c->value : kEmpty;
}

std::optional<DeliveryOutcome> missing_credentials(const routing::Integration& integration,
                                                   std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (credential(integration, key).empty()) {
      return DeliveryOutcome::failure(OutcomeKind::kPermanent, "integration \"" + integration.identifier + "\" (" +
                                                                   integration.provider_id + ") lacks credentials." +
                                                                   std::string(key));
    }
  }
  return std::nullopt;
}

DeliveryOutcome rejected(std::string why) { return DeliveryOutcome::failure(OutcomeKind::kRejected, std::move(why)); }

std::string endpoint_url(const routing::Integration& integration, std::string_view default_base,
                         std::string_view path) {
  std::string_view base = credential(integration, "baseUrl");
  if (base.empty()) base = default_base;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string url(base);
  url += path;
  return url;
}

std::string sender_address(const routing::Integration& integration, const OutboundMessage& message) {
  return !message.from.empty() ? message.from : credential(integration, "from");
}

std::string sender_name(const routing::Integration& integration, const OutboundMessage& message) {
  return !message.sender_name.empty() ? message.sender_name : credential(integration, "senderName");
}

std::string base64_encode(std::string_view bytes) {
  return base64_with(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
}

std::string base64url_encode(std::string_view bytes) {
  return base64_with(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);
}

std::string basic_auth(std::string_view user, std::string_view password) {
  std::string pair(user);
  pair += ':';
  pair += password;
  return "Basic " + base64_encode(pair);
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '_' ||
        u == '.' || u == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(key);
    out.push_back('=');
    out += percent_encode(value);
  }
  return out;
}

std::optional<std::string> json_string_at(const nlohmann::json& document, std::string_view dotted_path) {
  const nlohmann::json* at = &document;
  while (!dotted_path.empty()) {
    const std::size_t dot = dotted_path.find('.');
    const std::string_view segment = dotted_path.substr(0, dot);
    dotted_path = dot == std::string_view::npos ? std::string_view{} : dotted_path.substr(dot + 1);
    if (at->is_object()) {
      const auto it = at->find(std::string(segment));
      if (it == at->end()) return std::nullopt;
      at = &*it;
    } else if (at->is_array()) {
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
      if (ec != std::errc{} || end != segment.data() + segment.size() || index >= at->size()) return std::nullopt;
      at = &(*at)[index];
    } else {
      return std::nullopt;
    }
  }
  if (at->is_string()) return at->get<std::string>();
  if (at->is_number()) return at->dump();
  return std::nullopt;
}

DeliveryOutcome outcome_with_json_id(const HttpResult& result, std::string_view id_path) {
  DeliveryOutcome outcome = outcome_from_http(result);
  if (outcome.kind != OutcomeKind::kSent) return outcome;
  const nlohmann::json body = nlohmann::json::parse(result.response().body, nullptr, false);
  if (auto id = json_string_at(body, id_path)) outcome.provider_message_id = std::move(*id);
  return outcome;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return lower_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string hmac_sha256_raw(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  EVP_MAC_CTX* context = hmac_sha256_context();
  // A null key would mean "keep the previous key" to EVP_MAC_init: an empty key is "".
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.empty() ? "" : key.data());
  if (context == nullptr || EVP_MAC_init(context, key_bytes, key.size(), nullptr) != 1 ||
      EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(context, mac, &length, sizeof mac) != 1) {
    length = 0;
  }
  return std::string(reinterpret_cast<const char*>(mac), length);
}

std::string lower_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    hex.push_back(kHex[u >> 4]);
    hex.push_back(kHex[u & 0xF]);
  }
  return hex;
}

}  // namespace switchboard::providers
