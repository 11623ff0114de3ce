#pragma once
// The interface every provider adapter implements, and what one delivery attempt carries.
// Adapters are asynchronous: send() calls `done` exactly once, on the io_context thread the
// adapter was created with, possibly before send() returns (the null provider does).

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "providers/delivery_outcome.h"
#include "routing/integration.h"
#include "routing/integration_snapshot.h"

namespace switchboard::providers {

// Everything an adapter needs, owned, so it may outlive the event's parse buffers.
struct DeliveryRequest {
  std::shared_ptr<const std::string> event_json;  // the event as consumed
  std::string event_id;
  routing::Channel channel = routing::Channel::kEmail;
  std::string target;                  // "default" or "<providerId>:<index>"
  std::string subscriber_channel_json; // fan-out: the subscriber.channels entry (minified); else empty
  // Keeps `integration` alive: integrations belong to the snapshot they were routed with.
  std::shared_ptr<const routing::IntegrationSnapshot> snapshot;
  const routing::Integration* integration = nullptr;
  int attempt = 1;                     // 1-based, per integration
};

using DeliveryCallback = std::function<void(DeliveryOutcome)>;

class Provider {
 public:
  virtual ~Provider() = default;
  virtual void send(const DeliveryRequest& request, DeliveryCallback done) = 0;
};

// Finds the adapter for an integration's providerId. Owned by the worker; read-only after
// setup.
class ProviderRegistry {
 public:
  virtual ~ProviderRegistry() = default;
  // nullptr when no adapter exists: the dispatcher reports a permanent failure.
  virtual Provider* find(std::string_view provider_id) const noexcept = 0;
};

}  // namespace switchboard::providers
