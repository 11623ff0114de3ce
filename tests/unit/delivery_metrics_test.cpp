// The executor's policy events as Prometheus samples.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "worker/metrics/delivery_metrics.h"

namespace switchboard::metrics {
namespace {

using ::testing::HasSubstr;

TEST(DeliveryMetrics, CircuitStateAndCountersByIntegration) {
  Registry registry;
  DeliveryMetrics observer(registry);
  observer.circuit_changed("i-1", providers::CircuitState::kOpen);
  observer.circuit_changed("i-1", providers::CircuitState::kHalfOpen);
  observer.circuit_changed("i-1", providers::CircuitState::kOpen);
  observer.circuit_changed("i-2", providers::CircuitState::kHalfOpen);
  observer.circuit_changed("i-2", providers::CircuitState::kClosed);
  observer.rate_limited("i-3");
  observer.rate_limited("i-3");
  observer.rate_limit_rejected("i-3");
  const std::string text = registry.render();
  EXPECT_THAT(text, HasSubstr("# TYPE switchboard_circuit_state gauge\n"));
  EXPECT_THAT(text, HasSubstr("switchboard_circuit_state{integration=\"i-1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("switchboard_circuit_state{integration=\"i-2\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("switchboard_circuit_opened_total{integration=\"i-1\"} 2\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("switchboard_circuit_opened_total{integration=\"i-2\"}")));
  EXPECT_THAT(text, HasSubstr("switchboard_rate_limited_total{integration=\"i-3\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("switchboard_rate_limit_rejected_total{integration=\"i-3\"} 1\n"));
}

}  // namespace
}  // namespace switchboard::metrics
