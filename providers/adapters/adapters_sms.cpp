#include "providers/adapters/adapter_catalog.h"

namespace switchboard::providers {

void add_sms_adapters(ProviderSet&, HttpClient&) {}

}  // namespace switchboard::providers
