#pragma once
// A provider that delivers nowhere and always succeeds at once: for benchmarks of the
// pipeline and for `delivery.provider_override = "null"` in load tests.

#include <atomic>
#include <cstdint>

#include "providers/provider.h"

namespace switchboard::providers {

class NullProvider final : public Provider {
 public:
  void send(const DeliveryRequest& request, DeliveryCallback done) override;

 private:
  std::atomic<std::uint64_t> sequence_{0};
};

}  // namespace switchboard::providers
