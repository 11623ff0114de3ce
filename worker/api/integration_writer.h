#pragma once
// The API's integration answers written straight to text: exactly the bytes of
// routing::integration_to_json(integration, include_credentials) dumped compactly
// (dump(-1, ' ', false, error_handler_t::replace)), without building the JSON tree, which
// was the hot spot of GET /v1/integrations/{id}. The rare parts whose text nlohmann
// decides (numbers with a fraction, object credentials, strings that are not valid UTF-8)
// are still dumped by nlohmann; integrations with conditions, or with a credential key
// given twice, go through integration_to_json whole. Pure; thread-safe.

#include <string>

#include "routing/integration.h"

namespace switchboard::api {

void append_integration_json(std::string& out, const routing::Integration& integration, bool include_credentials);

}  // namespace switchboard::api
