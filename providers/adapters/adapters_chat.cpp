#include "providers/adapters/adapter_catalog.h"
#include "providers/webhook_provider.h"

namespace switchboard::providers {

void add_chat_adapters(ProviderSet& set, HttpClient& client) {
  set.add({"slack", "discord", "msteams", "mattermost"}, std::make_shared<WebhookProvider>(client));
}

}  // namespace switchboard::providers
