#pragma once
// Loads an integrations file (a JSON array, contract section 1) into a routing snapshot.

#include <memory>
#include <string>

#include "routing/integration_snapshot.h"
#include "routing/validation_error.h"

namespace switchboard::cli {

struct LoadedIntegrations {
  std::shared_ptr<const routing::IntegrationSnapshot> snapshot;  // null when invalid
  routing::ValidationErrors errors;  // file errors use path "" and say what is wrong
};

LoadedIntegrations load_integrations_file(const std::string& path);

// "PATH: MESSAGE" of the first error, plus a count of the others: one line for stderr.
std::string first_error_line(const routing::ValidationErrors& errors);

}  // namespace switchboard::cli
