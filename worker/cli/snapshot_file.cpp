#include "worker/cli/snapshot_file.h"

#include "routing/integration_json.h"
#include "worker/cli/file_io.h"

namespace switchboard::cli {

LoadedIntegrations load_integrations_file(const std::string& path) {
  LoadedIntegrations loaded;
  std::string error;
  auto text = read_whole_file(path, error);
  if (!text) {
    loaded.errors.push_back({"", error});
    return loaded;
  }
  routing::IntegrationFile file = routing::parse_integrations_file(*text);
  if (!file.errors.empty()) {
    loaded.errors = std::move(file.errors);
    return loaded;
  }
  loaded.snapshot = routing::IntegrationSnapshot::build(std::move(file.integrations));
  return loaded;
}

std::string first_error_line(const routing::ValidationErrors& errors) {
  if (errors.empty()) return {};
  std::string line = errors.front().path.empty() ? errors.front().message
                                                 : errors.front().path + ": " + errors.front().message;
  if (errors.size() > 1) line += " (and " + std::to_string(errors.size() - 1) + " more)";
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

}  // namespace switchboard::cli
