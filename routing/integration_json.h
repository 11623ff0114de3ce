#pragma once
// JSON <-> Integration (contract section 1, seed 002), with validation that names the
// JSON path of every offending element. Startup/API path: not for per-event use.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "routing/integration.h"
#include "routing/validation_error.h"

namespace switchboard::routing {

struct IntegrationParseOptions {
  // Files given to explain/validate must carry `_id`; API creates assign one.
  bool require_id = true;
};

// Validates and converts one integration object. Returns nullopt when any error was
// appended. `path` prefixes every error path ("[3]" gives "[3].conditions[0].value").
std::optional<Integration> integration_from_json(const nlohmann::ordered_json& json, std::string_view path,
                                                 const IntegrationParseOptions& options, ValidationErrors& errors);

struct IntegrationFile {
  std::vector<Integration> integrations;  // empty when errors is not
  ValidationErrors errors;                // JSON syntax errors have path "" and say where
};

// Parses the text of an integrations file: a JSON array of Integration objects, with
// identifiers unique per organization. Never throws.
IntegrationFile parse_integrations_file(std::string_view text, const IntegrationParseOptions& options = {});

// The wire form. Credentials are included only when asked (ApiKey callers never see them).
nlohmann::ordered_json integration_to_json(const Integration& integration, bool include_credentials);

}  // namespace switchboard::routing
