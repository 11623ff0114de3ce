#include "providers/adapters/email_support.h"

#include "providers/adapters/adapter_support.h"

namespace switchboard::providers {

std::optional<DeliveryOutcome> email_build_failure(const routing::Integration& integration,
                                                   const OutboundMessage& message,
                                                   std::initializer_list<std::string_view> credential_keys) {
  if (auto missing = missing_credentials(integration, credential_keys)) return missing;
  if (message.email.empty()) return rejected("email event without subscriber.email");
  if (sender_address(integration, message).empty()) return missing_credentials(integration, {"from"});
  return std::nullopt;
}

std::string mailbox(std::string_view name, std::string_view address) {
  if (name.empty()) return std::string(address);
  std::string out;
  if (name.find_first_of("()<>[]:;@\\,.\"") == std::string_view::npos) {
    out = name;
  } else {
    out.push_back('"');
    for (const char c : name) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out += " <";
  out += address;
  out.push_back('>');
  return out;
}

std::string email_text(const OutboundMessage& message) {
  if (message.body.empty() && message.html.empty()) return " ";
  return message.body;
}

std::vector<std::pair<std::string, std::string>> tracking_ids(const OutboundMessage& message) {
  std::vector<std::pair<std::string, std::string>> ids;
  if (!message.event_id.empty()) ids.emplace_back("switchboardEventId", message.event_id);
  if (!message.transaction_id.empty()) ids.emplace_back("transactionId", message.transaction_id);
  if (!message.subscriber_id.empty()) ids.emplace_back("subscriberId", message.subscriber_id);
  return ids;
}

}  // namespace switchboard::providers
