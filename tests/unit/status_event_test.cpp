// append_status_json: the latency is written with three decimals, as "%.3f" would.

#include <string>

#include <gtest/gtest.h>

#include "worker/status_event.h"

namespace switchboard::worker {
namespace {

std::string latency_of(double latency_ms) {
  StatusEvent event;
  event.event_id = "ev-1";
  event.latency_ms = latency_ms;
  std::string out;
  append_status_json(out, event);
  const auto at = out.find("\"latencyMs\":");
  if (at == std::string::npos) return "<missing>";
  const auto from = at + 12;
  return out.substr(from, out.find(',', from) - from);
}

TEST(StatusEventJson, LatencyHasThreeDecimals) {
  EXPECT_EQ(latency_of(0), "0.000");
  EXPECT_EQ(latency_of(12.3456), "12.346");
  EXPECT_EQ(latency_of(0.0004), "0.000");
  EXPECT_EQ(latency_of(86'400'000.5), "86400000.500");
}

}  // namespace
}  // namespace switchboard::worker
