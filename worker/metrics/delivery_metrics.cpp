#include "worker/metrics/delivery_metrics.h"

#include <string>
#include <vector>

namespace switchboard::metrics {

DeliveryMetrics::DeliveryMetrics(Registry& registry)
    : circuit_state_(registry.gauge("switchboard_circuit_state",
                                    "Circuit breaker per integration: 0 closed, 1 half-open, 2 open", {"integration"})),
      circuit_opened_(registry.counter("switchboard_circuit_opened_total",
                                       "Times an integration's circuit opened (re-openings after a failed probe "
                                       "included)",
                                       {"integration"})),
      rate_limited_(registry.counter("switchboard_rate_limited_total",
                                     "Sends that waited for their integration's rate limit", {"integration"})),
      rate_limit_rejected_(registry.counter("switchboard_rate_limit_rejected_total",
                                            "Sends refused by their integration's rate limit (the wait would exceed "
                                            "delivery.max_queue_ms); retried or failed over",
                                            {"integration"})) {}

void DeliveryMetrics::circuit_changed(std::string_view integration_id, providers::CircuitState state) {
  const std::vector<std::string> labels{std::string(integration_id)};
  circuit_state_.with(labels).set(static_cast<double>(state));
  if (state == providers::CircuitState::kOpen) circuit_opened_.with(labels).inc();
}

void DeliveryMetrics::rate_limited(std::string_view integration_id) {
  rate_limited_.with({std::string(integration_id)}).inc();
}

void DeliveryMetrics::rate_limit_rejected(std::string_view integration_id) {
  rate_limit_rejected_.with({std::string(integration_id)}).inc();
}

}  // namespace switchboard::metrics
