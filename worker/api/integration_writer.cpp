#include "worker/api/integration_writer.h"

#include <charconv>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "registry/compact_json.h"
#include "routing/integration_json.h"

namespace switchboard::api {
namespace {

using Json = nlohmann::ordered_json;

void append_dump(std::string& out, const Json& json) {
  out += json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A JSON string as nlohmann writes it with ensure_ascii = false: `"` `\` and control
// characters escaped (\b \f \n \r \t, else \u00xx), everything else as is.
void append_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes not yet copied
  bool checked = false;  // UTF-8 validity, checked once at the first non-ASCII byte
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80 && !checked) {
      if (!registry::is_valid_utf8(text)) {
        out.resize(start);
        append_dump(out, Json(std::string(text)));  // nlohmann's replacement of bad bytes
        return;
      }
      checked = true;
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

void append_int(std::string& out, std::int64_t value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc{} ? end : buffer);
}

void append_bool(std::string& out, bool value) { out += value ? "true" : "false"; }

// `"key":`, after a comma unless it is the object's first member. `key` is one of the
// literal member names below: plain ASCII that needs no escape.
void append_key(std::string& out, bool& first, std::string_view key) {
  out += first ? "\"" : ",\"";
  first = false;
  out += key;
  out += "\":";
}

void append_credential(std::string& out, const routing::Credential& credential) {
  switch (credential.type) {
    case routing::Credential::Type::kBool:
      append_bool(out, credential.value == "true");
      return;
    case routing::Credential::Type::kObject: {
      const Json object = Json::parse(credential.value, nullptr, false);
      // As integration_to_json: a hand-built Credential with bad text is kept as a string.
      if (object.is_discarded()) {
        append_string(out, credential.value);
      } else {
        append_dump(out, object);
      }
      return;
    }
    case routing::Credential::Type::kString:
      break;
  }
  append_string(out, credential.value);
}

void append_configurations(std::string& out, const routing::Configurations& configurations) {
  out.push_back('{');
  bool first = true;
  if (configurations.inbound_webhook_enabled) {
    append_key(out, first, "inboundWebhookEnabled");
    append_bool(out, *configurations.inbound_webhook_enabled);
  }
  if (configurations.inbound_webhook_signing_key) {
    append_key(out, first, "inboundWebhookSigningKey");
    append_string(out, *configurations.inbound_webhook_signing_key);
  }
  if (configurations.rate_limit) {
    append_key(out, first, "rateLimit");
    out += "{\"perSecond\":";
    append_dump(out, Json(configurations.rate_limit->per_second));  // nlohmann's float format
    out += ",\"burst\":";
    append_int(out, configurations.rate_limit->burst);
    out.push_back('}');
  }
  out.push_back('}');
}

bool has_duplicate_credential(const std::vector<routing::Credential>& credentials) {
  for (std::size_t i = 0; i < credentials.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (credentials[i].key == credentials[j].key) return true;
    }
  }
  return false;
}

}  // namespace

void append_integration_json(std::string& out, const routing::Integration& integration, bool include_credentials) {
  const bool credentials = include_credentials && integration.credentials.has_value();
  if (!integration.conditions.empty() || (credentials && has_duplicate_credential(*integration.credentials))) {
    append_dump(out, routing::integration_to_json(integration, include_credentials));
    return;
  }
  out.push_back('{');
  bool first = true;
  if (!integration.id.empty()) {
    append_key(out, first, "_id");
    append_string(out, integration.id);
  }
  append_key(out, first, "_environmentId");
  append_string(out, integration.environment_id);
  append_key(out, first, "_organizationId");
  append_string(out, integration.organization_id);
  append_key(out, first, "name");
  append_string(out, integration.name);
  append_key(out, first, "identifier");
  append_string(out, integration.identifier);
  append_key(out, first, "providerId");
  append_string(out, integration.provider_id);
  if (integration.channel) {
    append_key(out, first, "channel");
    append_string(out, routing::channel_name(*integration.channel));
  }
  append_key(out, first, "kind");
  out += integration.kind == routing::IntegrationKind::kAgent ? "\"agent\"" : "\"delivery\"";
  if (credentials) {
    append_key(out, first, "credentials");
    out.push_back('{');
    bool first_credential = true;
    for (const routing::Credential& credential : *integration.credentials) {
      if (!first_credential) out.push_back(',');
      first_credential = false;
      append_string(out, credential.key);  // not a literal: escaped like any string
      out.push_back(':');
      append_credential(out, credential);
    }
    out.push_back('}');
  }
  if (integration.configurations) {
    append_key(out, first, "configurations");
    append_configurations(out, *integration.configurations);
  }
  append_key(out, first, "active");
  append_bool(out, integration.active);
  append_key(out, first, "deleted");
  append_bool(out, integration.deleted);
  if (integration.deleted_at) {
    append_key(out, first, "deletedAt");
    append_string(out, *integration.deleted_at);
  }
  if (integration.deleted_by) {
    append_key(out, first, "deletedBy");
    append_string(out, *integration.deleted_by);
  }
  append_key(out, first, "primary");
  append_bool(out, integration.primary);
  append_key(out, first, "priority");
  append_int(out, integration.priority);
  if (integration.created_at) {
    append_key(out, first, "createdAt");
    append_string(out, integration.created_at->text);
  }
  if (integration.updated_at) {
    append_key(out, first, "updatedAt");
    append_string(out, integration.updated_at->text);
  }
  append_key(out, first, "conditions");
  out += "[]}";
}

}  // namespace switchboard::api
