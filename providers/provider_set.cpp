#include "providers/provider_set.h"

namespace switchboard::providers {

void ProviderSet::add(std::initializer_list<std::string> provider_ids, std::shared_ptr<Provider> provider) {
  for (const std::string& id : provider_ids) by_id_[id] = provider;
}

Provider* ProviderSet::find(std::string_view provider_id) const noexcept {
  if (all_) return all_.get();
  auto it = by_id_.find(provider_id);
  return it == by_id_.end() ? nullptr : it->second.get();
}

}  // namespace switchboard::providers
