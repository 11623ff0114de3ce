#pragma once
// Every provider adapter this worker has, registered by providerId. Each channel group
// registers its own adapters (adapters_<group>.cpp), so groups are added without touching
// each other.

#include "providers/http/http_client.h"
#include "providers/provider_set.h"

namespace switchboard::providers {

void add_email_adapters(ProviderSet& set, HttpClient& client);
void add_sms_adapters(ProviderSet& set, HttpClient& client);
void add_push_adapters(ProviderSet& set, HttpClient& client);
void add_chat_adapters(ProviderSet& set, HttpClient& client);
void add_aws_adapters(ProviderSet& set, HttpClient& client);  // ses, sns (SigV4)

// All of the above.
void add_all_adapters(ProviderSet& set, HttpClient& client);

}  // namespace switchboard::providers
