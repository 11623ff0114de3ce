#include "providers/adapters/sms_support.h"

#include "providers/adapters/adapter_support.h"

namespace switchboard::providers {

std::optional<DeliveryOutcome> check_sms(const routing::Integration& integration, const OutboundMessage& message,
                                         std::initializer_list<std::string_view> keys) {
  if (auto missing = missing_credentials(integration, keys)) return missing;
  if (message.phone.empty()) return rejected("sms event without subscriber.phone");
  return std::nullopt;
}

DeliveryOutcome invalid_recipient(const HttpResult& result, std::string_view provider_reason) {
  DeliveryOutcome outcome = outcome_from_http(result);
  outcome.kind = OutcomeKind::kRejected;
  outcome.error = "invalid recipient number: " + std::string(provider_reason) + " (" + outcome.error + ")";
  return outcome;
}

}  // namespace switchboard::providers
