#pragma once
// What the delivery executor reports about its policies (the worker turns it into
// metrics), so that providers/ needs nothing from worker/. Called on the executor's thread,
// synchronously: implementations must be quick and must not call back into the executor.

#include <string_view>

#include "providers/circuit_breaker.h"

namespace switchboard::providers {

class DeliveryObserver {
 public:
  virtual ~DeliveryObserver() = default;
  // The integration's breaker moved to `state` (kOpen: it opened, or re-opened after a
  // failed probe).
  virtual void circuit_changed(std::string_view integration_id, CircuitState state) = 0;
  // A send waited for a rate-limit token.
  virtual void rate_limited(std::string_view integration_id) = 0;
  // A send was refused: its token was further away than delivery.max_queue_ms.
  virtual void rate_limit_rejected(std::string_view integration_id) = 0;
};

}  // namespace switchboard::providers
