#include "providers/adapters/adapter_catalog.h"
#include "providers/adapters/email_sendgrid.h"
#include "providers/adapters/http_adapter.h"
#include "providers/webhook_provider.h"

namespace switchboard::providers {

void add_email_adapters(ProviderSet& set, HttpClient& client) {
  set.add({"sendgrid"}, std::make_shared<HttpAdapterProvider>(client, std::make_shared<SendgridAdapter>()));
  set.add({"email-webhook"}, std::make_shared<WebhookProvider>(client));
}

}  // namespace switchboard::providers
