#include "providers/adapters/adapter_catalog.h"
#include "providers/adapters/chat_discord.h"
#include "providers/adapters/chat_mattermost.h"
#include "providers/adapters/chat_msteams.h"
#include "providers/adapters/chat_slack.h"
#include "providers/adapters/chat_whatsapp.h"
#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

void add_chat_adapters(ProviderSet& set, HttpClient& client) {
  auto add = [&](std::shared_ptr<const HttpAdapter> adapter) {
    set.add({std::string(adapter->provider_id())}, std::make_shared<HttpAdapterProvider>(client, adapter));
  };
  add(std::make_shared<SlackAdapter>());
  add(std::make_shared<DiscordAdapter>());
  add(std::make_shared<MsTeamsAdapter>());
  add(std::make_shared<MattermostAdapter>());
  add(std::make_shared<WhatsAppBusinessAdapter>());
}

}  // namespace switchboard::providers
