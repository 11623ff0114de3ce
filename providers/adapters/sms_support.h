#pragma once
// What every sms adapter checks before building a request, and the one sms-specific
// outcome rule: a provider saying the recipient number is invalid means `rejected` (the
// number is a property of the message, so no other provider could deliver it either).

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "providers/adapters/outbound_message.h"
#include "providers/delivery_outcome.h"
#include "providers/http/http_types.h"
#include "routing/integration.h"

namespace switchboard::providers {

// `permanent` naming the first missing credential of `keys`, else `rejected` when the
// subscriber has no phone, else nullopt.
std::optional<DeliveryOutcome> check_sms(const routing::Integration& integration, const OutboundMessage& message,
                                         std::initializer_list<std::string_view> keys);

// `rejected` carrying the HTTP status and the provider's reason: the recipient number is invalid.
DeliveryOutcome invalid_recipient(const HttpResult& result, std::string_view provider_reason);

}  // namespace switchboard::providers
