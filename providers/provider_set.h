#pragma once
// The worker's ProviderRegistry: adapters by providerId, with an optional adapter that
// serves every provider (delivery.mode = null | webhook). Read-only once built.

#include <map>
#include <memory>
#include <string>

#include "providers/provider.h"

namespace switchboard::providers {

class ProviderSet final : public ProviderRegistry {
 public:
  // Takes ownership; `provider_ids` share one adapter instance.
  void add(std::initializer_list<std::string> provider_ids, std::shared_ptr<Provider> provider);
  // Serves every providerId (benchmarks, load tests).
  void serve_all_with(std::shared_ptr<Provider> provider) { all_ = std::move(provider); }

  Provider* find(std::string_view provider_id) const noexcept override;

 private:
  std::map<std::string, std::shared_ptr<Provider>, std::less<>> by_id_;
  std::shared_ptr<Provider> all_;
};

}  // namespace switchboard::providers
