#include "routing/integration.h"

namespace switchboard::routing {

const Credential* Integration::find_credential(std::string_view key) const noexcept {
  if (!credentials) return nullptr;
  for (const Credential& credential : *credentials) {
    if (credential.key == key) return &credential;
  }
  return nullptr;
}

}  // namespace switchboard::routing
