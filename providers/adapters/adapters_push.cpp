#include "providers/adapters/adapter_catalog.h"
#include "providers/webhook_provider.h"

namespace switchboard::providers {

void add_push_adapters(ProviderSet& set, HttpClient& client) {
  set.add({"push-webhook"}, std::make_shared<WebhookProvider>(client));
}

}  // namespace switchboard::providers
