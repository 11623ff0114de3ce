#pragma once
// The Integration resource (contract section 1; Novu's IntegrationResponseDto, seed 002).
// A plain value type: parsing, validation and serialization live in integration_json.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/channel.h"
#include "routing/condition.h"
#include "routing/timestamp.h"

namespace switchboard::routing {

enum class IntegrationKind : std::uint8_t { kDelivery = 0, kAgent };

// One CredentialsDto entry. Values keep their JSON type so a round trip is exact:
// strings as is, booleans as "true"/"false", objects (tlsOptions) as minified JSON text.
struct Credential {
  enum class Type : std::uint8_t { kString, kBool, kObject };
  std::string key;
  Type type = Type::kString;
  std::string value;

  bool operator==(const Credential&) const = default;
};

struct RateLimit {
  double per_second = 0;  // > 0
  std::int64_t burst = 0;  // >= 1

  bool operator==(const RateLimit&) const = default;
};

struct Configurations {
  std::optional<bool> inbound_webhook_enabled;
  std::optional<std::string> inbound_webhook_signing_key;
  std::optional<RateLimit> rate_limit;

  bool operator==(const Configurations&) const = default;
};

struct Integration {
  std::string id;               // _id
  std::string environment_id;   // _environmentId
  std::string organization_id;  // _organizationId
  std::string name;
  std::string identifier;
  std::string provider_id;
  std::optional<Channel> channel;  // absent only when kind == agent
  IntegrationKind kind = IntegrationKind::kDelivery;
  std::optional<std::vector<Credential>> credentials;  // key order as written
  std::optional<Configurations> configurations;
  bool active = false;
  bool deleted = false;
  std::optional<std::string> deleted_at;
  std::optional<std::string> deleted_by;
  bool primary = false;
  std::int64_t priority = 0;
  std::optional<Timestamp> created_at;
  std::optional<Timestamp> updated_at;
  std::vector<ConditionGroup> conditions;

  bool operator==(const Integration&) const = default;

  const Credential* find_credential(std::string_view key) const noexcept;
  bool conditioned() const noexcept { return !conditions.empty(); }
};

}  // namespace switchboard::routing
