#include "providers/adapters/adapter_catalog.h"
#include "providers/adapters/http_adapter.h"
#include "providers/adapters/push_apns.h"
#include "providers/adapters/push_expo.h"
#include "providers/adapters/push_fcm.h"
#include "providers/adapters/push_onesignal.h"
#include "providers/adapters/push_webhook.h"

namespace switchboard::providers {

void add_push_adapters(ProviderSet& set, HttpClient& client) {
  set.add({"fcm"}, std::make_shared<FcmProvider>(client));
  set.add({"expo"}, std::make_shared<HttpAdapterProvider>(client, std::make_shared<ExpoAdapter>()));
  set.add({"one-signal"}, std::make_shared<HttpAdapterProvider>(client, std::make_shared<OneSignalAdapter>()));
  set.add({"push-webhook"}, std::make_shared<HttpAdapterProvider>(client, std::make_shared<PushWebhookAdapter>()));
  set.add({"apns"}, std::make_shared<HttpAdapterProvider>(client, std::make_shared<ApnsAdapter>()));
}

}  // namespace switchboard::providers
