#include "providers/adapters/adapter_catalog.h"

namespace switchboard::providers {

void add_all_adapters(ProviderSet& set, HttpClient& client) {
  add_email_adapters(set, client);
  add_sms_adapters(set, client);
  add_push_adapters(set, client);
  add_chat_adapters(set, client);
  add_aws_adapters(set, client);
}

}  // namespace switchboard::providers
