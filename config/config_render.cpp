// render_config (--print-config, config/switchboard.toml) and config_reference_markdown
// (docs/configuration.md): both are walks of the schema table, so they never miss a key.

#include <string>
#include <string_view>
#include <type_traits>

#include "config/config_schema.h"
#include "config/switchboard_config.h"

namespace switchboard::config {
namespace {

using schema::Accessor;
using schema::cat;
using schema::KeySpec;
using schema::kRedacted;
using schema::RateLimitMap;
using schema::Secrecy;
using schema::StringList;
using schema::StringMap;

constexpr std::size_t kCommentWidth = 100;

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(1, '"');
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

// Bare when TOML allows it, quoted otherwise ("security.protocol" must stay one key).
std::string toml_key(std::string_view key) {
  if (key.empty()) return "\"\"";
  for (const char c : key) {
    const bool bare =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!bare) return toml_string(key);
  }
  return std::string(key);
}

// "# ..." lines, wrapped at word boundaries so the file reads well in an 100-column editor.
void append_comment(std::string& out, std::string_view text) {
  std::string line(1, '#');
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    if (line.size() > 1 && line.size() + 1 + word.size() > kCommentWidth) {
      out += line;
      out += '\n';
      line.assign(1, '#');
    }
    line += " ";
    line += word;
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  }
  out += line;
  out += '\n';
}

std::string shown_string(const KeySpec& spec, const std::string& value) {
  // An empty secret hides nothing, and printing "" keeps it loadable.
  if (spec.secrecy == Secrecy::secret && !value.empty()) return std::string(kRedacted);
  if (spec.secrecy == Secrecy::url_password) return schema::redact_url_password(value);
  return value;
}

// The TOML text of a value that fits on one line: everything but tables.
struct InlineValue {
  const KeySpec& spec;

  std::string operator()(const std::string& value) const { return toml_string(shown_string(spec, value)); }
  std::string operator()(std::uint16_t value) const { return std::to_string(value); }
  std::string operator()(std::uint32_t value) const { return std::to_string(value); }
  std::string operator()(bool value) const { return value ? "true" : "false"; }
  std::string operator()(const StringList& values) const {
    std::string out = "[";
    for (const auto& value : values) {
      if (out.size() > 1) out += ", ";
      out += toml_string(shown_string(spec, value));
    }
    return out + "]";
  }
  std::string operator()(const std::vector<ApiKey>& keys) const { return keys.empty() ? "[]" : "<table>"; }
  std::string operator()(const StringMap& values) const { return values.empty() ? "{}" : "<table>"; }
  std::string operator()(const RateLimitMap& values) const { return values.empty() ? "{}" : "<table>"; }
};

std::string inline_value(const KeySpec& spec, const Config& config) {
  return std::visit([&](const auto& accessor) { return InlineValue{spec}(accessor.read(config)); }, spec.field);
}

// Keys printed as [header] / [[header]] blocks, which TOML wants after a section's plain
// keys. An empty [[api.keys]] cannot be written as a header: it stays inline ("keys = []").
bool renders_as_header(const KeySpec& spec, const Config& config) {
  if (schema::is_keyed_table(spec)) return true;
  if (const auto* keys = std::get_if<Accessor<std::vector<ApiKey>>>(&spec.field)) return !keys->read(config).empty();
  return false;
}

void append_header_block(std::string& out, const KeySpec& spec, const Config& config) {
  const std::string name = schema::dotted_name(spec);
  if (const auto* accessor = std::get_if<Accessor<StringMap>>(&spec.field)) {
    out += cat("[", name, "]\n");
    for (const auto& [property, value] : accessor->read(config)) {
      const bool hide = schema::is_sensitive_librdkafka_property(property) && !value.empty();
      out += cat(toml_key(property), " = ", toml_string(hide ? kRedacted : std::string_view(value)), "\n");
    }
    return;
  }
  if (const auto* accessor = std::get_if<Accessor<RateLimitMap>>(&spec.field)) {
    out += cat("[", name, "]\n");
    for (const auto& [provider, limit] : accessor->read(config)) {
      out += cat(toml_key(provider), " = { per_second = ", schema::number_text(limit.per_second),
                 ", burst = ", std::to_string(limit.burst), " }\n");
    }
    return;
  }
  const auto& keys = std::get<Accessor<std::vector<ApiKey>>>(spec.field).read(config);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += "\n";
    out += cat("[[", name, "]]\n");
    out += cat("key = ", toml_string(shown_string(spec, keys[i].key)), "\n");
    out += cat("organization_id = ", toml_string(keys[i].organization_id), "\n");
    out += cat("environment_id = ", toml_string(keys[i].environment_id), "\n");
  }
}

// Markdown table cells: a "|" would end the cell.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string code(std::string_view text) { return cat("`", text, "`"); }

std::string default_cell(const KeySpec& spec) {
  static const Config defaults;
  if (schema::is_table_valued(spec)) {
    const std::string value = inline_value(spec, defaults);
    return value == "[]" || value == "{}" ? "none" : "see config/switchboard.toml";
  }
  return code(inline_value(spec, defaults));
}

std::string env_cell(const KeySpec& spec) {
  if (std::holds_alternative<Accessor<StringMap>>(spec.field)) {
    return code(cat(schema::env_var_name(spec), "<PROPERTY>"));
  }
  if (std::holds_alternative<Accessor<RateLimitMap>>(spec.field)) {
    return code(cat(schema::env_var_name(spec), "<PROVIDER>"));
  }
  return code(schema::env_var_name(spec));
}

std::string description_cell(const KeySpec& spec) {
  std::string text(spec.doc);
  if (std::holds_alternative<Accessor<std::vector<ApiKey>>>(spec.field)) {
    text += " Environment: `key:organization_id:environment_id` entries, comma-separated, replacing the file's.";
  } else if (std::holds_alternative<Accessor<StringMap>>(spec.field)) {
    text += cat(" Environment: one variable per property, `_` standing for `.` (`", schema::env_var_name(spec),
                "SASL_PASSWORD` sets `sasl.password`).");
  } else if (std::holds_alternative<Accessor<RateLimitMap>>(spec.field)) {
    text += cat(" Environment: one variable per provider, `_` standing for `-` (`", schema::env_var_name(spec),
                "ONE_SIGNAL=", schema::kRateLimitEnvForm, "` sets `one-signal`).");
  } else if (std::holds_alternative<Accessor<bool>>(spec.field)) {
    text += " Environment: `true`, `false`, `1` or `0`.";
  } else if (std::holds_alternative<Accessor<StringList>>(spec.field)) {
    text += " Environment: comma-separated.";
  }
  if (spec.secrecy == Secrecy::secret) text += " Secret: printed as `<redacted>`.";
  return cell(text);
}

}  // namespace

std::string render_config(const Config& config) {
  std::string out;
  for (const auto& section : schema::sections()) {
    if (!out.empty()) out += "\n";
    append_comment(out, section.doc);
    out += cat("[", section.name, "]\n");
    const auto keys = schema::keys_of(section.name);
    for (const KeySpec* spec : keys) {
      if (renders_as_header(*spec, config)) continue;
      out += "\n";
      append_comment(out, spec->doc);
      out += cat(toml_key(spec->key), " = ", inline_value(*spec, config), "\n");
    }
    for (const KeySpec* spec : keys) {
      if (!renders_as_header(*spec, config)) continue;
      out += "\n";
      append_comment(out, spec->doc);
      append_header_block(out, *spec, config);
    }
  }
  return out;
}

std::string config_reference_markdown() {
  std::string out =
      "| Key | Type | Default | Environment variable | Description |\n"
      "|---|---|---|---|---|\n";
  for (const auto& spec : schema::keys()) {
    out += cat("| ", code(schema::dotted_name(spec)), " | ", cell(schema::type_name(spec)), " | ",
               cell(default_cell(spec)), " | ", env_cell(spec), " | ", description_cell(spec), " |\n");
  }
  return out;
}

}  // namespace switchboard::config
