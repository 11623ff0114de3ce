// load_config: the TOML file, then the environment, both validated key by key through the
// schema table (config_schema.cpp). Every problem is collected and reported in one
// ConfigError, one per line, so an operator fixes a file in one round instead of one
// restart per typo.

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <toml++/toml.h>

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

constexpr std::string_view kEnvPrefix = "SWITCHBOARD_";

// Variables with our prefix that are not config keys (read by the processes that need
// them, and kept out of config so that they are never printed).
constexpr std::string_view kIgnoredEnv[] = {"SWITCHBOARD_SECRET_KEY", "SWITCHBOARD_SECRET_KEY_PREVIOUS",
                                            "SWITCHBOARD_ADMIN_TOKEN"};

constexpr std::string_view kApiKeyFields = "key, organization_id, environment_id";

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::string in_quotes(std::string_view text) { return cat("\"", text, "\""); }

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// "did you mean X? " when one candidate is a likely typo of `name`, else "".
std::string suggestion(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& candidate : candidates) {
    const std::size_t distance = schema::edit_distance(name, candidate);
    if (distance < best_distance) {
      best = &candidate;
      best_distance = distance;
    }
  }
  if (best == nullptr || best_distance > 2 || best_distance * 2 >= best->size()) return "";
  return cat(", did you mean ", *best, "?");
}

std::string known_keys_of(std::string_view section) {
  std::vector<std::string> names;
  for (const KeySpec* spec : schema::keys_of(section)) names.emplace_back(spec->key);
  return cat("known keys of [", section, "]: ", join(names, ", "));
}

std::string known_sections() {
  std::vector<std::string> names;
  for (const auto& section : schema::sections()) names.emplace_back(section.name);
  return cat("known sections: ", join(names, ", "));
}

// "<name>: <problem> (expected <form>)": every value error names the key, what is wrong
// and what would be accepted.
std::string invalid(std::string_view name, std::string_view problem, std::string_view form) {
  return cat(name, ": ", problem, " (expected ", form, ")");
}

std::string placeholder(std::string_view name) {
  return cat(name, ": is the \"", kRedacted,
             "\" placeholder that --print-config shows instead of a secret (expected the real secret)");
}

// --- Checks shared by the file and the environment: the same rules whichever the source.

template <typename T>
std::optional<std::string> check_integer(const KeySpec& spec, std::int64_t value, std::string_view shown) {
  if (value < static_cast<std::int64_t>(spec.check.min) ||
      static_cast<std::uint64_t>(value) > std::numeric_limits<T>::max()) {
    return invalid(schema::dotted_name(spec), cat(shown, " is out of range"), schema::expected_form(spec));
  }
  return std::nullopt;
}

std::optional<std::string> check_string(const KeySpec& spec, const std::string& value) {
  const std::string name = schema::dotted_name(spec);
  if (spec.check.non_empty && value.empty()) return invalid(name, "must not be empty", schema::expected_form(spec));
  if (!spec.check.choices.empty()) {
    const auto choices = split(spec.check.choices, '|');
    if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
      return invalid(name, cat(in_quotes(value), " is not accepted"), schema::expected_form(spec));
    }
  }
  if ((spec.secrecy == Secrecy::secret && value == kRedacted) ||
      (spec.secrecy == Secrecy::url_password && value.find(kRedacted) != std::string::npos)) {
    return placeholder(name);
  }
  return std::nullopt;
}

std::vector<std::string> check_api_keys(const KeySpec& spec, const std::vector<ApiKey>& keys) {
  std::vector<std::string> problems;
  const std::string name = schema::dotted_name(spec);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string entry = cat(name, "[", std::to_string(i), "]");
    const std::pair<std::string_view, const std::string*> fields[] = {
        {"key", &keys[i].key}, {"organization_id", &keys[i].organization_id},
        {"environment_id", &keys[i].environment_id}};
    for (const auto& [field_name, value] : fields) {
      if (value->empty()) problems.push_back(cat(entry, ".", field_name, ": is missing or empty"));
    }
    if (keys[i].key == kRedacted) problems.push_back(placeholder(entry + ".key"));
    for (std::size_t j = 0; j < i; ++j) {
      if (!keys[i].key.empty() && keys[i].key == keys[j].key) {
        // The key itself is never echoed: error messages end up in logs.
        problems.push_back(
            cat(entry, ".key: same key as ", name, "[", std::to_string(j), "] (expected every API key to be unique)"));
      }
    }
  }
  return problems;
}

std::optional<std::string> check_librdkafka_entry(const KeySpec& spec, const std::string& property,
                                                  const std::string& value) {
  const std::string name = cat(schema::dotted_name(spec), ".", property);
  if (property.empty()) return cat(schema::dotted_name(spec), ": a property name is empty");
  if (const auto owner = schema::librdkafka_property_owner(property); !owner.empty()) {
    // Two places for one setting would leave the reader guessing which one wins.
    return cat(name, ": is set by ", owner, " (expected ", owner, " instead)");
  }
  if (schema::is_sensitive_librdkafka_property(property) && value == kRedacted) return placeholder(name);
  return std::nullopt;
}

// A [delivery.rate_limits] entry as read from either source, before its checks.
struct RateLimitFields {
  std::optional<double> per_second;
  std::optional<std::int64_t> burst;
};

// The entry `name` (e.g. "delivery.rate_limits.sendgrid"), or the problem with it.
std::optional<std::string> check_rate_limit(const std::string& name, const RateLimitFields& fields,
                                            ProviderRateLimit& out) {
  for (const auto& [field, present] : {std::pair{"per_second", fields.per_second.has_value()},
                                       std::pair{"burst", fields.burst.has_value()}}) {
    if (!present) return invalid(name, cat(field, " is missing"), schema::kRateLimitForm);
  }
  if (!(*fields.per_second > 0) || !std::isfinite(*fields.per_second)) {
    return invalid(cat(name, ".per_second"), cat(schema::number_text(*fields.per_second), " is out of range"),
                   "a number greater than 0");
  }
  if (*fields.burst < 1 || *fields.burst > std::numeric_limits<std::uint32_t>::max()) {
    return invalid(cat(name, ".burst"), cat(std::to_string(*fields.burst), " is out of range"),
                   "an integer in 1..4294967295");
  }
  out = {*fields.per_second, static_cast<std::uint32_t>(*fields.burst)};
  return std::nullopt;
}

// --- The TOML file.

struct FileProblem {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string text;
};

class FileLoader {
 public:
  explicit FileLoader(Config& config) : config_(config) {}

  void load(const toml::table& root) {
    for (auto&& [name, node] : root) {
      const auto* section = schema::find_section(name.str());
      if (section == nullptr) {
        std::vector<std::string> candidates;
        for (const auto& known : schema::sections()) candidates.emplace_back(known.name);
        const std::string hint = suggestion(name.str(), candidates);
        if (node.is_table()) {
          report(name.source(), cat("unknown section [", name.str(), "]", hint, " (", known_sections(), ")"));
        } else {
          report(name.source(), cat("unknown key ", name.str(), " at the top level: keys belong in a [section]", hint,
                                    " (", known_sections(), ")"));
        }
        continue;
      }
      const auto* table = node.as_table();
      if (table == nullptr) {
        report(node.source(), cat(name.str(), ": got ", type_of(node), " (expected a table [", name.str(), "])"));
        continue;
      }
      load_section(section->name, *table);
    }
  }

  std::vector<FileProblem> take_problems() { return std::move(problems_); }

 private:
  void load_section(std::string_view section, const toml::table& table) {
    for (auto&& [key, node] : table) {
      const KeySpec* spec = schema::find_key(section, key.str());
      if (spec == nullptr) {
        std::vector<std::string> candidates;
        for (const KeySpec* known : schema::keys_of(section)) candidates.push_back(schema::dotted_name(*known));
        const std::string name = cat(section, ".", key.str());
        report(key.source(),
               cat("unknown key ", name, suggestion(name, candidates), " (", known_keys_of(section), ")"));
        continue;
      }
      const toml::node& value = node;  // clang < 16 cannot capture structured bindings
      std::visit([&](const auto& accessor) { load_value(*spec, accessor, value); }, spec->field);
    }
  }

  void load_value(const KeySpec& spec, const Accessor<std::string>& accessor, const toml::node& node) {
    const auto* value = node.as_string();
    if (value == nullptr) return wrong_type(spec, node);
    if (auto problem = check_string(spec, value->get())) return report(node.source(), std::move(*problem));
    accessor.get(config_) = value->get();
  }

  template <typename T>
    requires std::is_unsigned_v<T> && (!std::is_same_v<T, bool>)
  void load_value(const KeySpec& spec, const Accessor<T>& accessor, const toml::node& node) {
    const auto* value = node.as_integer();
    if (value == nullptr) return wrong_type(spec, node);
    const std::int64_t number = value->get();
    if (auto problem = check_integer<T>(spec, number, std::to_string(number))) {
      return report(node.source(), std::move(*problem));
    }
    accessor.get(config_) = static_cast<T>(number);
  }

  void load_value(const KeySpec& spec, const Accessor<bool>& accessor, const toml::node& node) {
    const auto* value = node.as_boolean();
    if (value == nullptr) return wrong_type(spec, node);
    accessor.get(config_) = value->get();
  }

  void load_value(const KeySpec& spec, const Accessor<StringList>& accessor, const toml::node& node) {
    const auto* array = node.as_array();
    if (array == nullptr || !array->is_homogeneous(toml::node_type::string)) {
      // An empty array is homogeneous for toml++; anything else mixed or not strings.
      if (array == nullptr || !array->empty()) return wrong_type(spec, node);
    }
    StringList values;
    for (const auto& element : *array) values.push_back(element.as_string()->get());
    accessor.get(config_) = std::move(values);
  }

  void load_value(const KeySpec& spec, const Accessor<std::vector<ApiKey>>& accessor, const toml::node& node) {
    const auto* array = node.as_array();
    if (array == nullptr) return wrong_type(spec, node);
    const std::string name = schema::dotted_name(spec);
    std::vector<ApiKey> keys;
    bool complete = true;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      const std::string entry = cat(name, "[", std::to_string(i), "]");
      const auto* table = element.as_table();
      if (table == nullptr) {
        report(element.source(), invalid(entry, cat("got ", type_of(element)), schema::expected_form(spec)));
        complete = false;
        continue;
      }
      ApiKey key;
      for (auto&& [field_name, value] : *table) {
        std::string* target = field_name == "key"               ? &key.key
                              : field_name == "organization_id" ? &key.organization_id
                              : field_name == "environment_id"  ? &key.environment_id
                                                                : nullptr;
        const std::string field_path = cat(entry, ".", field_name.str());
        if (target == nullptr) {
          report(field_name.source(),
                 cat("unknown key ", field_path, " (known keys of [[", name, "]]: ", kApiKeyFields, ")"));
          complete = false;
        } else if (const auto* text = value.as_string(); text == nullptr) {
          report(value.source(), invalid(field_path, cat("got ", type_of(value)), "a string"));
          complete = false;
        } else {
          *target = text->get();
        }
      }
      keys.push_back(std::move(key));
    }
    if (!complete) return;
    const auto problems = check_api_keys(spec, keys);
    for (const auto& problem : problems) report(node.source(), problem);
    if (problems.empty()) accessor.get(config_) = std::move(keys);
  }

  void load_value(const KeySpec& spec, const Accessor<StringMap>& accessor, const toml::node& node) {
    const auto* table = node.as_table();
    if (table == nullptr) return wrong_type(spec, node);
    StringMap values;
    const std::size_t problems_before = problems_.size();
    flatten(spec, *table, "", values);
    if (problems_.size() == problems_before) accessor.get(config_) = std::move(values);
  }

  void load_value(const KeySpec& spec, const Accessor<RateLimitMap>& accessor, const toml::node& node) {
    const auto* table = node.as_table();
    if (table == nullptr) return wrong_type(spec, node);
    RateLimitMap limits;
    const std::size_t problems_before = problems_.size();
    for (auto&& [provider, entry] : *table) {
      const std::string name = cat(schema::dotted_name(spec), ".", provider.str());
      const toml::node& value = entry;  // clang < 16 cannot capture structured bindings
      if (const auto limit = read_rate_limit(name, value)) limits.emplace(provider.str(), *limit);
    }
    if (problems_.size() == problems_before) accessor.get(config_) = std::move(limits);
  }

  std::optional<ProviderRateLimit> read_rate_limit(const std::string& name, const toml::node& node) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      report(node.source(), invalid(name, cat("got ", type_of(node)), schema::kRateLimitForm));
      return std::nullopt;
    }
    RateLimitFields fields;
    bool readable = true;
    for (auto&& [field, value] : *table) {
      const std::string field_name = cat(name, ".", field.str());
      if (field == "per_second" && value.is_number()) {
        fields.per_second = value.is_integer() ? static_cast<double>(value.as_integer()->get())
                                               : value.as_floating_point()->get();
      } else if (field == "burst" && value.is_integer()) {
        fields.burst = value.as_integer()->get();
      } else if (field == "per_second" || field == "burst") {
        report(value.source(), invalid(field_name, cat("got ", type_of(value)),
                                       field == "burst" ? "an integer" : "a number"));
        readable = false;
      } else {
        report(field.source(), cat("unknown key ", field_name, " (known keys: per_second, burst)"));
        readable = false;
      }
    }
    if (!readable) return std::nullopt;
    ProviderRateLimit limit;
    if (auto problem = check_rate_limit(name, fields, limit)) {
      report(node.source(), std::move(*problem));
      return std::nullopt;
    }
    return limit;
  }

  // Unquoted dotted names (security.protocol = "SSL") are nested tables in TOML; joining
  // them back lets operators write librdkafka properties either way.
  void flatten(const KeySpec& spec, const toml::table& table, const std::string& prefix, StringMap& out) {
    for (auto&& [key, node] : table) {
      const std::string property = prefix.empty() ? std::string(key.str()) : cat(prefix, ".", key.str());
      if (const auto* nested = node.as_table()) {
        flatten(spec, *nested, property, out);
        continue;
      }
      std::string text;
      if (const auto* string = node.as_string()) {
        text = string->get();
      } else if (const auto* integer = node.as_integer()) {
        text = std::to_string(integer->get());
      } else if (const auto* boolean = node.as_boolean()) {
        text = boolean->get() ? "true" : "false";
      } else {
        report(node.source(), invalid(cat(schema::dotted_name(spec), ".", property), cat("got ", type_of(node)),
                                      "a string, an integer or a boolean"));
        continue;
      }
      if (auto problem = check_librdkafka_entry(spec, property, text)) {
        report(key.source(), std::move(*problem));
      } else if (!out.emplace(property, std::move(text)).second) {
        report(key.source(), cat(schema::dotted_name(spec), ".", property, ": is given twice"));
      }
    }
  }

  void wrong_type(const KeySpec& spec, const toml::node& node) {
    report(node.source(), invalid(schema::dotted_name(spec), cat("got ", type_of(node)), schema::expected_form(spec)));
  }

  static std::string type_of(const toml::node& node) {
    switch (node.type()) {
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a floating-point number";
      case toml::node_type::boolean: return "a boolean";
      case toml::node_type::array: return "an array";
      case toml::node_type::table: return "a table";
      case toml::node_type::date: return "a date";
      case toml::node_type::time: return "a time";
      case toml::node_type::date_time: return "a date-time";
      case toml::node_type::none: break;
    }
    return "nothing";
  }

  void report(const toml::source_region& where, std::string text) {
    problems_.push_back({where.begin.line, where.begin.column, std::move(text)});
  }

  Config& config_;
  std::vector<FileProblem> problems_;
};

std::string read_file(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw ConfigError(cat(path, ": cannot read config file: is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(cat(path, ": cannot read config file: ", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(cat(path, ": cannot read config file: ", std::strerror(errno)));
  return std::move(text).str();
}

std::string location(const std::string& path, std::uint32_t line, std::uint32_t column) {
  if (line == 0) return cat(path, ": ");
  return cat(path, ":", std::to_string(line), ":", std::to_string(column), ": ");
}

void load_file(const std::string& path, Config& config, std::vector<std::string>& errors) {
  const std::string text = read_file(path);
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    throw ConfigError(cat(location(path, error.source().begin.line, error.source().begin.column),
                          "TOML syntax error: ", error.description()));
  }
  FileLoader loader(config);
  loader.load(root);
  // toml++ tables iterate in key order; file order reads better next to the file.
  auto problems = loader.take_problems();
  std::stable_sort(problems.begin(), problems.end(), [](const FileProblem& a, const FileProblem& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  for (auto& problem : problems) errors.push_back(location(path, problem.line, problem.column) + problem.text);
}

// --- The environment: SWITCHBOARD_<SECTION>_<KEY>=<text>, parsed by the key's type.

// Integers as text; values beyond int64 saturate so that they report as out of range.
std::optional<std::int64_t> parse_integer_text(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (error == std::errc::result_out_of_range) {
    return text.front() == '-' ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
  }
  if (error != std::errc()) return std::nullopt;
  return value;
}

// Decimal numbers as text ("100", "0.5", "1e3"); nothing else.
std::optional<double> parse_number_text(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || end != text.data() + text.size() || error != std::errc()) return std::nullopt;
  return value;
}

class EnvironmentLoader {
 public:
  explicit EnvironmentLoader(Config& config) : config_(config) {}

  void apply(const std::string& variable, const std::string& value) {
    const std::string_view rest = std::string_view(variable).substr(kEnvPrefix.size());
    const schema::SectionSpec* section = nullptr;
    for (const auto& candidate : schema::sections()) {
      const std::string prefix = upper(candidate.name) + "_";
      if (rest.starts_with(prefix) && (section == nullptr || candidate.name.size() > section->name.size())) {
        section = &candidate;
      }
    }
    if (section == nullptr) return;  // not a config variable (e.g. SWITCHBOARD_BUILD_DIR of the scripts)
    const std::string_view key_part = rest.substr(section->name.size() + 1);

    std::vector<std::string> candidates;
    for (const KeySpec* spec : schema::keys_of(section->name)) {
      const std::string key = upper(spec->key);
      if (schema::is_keyed_table(*spec)) {
        if (key_part.starts_with(key + "_") && key_part.size() > key.size() + 1) {
          const std::string_view entry = key_part.substr(key.size() + 1);
          return std::visit([&](const auto& accessor) { apply_entry(*spec, accessor, variable, entry, value); },
                            spec->field);
        }
        if (key_part == key) {
          const bool rate_limits = std::holds_alternative<Accessor<RateLimitMap>>(spec->field);
          const std::string_view example =
              rate_limits ? "SENDGRID=per_second=100,burst=200" : "SECURITY_PROTOCOL=SASL_SSL";
          return report(variable, cat(schema::dotted_name(*spec), ": set one ", rate_limits ? "provider" : "property",
                                      " per variable, e.g. ", schema::env_var_name(*spec), example));
        }
      } else if (key_part == key) {
        return std::visit([&](const auto& accessor) { apply_value(*spec, accessor, variable, value); },
                          spec->field);
      }
      candidates.push_back(schema::env_var_name(*spec));
    }
    std::string lowered(key_part);
    for (char& c : lowered) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    report(variable, cat("no key ", section->name, ".", lowered, suggestion(variable, candidates), " (",
                         known_keys_of(section->name), ")"));
  }

  std::vector<std::string> take_problems() { return std::move(problems_); }

 private:
  void apply_value(const KeySpec& spec, const Accessor<std::string>& accessor, const std::string& variable,
                   const std::string& value) {
    if (auto problem = check_string(spec, value)) return report(variable, std::move(*problem));
    accessor.get(config_) = value;
  }

  template <typename T>
    requires std::is_unsigned_v<T> && (!std::is_same_v<T, bool>)
  void apply_value(const KeySpec& spec, const Accessor<T>& accessor, const std::string& variable,
                   const std::string& value) {
    const std::string_view text = trim(value);
    const auto number = parse_integer_text(text);
    if (!number) {
      return report(variable, invalid(schema::dotted_name(spec), cat(in_quotes(value), " is not an integer"),
                                      schema::expected_form(spec)));
    }
    if (auto problem = check_integer<T>(spec, *number, text)) return report(variable, std::move(*problem));
    accessor.get(config_) = static_cast<T>(*number);
  }

  void apply_value(const KeySpec& spec, const Accessor<bool>& accessor, const std::string& variable,
                   const std::string& value) {
    const auto parsed = schema::parse_bool_text(trim(value));
    if (!parsed) {
      return report(variable, invalid(schema::dotted_name(spec), cat(in_quotes(value), " is not a boolean"),
                                      "true, false, 1 or 0"));
    }
    accessor.get(config_) = *parsed;
  }

  void apply_value(const KeySpec&, const Accessor<StringList>& accessor, const std::string&,
                   const std::string& value) {
    StringList values;
    for (const auto part : split(value, ',')) {
      if (!trim(part).empty()) values.emplace_back(trim(part));
    }
    accessor.get(config_) = std::move(values);
  }

  // "key:organization_id:environment_id,...": replaces the file's [[api.keys]] entirely.
  void apply_value(const KeySpec& spec, const Accessor<std::vector<ApiKey>>& accessor, const std::string& variable,
                   const std::string& value) {
    std::vector<ApiKey> keys;
    std::size_t entry_number = 0;
    for (const auto entry : split(value, ',')) {
      if (trim(entry).empty()) continue;  // tolerates a trailing comma
      ++entry_number;
      const auto parts = split(trim(entry), ':');
      if (parts.size() != 3) {
        // The entry is not echoed: it holds a secret.
        return report(variable, invalid(schema::dotted_name(spec),
                                        cat("entry ", std::to_string(entry_number), " has ",
                                            std::to_string(parts.size()), " colon-separated fields"),
                                        "key:organization_id:environment_id, comma-separated"));
      }
      keys.push_back({std::string(trim(parts[0])), std::string(trim(parts[1])), std::string(trim(parts[2]))});
    }
    const auto problems = check_api_keys(spec, keys);
    for (const auto& problem : problems) report(variable, problem);
    if (problems.empty()) accessor.get(config_) = std::move(keys);
  }

  // Keyed tables are set one entry per variable (apply_entry), and only they have entries.
  template <typename T>
    requires std::is_same_v<T, StringMap> || std::is_same_v<T, RateLimitMap>
  void apply_value(const KeySpec&, const Accessor<T>&, const std::string&, const std::string&) {}
  template <typename T>
  void apply_entry(const KeySpec&, const Accessor<T>&, const std::string&, std::string_view, const std::string&) {}

  // SWITCHBOARD_KAFKA_LIBRDKAFKA_SASL_PASSWORD=x sets "sasl.password": librdkafka names
  // are lowercase and dotted, which variable names cannot be.
  void apply_entry(const KeySpec& spec, const Accessor<StringMap>&, const std::string& variable, std::string_view name,
                   const std::string& value) {
    std::string property(name);
    for (char& c : property) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c == '_') c = '.';
    }
    if (auto problem = check_librdkafka_entry(spec, property, value)) return report(variable, std::move(*problem));
    std::get<Accessor<StringMap>>(spec.field).get(config_)[property] = value;
  }

  // SWITCHBOARD_DELIVERY_RATE_LIMITS_ONE_SIGNAL="per_second=10,burst=20" sets "one-signal":
  // providerIds are lowercase with dashes, which variable names cannot be.
  void apply_entry(const KeySpec& spec, const Accessor<RateLimitMap>& accessor, const std::string& variable,
                   std::string_view provider_part, const std::string& value) {
    std::string provider(provider_part);
    for (char& c : provider) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c == '_') c = '-';
    }
    const std::string name = cat(schema::dotted_name(spec), ".", provider);
    RateLimitFields fields;
    for (const auto part : split(value, ',')) {
      const auto equals = part.find('=');
      const std::string_view field = trim(part.substr(0, equals));
      const std::string_view text = equals == std::string_view::npos ? "" : trim(part.substr(equals + 1));
      if (field == "per_second" && (fields.per_second = parse_number_text(text))) continue;
      if (field == "burst" && (fields.burst = parse_integer_text(text))) continue;
      return report(variable, invalid(name, cat(in_quotes(value), " is not understood"), schema::kRateLimitEnvForm));
    }
    ProviderRateLimit limit;
    if (auto problem = check_rate_limit(name, fields, limit)) return report(variable, std::move(*problem));
    accessor.get(config_)[provider] = limit;
  }

  void report(const std::string& variable, std::string text) {
    problems_.push_back(cat("environment ", variable, ": ", text));
  }

  Config& config_;
  std::vector<std::string> problems_;
};

void load_environment(char** environment, Config& config, std::vector<std::string>& errors) {
  if (environment == nullptr) return;
  std::vector<std::pair<std::string, std::string>> variables;
  for (char** entry = environment; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view name = text.substr(0, equals);
    if (!name.starts_with(kEnvPrefix)) continue;
    if (std::find(std::begin(kIgnoredEnv), std::end(kIgnoredEnv), name) != std::end(kIgnoredEnv)) continue;
    variables.emplace_back(name, text.substr(equals + 1));
  }
  // environ's order is arbitrary; sorting makes errors (and librdkafka entries) deterministic.
  std::sort(variables.begin(), variables.end());
  EnvironmentLoader loader(config);
  for (const auto& [name, value] : variables) loader.apply(name, value);
  for (auto& problem : loader.take_problems()) errors.push_back(std::move(problem));
}

// Rules between keys, checked on the final values (file and environment merged).
void check_consistency(const Config& config, std::vector<std::string>& errors) {
  if (config.retry.max_ms < config.retry.base_ms) {
    errors.push_back(cat("retry.max_ms (", std::to_string(config.retry.max_ms), ") is below retry.base_ms (",
                         std::to_string(config.retry.base_ms), ") (expected max_ms >= base_ms)"));
  }
  if (config.kafka.heartbeat_interval_ms >= config.kafka.session_timeout_ms) {
    errors.push_back(cat("kafka.heartbeat_interval_ms (", std::to_string(config.kafka.heartbeat_interval_ms),
                         ") is not below kafka.session_timeout_ms (", std::to_string(config.kafka.session_timeout_ms),
                         ") (expected a heartbeat well within the session timeout; librdkafka refuses this)"));
  }
  // Producing to the consumed topic would feed every status or dead letter back as an event.
  for (const auto& [key, topic] : {std::pair{"kafka.status_topic", &config.kafka.status_topic},
                                   std::pair{"kafka.dlq_topic", &config.kafka.dlq_topic}}) {
    if (*topic == config.kafka.events_topic) {
      errors.push_back(cat(key, ": ", in_quotes(*topic),
                           " is also kafka.events_topic (expected a topic the worker does not consume)"));
    }
  }
}

}  // namespace

Config load_config(const std::string& path, char** environment) {
  Config config;
  std::vector<std::string> errors;
  if (!path.empty()) load_file(path, config, errors);
  load_environment(environment, config, errors);
  // Consistency rules on values that failed their own checks would only add noise.
  if (errors.empty()) check_consistency(config, errors);
  if (!errors.empty()) throw ConfigError(join(errors, "\n"));
  return config;
}

}  // namespace switchboard::config
