#pragma once
// What the email adapters share: the checks that end a delivery before any request, the
// sender as an RFC 5322 mailbox, the plain-text part, and the event ids that providers echo
// back in their event webhooks. Pure functions.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "providers/adapters/outbound_message.h"
#include "providers/delivery_outcome.h"
#include "routing/integration.h"

namespace switchboard::providers {

// The outcome that ends an email delivery before a request is built: `permanent` naming the
// first of `credential_keys` the integration lacks, `rejected` when the subscriber has no
// email, `permanent` naming credentials.from when there is no sender address (neither
// overrides.from nor credentials.from). nullopt when the request can be built.
std::optional<DeliveryOutcome> email_build_failure(const routing::Integration& integration,
                                                   const OutboundMessage& message,
                                                   std::initializer_list<std::string_view> credential_keys);

// `Name <address>`, the name quoted when it holds RFC 5322 specials (`"Acme, Inc." <a@b.c>`);
// the bare address when `name` is empty.
std::string mailbox(std::string_view name, std::string_view address);

// The plain-text part: content.body, or a single space when the event has neither body nor
// html (every provider requires a part); empty when only html is set.
std::string email_text(const OutboundMessage& message);

// switchboardEventId, transactionId and subscriberId, in that order, the empty ones left
// out: attached as custom variables / metadata where the provider echoes them in webhooks.
std::vector<std::pair<std::string, std::string>> tracking_ids(const OutboundMessage& message);

}  // namespace switchboard::providers
