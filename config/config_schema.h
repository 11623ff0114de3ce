#pragma once
// Internal to config/ (and its tests): the table of every config key. The loader, the
// environment overrides, render_config and config_reference_markdown all walk this one
// table, so a key added to it is loaded, overridable, printed and documented at once.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "config/switchboard_config.h"

namespace switchboard::config::schema {

// How a value is shown by render_config (--print-config), which ends up in logs and
// support tickets.
enum class Secrecy {
  plain,
  secret,        // the whole value becomes "<redacted>"
  url_password,  // only the password of a URL's user info ("redis://:pw@host") is redacted
};

inline constexpr std::string_view kRedacted = "<redacted>";

// What values a key accepts beyond its type. Integers: `min`..the type's maximum.
struct Check {
  std::uint32_t min = 0;
  bool non_empty = false;       // strings: "" is rejected
  std::string_view choices;     // strings: the accepted values, "|"-separated ("file|redis")
};

constexpr Check any_value() { return Check{}; }
constexpr Check at_least(std::uint32_t min) {
  Check check;
  check.min = min;
  return check;
}
constexpr Check positive() { return at_least(1); }
constexpr Check non_empty() {
  Check check;
  check.non_empty = true;
  return check;
}
constexpr Check one_of(std::string_view choices) {
  Check check = non_empty();
  check.choices = choices;
  return check;
}

// Reads and writes one field of Config. Plain function pointers (from captureless
// lambdas) keep the table constexpr.
template <typename T>
struct Accessor {
  T& (*get)(Config&);
  const T& (*read)(const Config&);
};

using StringList = std::vector<std::string>;
using StringMap = std::map<std::string, std::string>;
using RateLimitMap = std::map<std::string, ProviderRateLimit>;

// The key's type is the alternative held: string, uint16, uint32, bool, string list, the
// [[api.keys]] array of tables, a free string→string table ([kafka.librdkafka]), or a
// table of providerId = { per_second, burst } ([delivery.rate_limits]).
using Field = std::variant<Accessor<std::string>, Accessor<std::uint16_t>, Accessor<std::uint32_t>,
                           Accessor<bool>, Accessor<StringList>, Accessor<std::vector<ApiKey>>,
                           Accessor<StringMap>, Accessor<RateLimitMap>>;

template <typename M>
struct MemberTraits;
template <typename C, typename T>
struct MemberTraits<T C::*> {
  using Class = C;
  using Type = T;
};

// field<&Config::kafka, &KafkaConfig::brokers>(): the accessor of config.kafka.brokers.
template <auto Section, auto Member>
constexpr Field field() {
  using SectionType = typename MemberTraits<decltype(Section)>::Type;
  using T = typename MemberTraits<decltype(Member)>::Type;
  static_assert(std::is_same_v<SectionType, typename MemberTraits<decltype(Member)>::Class>,
                "the member does not belong to that section's struct");
  return Accessor<T>{[](Config& config) -> T& { return (config.*Section).*Member; },
                     [](const Config& config) -> const T& { return (config.*Section).*Member; }};
}

struct KeySpec {
  std::string_view section;
  std::string_view key;
  Field field;
  Check check;
  Secrecy secrecy;
  std::string_view doc;  // one line, for operators: what it does, unit, when to change it
};

struct SectionSpec {
  std::string_view name;
  std::string_view doc;
};

// Every section and every key, in the order they are printed and documented.
std::span<const SectionSpec> sections();
std::span<const KeySpec> keys();

const SectionSpec* find_section(std::string_view name);
const KeySpec* find_key(std::string_view section, std::string_view key);
std::vector<const KeySpec*> keys_of(std::string_view section);

bool is_table_valued(const KeySpec& spec);  // [[api.keys]], [kafka.librdkafka]...: printed after plain keys
// Tables set one entry per environment variable ([kafka.librdkafka], [delivery.rate_limits]).
bool is_keyed_table(const KeySpec& spec);

std::string dotted_name(const KeySpec& spec);  // "kafka.brokers"
// "SWITCHBOARD_KAFKA_BROKERS"; for a keyed table, the prefix of one variable per entry:
// "SWITCHBOARD_KAFKA_LIBRDKAFKA_".
std::string env_var_name(const KeySpec& spec);
std::string type_name(const KeySpec& spec);      // for the reference: "uint16 (1..65535)"
std::string expected_form(const KeySpec& spec);  // for errors: "an integer in 1..65535"

// Names of librdkafka properties whose values are secrets (redacted when printed).
bool is_sensitive_librdkafka_property(std::string_view name);
// The key that owns a librdkafka property ("bootstrap.servers" → "kafka.brokers"), or
// empty: such properties are rejected in [kafka.librdkafka] so that one value wins.
std::string_view librdkafka_property_owner(std::string_view name);

// How a [delivery.rate_limits] entry is written, for errors and the reference.
inline constexpr std::string_view kRateLimitForm = "{ per_second = N, burst = M }, N > 0, M >= 1";
// The environment's spelling of one: "per_second=N,burst=M".
inline constexpr std::string_view kRateLimitEnvForm = "per_second=N,burst=M";

// A number in its shortest round-trip form, valid TOML: "100", "0.5", "1e+300".
std::string number_text(double value);

// "true"/"false"/"1"/"0" (case-insensitive) as environment variables spell booleans.
std::optional<bool> parse_bool_text(std::string_view text);
// "redis://user:secret@host:6379/0" → "redis://user:<redacted>@host:6379/0".
std::string redact_url_password(std::string_view url);

// Concatenation by appending only. g++ 12 at -O2/-O3 reports false -Wrestrict errors on
// `"literal" + std::string` (GCC bug 105329), so messages are built with this instead.
template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  out.reserve((std::string_view(parts).size() + ...));
  (out.append(std::string_view(parts)), ...);
  return out;
}

// Levenshtein distance, for "did you mean" hints on typos.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace switchboard::config::schema
