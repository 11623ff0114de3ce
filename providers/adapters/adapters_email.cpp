#include "providers/adapters/adapter_catalog.h"
#include "providers/adapters/email_mailgun.h"
#include "providers/adapters/email_mailjet.h"
#include "providers/adapters/email_postmark.h"
#include "providers/adapters/email_resend.h"
#include "providers/adapters/email_sendgrid.h"
#include "providers/adapters/email_sparkpost.h"
#include "providers/adapters/email_webhook.h"
#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {
namespace {

template <typename Adapter>
void add_adapter(ProviderSet& set, HttpClient& client) {
  auto adapter = std::make_shared<Adapter>();
  const std::string_view id = adapter->provider_id();
  set.add({std::string(id)}, std::make_shared<HttpAdapterProvider>(client, std::move(adapter)));
}

}  // namespace

void add_email_adapters(ProviderSet& set, HttpClient& client) {
  add_adapter<SendgridAdapter>(set, client);
  add_adapter<MailgunAdapter>(set, client);
  add_adapter<PostmarkAdapter>(set, client);
  add_adapter<ResendAdapter>(set, client);
  add_adapter<MailjetAdapter>(set, client);
  add_adapter<SparkpostAdapter>(set, client);
  add_adapter<EmailWebhookAdapter>(set, client);
}

}  // namespace switchboard::providers
