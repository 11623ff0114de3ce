#include "routing/integration_json.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>

#include "routing/condition_check.h"
#include "routing/provider_catalog.h"

namespace switchboard::routing {

namespace {

using Json = nlohmann::ordered_json;

// The CredentialsDto keys of seed 002, with their JSON types, in the seed's order.
constexpr std::array<std::pair<std::string_view, Credential::Type>, 53> kCredentialKeys = {{
    {"apiKey", Credential::Type::kString},
    {"user", Credential::Type::kString},
    {"secretKey", Credential::Type::kString},
    {"domain", Credential::Type::kString},
    {"password", Credential::Type::kString},
    {"host", Credential::Type::kString},
    {"port", Credential::Type::kString},
    {"secure", Credential::Type::kBool},
    {"region", Credential::Type::kString},
    {"accountSid", Credential::Type::kString},
    {"messageProfileId", Credential::Type::kString},
    {"token", Credential::Type::kString},
    {"from", Credential::Type::kString},
    {"senderName", Credential::Type::kString},
    {"projectName", Credential::Type::kString},
    {"applicationId", Credential::Type::kString},
    {"clientId", Credential::Type::kString},
    {"requireTls", Credential::Type::kBool},
    {"ignoreTls", Credential::Type::kBool},
    {"tlsOptions", Credential::Type::kObject},
    {"baseUrl", Credential::Type::kString},
    {"webhookUrl", Credential::Type::kString},
    {"redirectUrl", Credential::Type::kString},
    {"hmac", Credential::Type::kBool},
    {"serviceAccount", Credential::Type::kString},
    {"ipPoolName", Credential::Type::kString},
    {"apiKeyRequestHeader", Credential::Type::kString},
    {"secretKeyRequestHeader", Credential::Type::kString},
    {"idPath", Credential::Type::kString},
    {"datePath", Credential::Type::kString},
    {"apiToken", Credential::Type::kString},
    {"authenticateByToken", Credential::Type::kBool},
    {"authenticationTokenKey", Credential::Type::kString},
    {"instanceId", Credential::Type::kString},
    {"alertUid", Credential::Type::kString},
    {"title", Credential::Type::kString},
    {"imageUrl", Credential::Type::kString},
    {"state", Credential::Type::kString},
    {"externalLink", Credential::Type::kString},
    {"channelId", Credential::Type::kString},
    {"phoneNumberIdentification", Credential::Type::kString},
    {"accessKey", Credential::Type::kString},
    {"appSid", Credential::Type::kString},
    {"senderId", Credential::Type::kString},
    {"tenantId", Credential::Type::kString},
    {"AppIOBaseUrl", Credential::Type::kString},
    {"signingSecret", Credential::Type::kString},
    {"outboundIntegrationId", Credential::Type::kString},
    {"useFromAddressOverride", Credential::Type::kBool},
    {"fromAddressOverride", Credential::Type::kString},
    {"emailSlugPrefix", Credential::Type::kString},
    {"externalEnvironmentId", Credential::Type::kString},
    {"externalWorkspaceId", Credential::Type::kString},
}};

// tlsOptions is stored as JSON text; serializing it recurses, so bound its nesting.
constexpr std::size_t kMaxCredentialDepth = 32;
// Enum-like values echoed in messages are cut so a huge mistaken value stays readable.
constexpr std::size_t kMaxQuotedBytes = 64;

// ---- paths and messages ---------------------------------------------------------------

std::string member_path(std::string_view parent, std::string_view name) {
  std::string path(parent);
  if (!path.empty()) path += '.';
  path += name;
  return path;
}

std::string index_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + '[' + std::to_string(index) + ']';
}

// True when `path` is `prefix` itself or lies below it.
bool is_under(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

// A value for a message, JSON-quoted so control characters cannot garble the line.
// Only for values that are not secret (enum-like fields, ids, identifiers): never for
// credentials or the signing key.
std::string in_quotes(std::string_view value) {
  const bool cut = value.size() > kMaxQuotedBytes;
  const std::string text(value.substr(0, cut ? kMaxQuotedBytes : value.size()));
  return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace) + (cut ? "..." : "");
}

std::string type_error(std::string_view expected, const Json& value) {
  return "must be " + std::string(expected) + ", not " + value.type_name();
}

template <typename Range>
std::string join_names(const Range& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string accepted_channels() {
  std::vector<std::string_view> names;
  for (const Channel channel : kAllChannels) names.push_back(channel_name(channel));
  return join_names(names);
}

std::string accepted_operators() {
  std::vector<std::string_view> names;
  for (auto i = 0; i <= static_cast<int>(Operator::kIsDefined); ++i) {
    names.push_back(operator_name(static_cast<Operator>(i)));
  }
  return join_names(names);
}

std::string accepted_ons() {
  std::vector<std::string_view> names;
  for (auto i = 0; i <= static_cast<int>(ConditionOn::kTenant); ++i) {
    names.push_back(condition_on_name(static_cast<ConditionOn>(i)));
  }
  return join_names(names);
}

// ---- document order ---------------------------------------------------------------------

// Which member of `object` an error lies under, as the member's written position.
// Errors about members not written (missing required ones) rank after all others.
std::size_t member_rank(std::string_view error_path, const Json& object, std::string_view object_path) {
  std::size_t rank = 0;
  std::size_t best_rank = object.size();
  std::size_t best_length = 0;
  for (auto it = object.begin(); it != object.end(); ++it, ++rank) {
    const std::string path = member_path(object_path, it.key());
    if (path.size() > best_length && is_under(error_path, path)) {
      best_rank = rank;
      best_length = path.size();
    }
  }
  return best_rank;
}

// Members are read in a fixed order and some checks run after all of them, so the errors
// about one object are put back in the order its members were written.
void order_by_member(ValidationErrors& errors, std::size_t first, const Json& object, std::string_view object_path) {
  if (errors.size() - first < 2 || !object.is_object()) return;
  std::vector<std::pair<std::size_t, ValidationError>> ranked;
  for (std::size_t i = first; i < errors.size(); ++i) {
    ranked.emplace_back(member_rank(errors[i].path, object, object_path), std::move(errors[i]));
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < ranked.size(); ++i) errors[first + i] = std::move(ranked[i].second);
}

// ---- scalar readers: each reports its own errors under `path` ---------------------------

std::optional<std::string> read_string(const Json& value, const std::string& path, ValidationErrors& errors) {
  if (!value.is_string()) {
    errors.push_back({path, type_error("a string", value)});
    return std::nullopt;
  }
  return value.get<std::string>();
}

std::optional<std::string> read_id(const Json& value, const std::string& path, ValidationErrors& errors) {
  auto text = read_string(value, path, errors);
  if (text && text->empty()) {
    errors.push_back({path, "must not be empty"});
    return std::nullopt;
  }
  return text;
}

std::optional<bool> read_bool(const Json& value, const std::string& path, ValidationErrors& errors) {
  if (!value.is_boolean()) {
    errors.push_back({path, type_error("a boolean", value)});
    return std::nullopt;
  }
  return value.get<bool>();
}

// A JSON integer that fits int64. 2.0 and 1e3 are floats to nlohmann and rejected:
// priority and burst are counts, and a fraction there is almost always a mistake.
std::optional<std::int64_t> read_int64(const Json& value, const std::string& path, ValidationErrors& errors) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (value.is_number_unsigned() && value.get<std::uint64_t>() <= kMax) {
    return static_cast<std::int64_t>(value.get<std::uint64_t>());
  }
  if (value.is_number_integer() && !value.is_number_unsigned()) return value.get<std::int64_t>();
  if (!value.is_number()) {
    errors.push_back({path, type_error("an integer", value)});
  } else if (value.is_number_float() && value.get<double>() != std::trunc(value.get<double>())) {
    errors.push_back({path, "must be an integer, not a number with a fraction"});
  } else if (value.is_number_float() && std::abs(value.get<double>()) < 9.2e18) {
    errors.push_back({path, "must be an integer written without a fraction or exponent"});
  } else {
    errors.push_back({path, "must be an integer that fits in 64 bits"});
  }
  return std::nullopt;
}

std::optional<Timestamp> read_timestamp(const Json& value, const std::string& path, ValidationErrors& errors) {
  const auto text = read_string(value, path, errors);
  if (!text) return std::nullopt;
  auto timestamp = parse_timestamp(*text);
  if (!timestamp) {
    errors.push_back({path, "must be an RFC 3339 UTC timestamp of the form YYYY-MM-DDTHH:MM:SS[.fraction]Z"});
  }
  return timestamp;
}

std::optional<IntegrationKind> read_kind(const Json& value, const std::string& path, ValidationErrors& errors) {
  const auto text = read_string(value, path, errors);
  if (!text) return std::nullopt;
  if (*text == "delivery") return IntegrationKind::kDelivery;
  if (*text == "agent") return IntegrationKind::kAgent;
  errors.push_back({path, "unknown kind " + in_quotes(*text) + "; accepted: delivery, agent"});
  return std::nullopt;
}

std::optional<Channel> read_channel(const Json& value, const std::string& path, ValidationErrors& errors) {
  const auto text = read_string(value, path, errors);
  if (!text) return std::nullopt;
  const auto channel = parse_channel(*text);
  if (!channel) errors.push_back({path, "unknown channel " + in_quotes(*text) + "; accepted: " + accepted_channels()});
  return channel;
}

// ---- object member access ---------------------------------------------------------------

// Reads members of one JSON object, naming errors by the object's path.
class MemberReader {
 public:
  MemberReader(const Json& object, std::string_view path, ValidationErrors& errors)
      : object_(object), path_(path), errors_(errors) {}

  std::string path(std::string_view key) const { return member_path(path_, key); }
  void error(std::string_view key, std::string message) const { errors_.push_back({path(key), std::move(message)}); }

  const Json* find(std::string_view key) const {
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  // Absent members give nullopt without an error.
  template <typename Read>
  auto optional(std::string_view key, Read read) const {
    const Json* value = find(key);
    return value ? read(*value, path(key), errors_) : decltype(read(*value, path(key), errors_)){};
  }

  // Absent members give nullopt and an error, "is required" plus `hint`.
  template <typename Read>
  auto required(std::string_view key, Read read, std::string_view hint = {}) const {
    if (!find(key)) error(key, "is required" + std::string(hint));
    return optional(key, read);
  }

  // Visits every member in written order.
  template <typename Visit>
  void each(Visit visit) const {
    for (auto it = object_.begin(); it != object_.end(); ++it) visit(it.key(), it.value(), path(it.key()));
  }

 private:
  const Json& object_;
  std::string_view path_;
  ValidationErrors& errors_;
};

// ---- credentials and configurations -----------------------------------------------------

std::optional<Credential::Type> credential_type(std::string_view key) {
  for (const auto& [name, type] : kCredentialKeys) {
    if (name == key) return type;
  }
  return std::nullopt;
}

bool nests_deeper_than(const Json& value, std::size_t limit) {
  std::vector<std::pair<const Json*, std::size_t>> pending{{&value, 1}};
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    if (depth > limit) return true;
    if (!node->is_structured()) continue;
    for (const Json& child : *node) pending.emplace_back(&child, depth + 1);
  }
  return false;
}

// Messages name only the key and the expected type: credential values are secrets.
std::optional<Credential> read_credential(const std::string& key, const Json& value, const std::string& path,
                                          ValidationErrors& errors) {
  const auto type = credential_type(key);
  if (!type) {
    errors.push_back({path, "unknown credential key"});
    return std::nullopt;
  }
  Credential credential{key, *type, {}};
  switch (*type) {
    case Credential::Type::kString:
      if (!value.is_string()) break;
      credential.value = value.get<std::string>();
      return credential;
    case Credential::Type::kBool:
      if (!value.is_boolean()) break;
      credential.value = value.get<bool>() ? "true" : "false";
      return credential;
    case Credential::Type::kObject:
      if (!value.is_object()) break;
      if (nests_deeper_than(value, kMaxCredentialDepth)) {
        errors.push_back({path, "must not nest deeper than " + std::to_string(kMaxCredentialDepth) + " levels"});
        return std::nullopt;
      }
      credential.value = value.dump(-1, ' ', false, Json::error_handler_t::replace);
      return credential;
  }
  static constexpr std::array<std::string_view, 3> kTypeNames = {"a string", "a boolean", "an object"};
  errors.push_back({path, type_error(kTypeNames[static_cast<std::size_t>(*type)], value)});
  return std::nullopt;
}

std::optional<std::vector<Credential>> read_credentials(const Json& value, const std::string& path,
                                                        ValidationErrors& errors) {
  if (!value.is_object()) {
    errors.push_back({path, type_error("an object", value)});
    return std::nullopt;
  }
  std::vector<Credential> credentials;
  MemberReader(value, path, errors).each([&](const std::string& key, const Json& member, const std::string& at) {
    if (auto credential = read_credential(key, member, at, errors)) credentials.push_back(std::move(*credential));
  });
  return credentials;
}

std::optional<double> read_per_second(const Json& value, const std::string& path, ValidationErrors& errors) {
  if (!value.is_number()) {
    errors.push_back({path, type_error("a number", value)});
    return std::nullopt;
  }
  const auto per_second = value.get<double>();
  if (!(per_second > 0) || !std::isfinite(per_second)) {
    errors.push_back({path, "must be a number greater than 0"});
    return std::nullopt;
  }
  return per_second;
}

std::optional<std::int64_t> read_burst(const Json& value, const std::string& path, ValidationErrors& errors) {
  const auto burst = read_int64(value, path, errors);
  if (burst && *burst < 1) {
    errors.push_back({path, "must be at least 1"});
    return std::nullopt;
  }
  return burst;
}

std::optional<RateLimit> read_rate_limit(const Json& value, const std::string& path, ValidationErrors& errors) {
  if (!value.is_object()) {
    errors.push_back({path, type_error("an object", value)});
    return std::nullopt;
  }
  const std::size_t first = errors.size();
  const MemberReader reader(value, path, errors);
  RateLimit limit;
  limit.per_second = reader.required("perSecond", read_per_second).value_or(0);
  limit.burst = reader.required("burst", read_burst).value_or(0);
  reader.each([&](const std::string& key, const Json&, const std::string& at) {
    if (key == "perSecond" || key == "burst") return;
    errors.push_back({at, "unknown rateLimit key; accepted: perSecond, burst"});
  });
  order_by_member(errors, first, value, path);
  return limit;
}

std::optional<Configurations> read_configurations(const Json& value, const std::string& path,
                                                  ValidationErrors& errors) {
  if (!value.is_object()) {
    errors.push_back({path, type_error("an object", value)});
    return std::nullopt;
  }
  Configurations configurations;
  MemberReader(value, path, errors).each([&](const std::string& key, const Json& member, const std::string& at) {
    if (key == "inboundWebhookEnabled") {
      configurations.inbound_webhook_enabled = read_bool(member, at, errors);
    } else if (key == "inboundWebhookSigningKey") {
      configurations.inbound_webhook_signing_key = read_string(member, at, errors);
    } else if (key == "rateLimit") {
      configurations.rate_limit = read_rate_limit(member, at, errors);
    } else {
      errors.push_back(
          {at, "unknown configuration key; accepted: inboundWebhookEnabled, inboundWebhookSigningKey, rateLimit"});
    }
  });
  return configurations;
}

// ---- conditions ---------------------------------------------------------------------------

std::optional<ConditionOn> read_on(const Json& value, const std::string& path, ValidationErrors& errors) {
  const auto text = read_string(value, path, errors);
  if (!text) return std::nullopt;
  const auto on = parse_condition_on(*text);
  if (!on) errors.push_back({path, "unknown on " + in_quotes(*text) + "; accepted: " + accepted_ons()});
  return on;
}

std::optional<Operator> read_operator(const Json& value, const std::string& path, ValidationErrors& errors) {
  const auto text = read_string(value, path, errors);
  if (!text) return std::nullopt;
  const auto op = parse_operator(*text);
  if (!op) errors.push_back({path, "unknown operator " + in_quotes(*text) + "; accepted: " + accepted_operators()});
  return op;
}

std::optional<GroupLogic> read_logic(const Json& value, const std::string& path, ValidationErrors& errors) {
  const auto text = read_string(value, path, errors);
  if (!text) return std::nullopt;
  const auto logic = parse_group_logic(*text);
  if (!logic) errors.push_back({path, "unknown group value " + in_quotes(*text) + "; accepted: AND, OR"});
  return logic;
}

// Numbers and booleans are kept as their JSON text (contract 3.3), so 200 becomes "200".
std::optional<std::string> read_condition_value(const Json& value, const std::string& path,
                                                ValidationErrors& errors) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  errors.push_back({path, type_error("a string, number or boolean", value)});
  return std::nullopt;
}

ConditionChild read_child_members(const MemberReader& reader, bool& field_ok) {
  ConditionChild child;
  const auto on = reader.required("on", read_on, "; accepted: " + accepted_ons());
  const auto field = reader.required("field", read_string);
  const auto op = reader.required("operator", read_operator, "; accepted: " + accepted_operators());
  child.value = reader.optional("value", read_condition_value);
  // Without a known operator we cannot tell whether the value may be absent.
  if (op && *op != Operator::kIsDefined && !reader.find("value")) {
    reader.error("value", "is required for operator " + std::string(operator_name(*op)));
  }
  child.on = on.value_or(ConditionOn::kPayload);
  child.field = field.value_or("");
  child.op = op.value_or(Operator::kEqual);
  field_ok = field.has_value();
  return child;
}

std::optional<ConditionChild> read_child(const Json& value, const std::string& path, ValidationErrors& errors) {
  if (!value.is_object()) {
    errors.push_back({path, type_error("an object", value)});
    return std::nullopt;
  }
  const std::size_t first = errors.size();
  bool field_ok = false;
  ConditionChild child = read_child_members(MemberReader(value, path, errors), field_ok);
  // A missing or mistyped field was reported above; checking it again would repeat that.
  if (field_ok) check_condition_child(child, path, errors);
  order_by_member(errors, first, value, path);
  return child;
}

std::optional<std::vector<ConditionChild>> read_children(const Json& value, const std::string& path,
                                                         ValidationErrors& errors) {
  if (!value.is_array()) {
    errors.push_back({path, type_error("an array", value)});
    return std::nullopt;
  }
  std::vector<ConditionChild> children;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (auto child = read_child(value[i], index_path(path, i), errors)) children.push_back(std::move(*child));
  }
  return children;
}

std::optional<ConditionGroup> read_group(const Json& value, const std::string& path, ValidationErrors& errors) {
  if (!value.is_object()) {
    errors.push_back({path, type_error("an object", value)});
    return std::nullopt;
  }
  const std::size_t first = errors.size();
  const MemberReader reader(value, path, errors);
  ConditionGroup group;
  group.is_negated = reader.optional("isNegated", read_bool).value_or(false);
  group.type = reader.optional("type", read_string);
  group.logic = reader.required("value", read_logic, "; accepted: AND, OR").value_or(GroupLogic::kAnd);
  group.children = reader.optional("children", read_children).value_or(std::vector<ConditionChild>{});
  order_by_member(errors, first, value, path);
  return group;
}

std::optional<std::vector<ConditionGroup>> read_conditions(const Json& value, const std::string& path,
                                                           ValidationErrors& errors) {
  if (!value.is_array()) {
    errors.push_back({path, type_error("an array", value)});
    return std::nullopt;
  }
  std::vector<ConditionGroup> groups;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (auto group = read_group(value[i], index_path(path, i), errors)) groups.push_back(std::move(*group));
  }
  return groups;
}

// ---- the integration --------------------------------------------------------------------

void read_identity(const MemberReader& reader, const IntegrationParseOptions& options, Integration& out) {
  out.id = (options.require_id ? reader.required("_id", read_id) : reader.optional("_id", read_id)).value_or("");
  out.environment_id = reader.required("_environmentId", read_id).value_or("");
  out.organization_id = reader.required("_organizationId", read_id).value_or("");
  out.name = reader.required("name", read_string).value_or("");
  out.identifier = reader.required("identifier", read_id).value_or("");
}

// kind, channel and providerId together: a delivery integration needs a channel, and its
// provider must be one of that channel's (contract section 1).
void read_kind_channel_provider(const MemberReader& reader, Integration& out) {
  const auto provider = reader.required("providerId", read_id);
  out.channel = reader.optional("channel", read_channel);
  const auto kind = reader.find("kind") ? reader.optional("kind", read_kind) : IntegrationKind::kDelivery;
  out.provider_id = provider.value_or("");
  out.kind = kind.value_or(IntegrationKind::kDelivery);
  if (kind != IntegrationKind::kDelivery) return;
  if (!reader.find("channel")) {
    reader.error("channel", "is required when kind is \"delivery\" (the default); accepted: " + accepted_channels());
  } else if (out.channel && provider && !provider_belongs_to(*provider, *out.channel)) {
    const std::string channel(channel_name(*out.channel));
    reader.error("providerId", in_quotes(*provider) + " is not a provider of channel " + channel +
                                   "; accepted for " + channel + ": " + join_names(providers_of(*out.channel)));
  }
}

void read_state(const MemberReader& reader, Integration& out) {
  out.credentials = reader.optional("credentials", read_credentials);
  out.configurations = reader.optional("configurations", read_configurations);
  out.active = reader.required("active", read_bool).value_or(false);
  out.deleted = reader.required("deleted", read_bool).value_or(false);
  out.deleted_at = reader.optional("deletedAt", read_string);
  out.deleted_by = reader.optional("deletedBy", read_string);
  out.primary = reader.required("primary", read_bool).value_or(false);
  out.priority = reader.optional("priority", read_int64).value_or(0);
  out.created_at = reader.optional("createdAt", read_timestamp);
  out.updated_at = reader.optional("updatedAt", read_timestamp);
  out.conditions = reader.optional("conditions", read_conditions).value_or(std::vector<ConditionGroup>{});
}

std::optional<Integration> read_integration(const Json& json, std::string_view path,
                                            const IntegrationParseOptions& options, ValidationErrors& errors) {
  if (!json.is_object()) {
    errors.push_back({std::string(path), type_error("an object", json)});
    return std::nullopt;
  }
  const std::size_t first = errors.size();
  const MemberReader reader(json, path, errors);
  Integration out;
  read_identity(reader, options, out);
  read_kind_channel_provider(reader, out);
  read_state(reader, out);
  order_by_member(errors, first, json, path);
  if (errors.size() != first) return std::nullopt;
  return out;
}

// ---- the file -----------------------------------------------------------------------------

// nlohmann's message without the "last read: '...'" excerpt of the input, which could be
// part of a credential. Only a known token name may follow the excerpt.
std::string describe_parse_error(const Json::parse_error& error) {
  std::string_view what = error.what();
  if (const auto tag_end = what.find("] "); what.starts_with("[json.exception.") && tag_end != what.npos) {
    what.remove_prefix(tag_end + 2);
  }
  const auto excerpt = what.find("; last read: '");
  if (excerpt == what.npos) return std::string(what);
  std::string message(what.substr(0, excerpt));
  static constexpr std::array<std::string_view, 13> kExpected = {
      "'; expected end of input", "'; expected '[', '{', or a literal", "'; expected string literal",
      "'; expected ':'",          "'; expected ','",                    "'; expected ']'",
      "'; expected '}'",          "'; expected '['",                    "'; expected '{'",
      "'; expected number literal", "'; expected true literal",         "'; expected false literal",
      "'; expected null literal"};
  for (const std::string_view expected : kExpected) {
    if (what.ends_with(expected)) return message + std::string(expected.substr(1));
  }
  return message;
}

std::optional<Json> parse_document(std::string_view text, ValidationErrors& errors) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& error) {
    errors.push_back({"", "not valid JSON: " + describe_parse_error(error) + " at byte " + std::to_string(error.byte)});
  } catch (const Json::out_of_range&) {
    // nlohmann reports a number beyond double range this way, with the number in the text.
    errors.push_back({"", "not valid JSON: a number is too large"});
  } catch (const Json::exception&) {
    errors.push_back({"", "not valid JSON"});
  }
  return std::nullopt;
}

using IdentifierOwners = std::map<std::pair<std::string, std::string>, std::size_t>;

// Looks at the raw member values so a duplicate is reported even beside other errors.
void check_unique_identifier(const Json& element, std::size_t index, IdentifierOwners& owners,
                             ValidationErrors& errors) {
  if (!element.is_object()) return;
  const auto org = element.find("_organizationId");
  const auto identifier = element.find("identifier");
  if (org == element.end() || identifier == element.end() || !org->is_string() || !identifier->is_string()) return;
  const auto& org_id = org->get_ref<const std::string&>();
  const auto& identifier_text = identifier->get_ref<const std::string&>();
  if (org_id.empty() || identifier_text.empty()) return;
  const auto [owner, inserted] = owners.try_emplace({org_id, identifier_text}, index);
  if (inserted) return;
  errors.push_back({member_path(index_path("", index), "identifier"),
                    "identifier " + in_quotes(identifier_text) + " is already used in organization " +
                        in_quotes(org_id) + " by " + index_path("", owner->second)});
}

// ---- serialization ------------------------------------------------------------------------

Json credential_to_json(const Credential& credential) {
  switch (credential.type) {
    case Credential::Type::kBool:
      return credential.value == "true";
    case Credential::Type::kObject: {
      Json object = Json::parse(credential.value, nullptr, false);
      // Only a hand-built Credential can hold bad text; keep it rather than drop it.
      return object.is_discarded() ? Json(credential.value) : object;
    }
    case Credential::Type::kString:
      break;
  }
  return credential.value;
}

Json credentials_to_json(const std::vector<Credential>& credentials) {
  Json out = Json::object();
  for (const Credential& credential : credentials) out[credential.key] = credential_to_json(credential);
  return out;
}

Json configurations_to_json(const Configurations& configurations) {
  Json out = Json::object();
  if (configurations.inbound_webhook_enabled) out["inboundWebhookEnabled"] = *configurations.inbound_webhook_enabled;
  if (configurations.inbound_webhook_signing_key) {
    out["inboundWebhookSigningKey"] = *configurations.inbound_webhook_signing_key;
  }
  if (configurations.rate_limit) {
    out["rateLimit"] = {{"perSecond", configurations.rate_limit->per_second},
                        {"burst", configurations.rate_limit->burst}};
  }
  return out;
}

Json child_to_json(const ConditionChild& child) {
  Json out = Json::object();
  out["field"] = child.field;
  if (child.value) out["value"] = *child.value;
  out["operator"] = operator_name(child.op);
  out["on"] = condition_on_name(child.on);
  return out;
}

Json group_to_json(const ConditionGroup& group) {
  Json out = Json::object();
  out["isNegated"] = group.is_negated;
  if (group.type) out["type"] = *group.type;
  out["value"] = group_logic_name(group.logic);
  Json children = Json::array();
  for (const ConditionChild& child : group.children) children.push_back(child_to_json(child));
  out["children"] = std::move(children);
  return out;
}

void put_optional(Json& out, const char* key, const std::optional<std::string>& value) {
  if (value) out[key] = *value;
}

void put_optional(Json& out, const char* key, const std::optional<Timestamp>& value) {
  if (value) out[key] = value->text;
}

}  // namespace

std::optional<Integration> integration_from_json(const nlohmann::ordered_json& json, std::string_view path,
                                                 const IntegrationParseOptions& options, ValidationErrors& errors) {
  try {
    return read_integration(json, path, options, errors);
  } catch (const Json::exception& error) {
    // Not expected (types are checked before every access); keeps the no-throw promise.
    errors.push_back({std::string(path), std::string("could not be read: ") + error.what()});
    return std::nullopt;
  }
}

IntegrationFile parse_integrations_file(std::string_view text, const IntegrationParseOptions& options) {
  IntegrationFile file;
  const auto document = parse_document(text, file.errors);
  if (!document) return file;
  if (!document->is_array()) {
    file.errors.push_back({"", std::string("integrations must be a JSON array, not ") + document->type_name()});
    return file;
  }
  IdentifierOwners owners;
  for (std::size_t i = 0; i < document->size(); ++i) {
    const Json& element = (*document)[i];
    const std::string path = index_path("", i);
    ValidationErrors element_errors;
    auto integration = integration_from_json(element, path, options, element_errors);
    check_unique_identifier(element, i, owners, element_errors);
    order_by_member(element_errors, 0, element, path);
    file.errors.insert(file.errors.end(), element_errors.begin(), element_errors.end());
    if (integration) file.integrations.push_back(std::move(*integration));
  }
  if (!file.errors.empty()) file.integrations.clear();
  return file;
}

nlohmann::ordered_json integration_to_json(const Integration& integration, bool include_credentials) {
  Json out = Json::object();
  // An integration not yet stored has no id; "" would not read back.
  if (!integration.id.empty()) out["_id"] = integration.id;
  out["_environmentId"] = integration.environment_id;
  out["_organizationId"] = integration.organization_id;
  out["name"] = integration.name;
  out["identifier"] = integration.identifier;
  out["providerId"] = integration.provider_id;
  if (integration.channel) out["channel"] = channel_name(*integration.channel);
  out["kind"] = integration.kind == IntegrationKind::kAgent ? "agent" : "delivery";
  if (include_credentials && integration.credentials) {
    out["credentials"] = credentials_to_json(*integration.credentials);
  }
  if (integration.configurations) out["configurations"] = configurations_to_json(*integration.configurations);
  out["active"] = integration.active;
  out["deleted"] = integration.deleted;
  put_optional(out, "deletedAt", integration.deleted_at);
  put_optional(out, "deletedBy", integration.deleted_by);
  out["primary"] = integration.primary;
  out["priority"] = integration.priority;
  put_optional(out, "createdAt", integration.created_at);
  put_optional(out, "updatedAt", integration.updated_at);
  Json conditions = Json::array();
  for (const ConditionGroup& group : integration.conditions) conditions.push_back(group_to_json(group));
  out["conditions"] = std::move(conditions);
  return out;
}

}  // namespace switchboard::routing
