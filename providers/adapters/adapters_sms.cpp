#include "providers/adapters/adapter_catalog.h"
#include "providers/adapters/http_adapter.h"
#include "providers/adapters/sms_generic.h"
#include "providers/adapters/sms_messagebird.h"
#include "providers/adapters/sms_nexmo.h"
#include "providers/adapters/sms_plivo.h"
#include "providers/adapters/sms_telnyx.h"
#include "providers/adapters/sms_twilio.h"

namespace switchboard::providers {

void add_sms_adapters(ProviderSet& set, HttpClient& client) {
  auto add = [&](std::shared_ptr<const HttpAdapter> adapter) {
    const std::string id(adapter->provider_id());
    set.add({id}, std::make_shared<HttpAdapterProvider>(client, std::move(adapter)));
  };
  add(std::make_shared<TwilioAdapter>());
  add(std::make_shared<NexmoAdapter>());
  add(std::make_shared<PlivoAdapter>());
  add(std::make_shared<TelnyxAdapter>());
  add(std::make_shared<MessagebirdAdapter>());
  set.add({"generic-sms"}, std::make_shared<GenericSmsProvider>(client));
}

}  // namespace switchboard::providers
