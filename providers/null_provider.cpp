#include "providers/null_provider.h"

#include <string>

namespace switchboard::providers {

void NullProvider::send(const DeliveryRequest& request, DeliveryCallback done) {
  done(DeliveryOutcome::sent("null-" + request.event_id + "-" + std::to_string(sequence_.fetch_add(1))));
}

}  // namespace switchboard::providers
