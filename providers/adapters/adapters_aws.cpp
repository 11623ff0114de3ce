#include "providers/adapters/adapter_catalog.h"
#include "providers/adapters/email_ses.h"
#include "providers/adapters/http_adapter.h"
#include "providers/adapters/sms_sns.h"

namespace switchboard::providers {

void add_aws_adapters(ProviderSet& set, HttpClient& client) {
  set.add({"ses"}, std::make_shared<HttpAdapterProvider>(client, std::make_shared<SesAdapter>()));
  set.add({"sns"}, std::make_shared<HttpAdapterProvider>(client, std::make_shared<SnsAdapter>()));
}

}  // namespace switchboard::providers
