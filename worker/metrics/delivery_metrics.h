#pragma once
// The delivery executor's policy metrics, by integration _id:
//   switchboard_circuit_state{integration}            gauge: 0 closed, 1 half-open, 2 open
//   switchboard_circuit_opened_total{integration}     circuits opened (re-openings included)
//   switchboard_rate_limited_total{integration}       sends that waited for a rate-limit token
//   switchboard_rate_limit_rejected_total{integration} sends refused: token beyond delivery.max_queue_ms
// Called on the executor's thread; the metrics themselves are safe to scrape from any.

#include "providers/delivery_observer.h"
#include "worker/metrics/metrics.h"

namespace switchboard::metrics {

class DeliveryMetrics final : public providers::DeliveryObserver {
 public:
  explicit DeliveryMetrics(Registry& registry);

  void circuit_changed(std::string_view integration_id, providers::CircuitState state) override;
  void rate_limited(std::string_view integration_id) override;
  void rate_limit_rejected(std::string_view integration_id) override;

 private:
  Family<Gauge>& circuit_state_;
  Family<Counter>& circuit_opened_;
  Family<Counter>& rate_limited_;
  Family<Counter>& rate_limit_rejected_;
};

}  // namespace switchboard::metrics
