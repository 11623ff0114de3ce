#include "providers/adapters/push_apns.h"

namespace switchboard::providers {

BuildResult ApnsAdapter::build(const routing::Integration&, const OutboundMessage&, const BuildContext&) const {
  return DeliveryOutcome::failure(OutcomeKind::kPermanent, std::string(kApnsUnsupported));
}

}  // namespace switchboard::providers
