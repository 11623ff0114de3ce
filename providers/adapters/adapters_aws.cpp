#include "providers/adapters/adapter_catalog.h"

namespace switchboard::providers {

void add_aws_adapters(ProviderSet&, HttpClient&) {}

}  // namespace switchboard::providers
