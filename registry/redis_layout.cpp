#include "registry/redis_layout.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "registry/compact_json.h"
#include "registry/integration_store.h"

namespace switchboard::registry {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string env_base(const std::string& prefix, std::string_view org, std::string_view env) {
  return prefix + "env:" + escape_key_part(org) + ":" + escape_key_part(env);
}

}  // namespace

std::string escape_key_part(std::string_view part) {
  std::string out;
  out.reserve(part.size());
  for (const char c : part) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case ':':
        out += "%3A";
        break;
      case '\t':
        out += "%09";
        break;
      case '\n':
        out += "%0A";
        break;
      case '\r':
        out += "%0D";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::optional<std::string> unescape_key_part(std::string_view part) {
  std::string out;
  out.reserve(part.size());
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (part[i] != '%') {
      out += part[i];
      continue;
    }
    if (i + 2 >= part.size()) return std::nullopt;
    const int high = hex_value(part[i + 1]);
    const int low = hex_value(part[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::string RedisKeys::env_documents(std::string_view org, std::string_view env) const {
  return env_base(prefix_, org, env);
}
std::string RedisKeys::env_flags(std::string_view org, std::string_view env) const {
  return env_base(prefix_, org, env) + ":flags";
}
std::string RedisKeys::env_order(std::string_view org, std::string_view env) const {
  return env_base(prefix_, org, env) + ":order";
}
std::string RedisKeys::org_identifiers(std::string_view org) const {
  return prefix_ + "org:" + escape_key_part(org) + ":identifiers";
}
std::string RedisKeys::id_location(std::string_view id) const { return prefix_ + "id:" + std::string(id); }
std::string RedisKeys::versions() const { return prefix_ + "versions"; }
std::string RedisKeys::invalidation_channel() const { return prefix_ + "invalidate"; }
std::string RedisKeys::idempotency(std::string_view scoped_key) const {
  return prefix_ + "idem:" + std::string(scoped_key);
}

std::string environment_field(std::string_view org, std::string_view env) {
  return escape_key_part(org) + "\t" + escape_key_part(env);
}

std::optional<std::pair<std::string, std::string>> parse_environment_field(std::string_view field) {
  const auto tab = field.find('\t');
  if (tab == std::string_view::npos || field.find('\t', tab + 1) != std::string_view::npos) return std::nullopt;
  auto org = unescape_key_part(field.substr(0, tab));
  auto env = unescape_key_part(field.substr(tab + 1));
  if (!org || !env || org->empty() || env->empty()) return std::nullopt;
  return std::make_pair(std::move(*org), std::move(*env));
}

std::string invalidation_message(std::string_view org, std::string_view env, std::uint64_t version) {
  return environment_field(org, env) + "\t" + std::to_string(version);
}

std::optional<Invalidation> parse_invalidation_message(std::string_view message) {
  const auto tab = message.rfind('\t');
  if (tab == std::string_view::npos) return std::nullopt;
  auto location = parse_environment_field(message.substr(0, tab));
  if (!location) return std::nullopt;
  const std::string_view digits = message.substr(tab + 1);
  std::uint64_t version = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return Invalidation{std::move(location->first), std::move(location->second), version};
}

std::string flags_to_json(const StoredFlags& flags) {
  nlohmann::ordered_json json = {{"active", flags.active}, {"primary", flags.primary}, {"deleted", flags.deleted}};
  if (flags.deleted_at) json["deletedAt"] = *flags.deleted_at;
  if (flags.deleted_by) json["deletedBy"] = *flags.deleted_by;
  json["bucket"] = flags.bucket;
  json["identifier"] = flags.identifier;
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::optional<StoredFlags> flags_from_json_fast(std::string_view text) {
  enum : unsigned { kActive = 1, kPrimary = 2, kDeleted = 4, kBucket = 8, kIdentifier = 16, kDeletedAt = 32, kDeletedBy = 64 };
  constexpr unsigned kRequired = kActive | kPrimary | kDeleted | kBucket | kIdentifier;
  CompactJsonReader reader(text);
  if (!reader.consume('{')) return std::nullopt;
  StoredFlags flags;
  unsigned seen = 0;
  std::string key;
  std::string ignored;
  const auto once = [&](unsigned bit) {
    if ((seen & bit) != 0) return false;  // a duplicate: the full parser keeps the last
    seen |= bit;
    return true;
  };
  const auto optional_text = [&](std::optional<std::string>& target) {
    if (reader.consume_null()) {
      target.reset();
      return true;
    }
    return reader.read_string(target.emplace());
  };
  if (!reader.consume('}')) {
    do {
      if (!reader.read_string(key) || !reader.consume(':')) return std::nullopt;
      bool ok = false;
      if (key == "active") {
        ok = once(kActive) && reader.read_bool(flags.active);
      } else if (key == "primary") {
        ok = once(kPrimary) && reader.read_bool(flags.primary);
      } else if (key == "deleted") {
        ok = once(kDeleted) && reader.read_bool(flags.deleted);
      } else if (key == "bucket") {
        ok = once(kBucket) && reader.read_string(flags.bucket);
      } else if (key == "identifier") {
        ok = once(kIdentifier) && reader.read_string(flags.identifier);
      } else if (key == "deletedAt") {
        ok = once(kDeletedAt) && optional_text(flags.deleted_at);
      } else if (key == "deletedBy") {
        ok = once(kDeletedBy) && optional_text(flags.deleted_by);
      } else {
        bool flag = false;  // another member, ignored as flags_from_json ignores it
        ok = reader.consume_null() || reader.read_bool(flag) || (reader.peek('"') && reader.read_string(ignored));
      }
      if (!ok) return std::nullopt;
    } while (reader.consume(','));
    if (!reader.consume('}')) return std::nullopt;
  }
  if (!reader.at_end() || (seen & kRequired) != kRequired) return std::nullopt;
  return flags;
}

Result<StoredFlags> flags_from_json(std::string_view text, std::string_view where) {
  if (auto flags = flags_from_json_fast(text)) return std::move(*flags);
  const auto corrupt = [&](const std::string& what) {
    return Error{kCorrupt, std::string(where) + ": flags record " + what};
  };
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return corrupt("is not a JSON object");
  StoredFlags flags;
  const auto read_bool = [&](const char* name, bool& out) {
    const auto it = json.find(name);
    if (it == json.end() || !it->is_boolean()) return false;
    out = it->get<bool>();
    return true;
  };
  const auto read_string = [&](const char* name, std::string& out) {
    const auto it = json.find(name);
    if (it == json.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  if (!read_bool("active", flags.active) || !read_bool("primary", flags.primary) ||
      !read_bool("deleted", flags.deleted)) {
    return corrupt("lacks active, primary or deleted (booleans)");
  }
  if (!read_string("bucket", flags.bucket) || !read_string("identifier", flags.identifier)) {
    return corrupt("lacks bucket or identifier (strings)");
  }
  for (const auto& [name, target] : {std::pair{"deletedAt", &flags.deleted_at}, std::pair{"deletedBy", &flags.deleted_by}}) {
    const auto it = json.find(name);
    if (it == json.end() || it->is_null()) continue;
    if (!it->is_string()) return corrupt(std::string("has a non-string ") + name);
    *target = it->get<std::string>();
  }
  return flags;
}

std::string encode_idempotency_record(const IdempotencyRecord& record) {
  return record.request_hash + "\t" + (record.in_flight ? "1" : "0") + "\t" + std::to_string(record.status) + "\t" +
         record.body;
}

std::optional<IdempotencyRecord> decode_idempotency_record(std::string_view text) {
  const auto first = text.find('\t');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = text.find('\t', first + 1);
  if (second == std::string_view::npos || second != first + 2) return std::nullopt;
  const auto third = text.find('\t', second + 1);
  if (third == std::string_view::npos) return std::nullopt;
  IdempotencyRecord record;
  record.request_hash = std::string(text.substr(0, first));
  const char flag = text[first + 1];
  if (flag != '0' && flag != '1') return std::nullopt;
  record.in_flight = flag == '1';
  const std::string_view status = text.substr(second + 1, third - second - 1);
  const auto [end, ec] = std::from_chars(status.data(), status.data() + status.size(), record.status);
  if (status.empty() || ec != std::errc{} || end != status.data() + status.size()) return std::nullopt;
  record.body = std::string(text.substr(third + 1));
  return record;
}

}  // namespace switchboard::registry
