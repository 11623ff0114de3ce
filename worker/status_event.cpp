#include "worker/status_event.h"

#include <array>
#include <charconv>

#include "routing/json_text.h"
#include "routing/timestamp.h"

namespace switchboard::worker {

std::string_view delivery_status_name(DeliveryStatus status) noexcept {
  static constexpr std::array<std::string_view, 5> kNames = {"sent", "failed", "no_integration", "invalid",
                                                             "duplicate"};
  return kNames[static_cast<std::size_t>(status)];
}

namespace {

void append_member(std::string& out, std::string_view name, std::string_view value, bool null_when_empty = true) {
  out += ",\"";
  out += name;
  out += "\":";
  if (value.empty() && null_when_empty) {
    out += "null";
  } else {
    routing::append_json_string(out, value);
  }
}

}  // namespace

void append_status_json(std::string& out, const StatusEvent& e) {
  out += "{\"eventId\":";
  routing::append_json_string(out, e.event_id);
  append_member(out, "transactionId", e.transaction_id);
  append_member(out, "organizationId", e.organization_id);
  append_member(out, "environmentId", e.environment_id);
  append_member(out, "channel", e.channel);
  append_member(out, "target", e.target, false);
  append_member(out, "status", delivery_status_name(e.status), false);
  append_member(out, "integrationId", e.integration_id);
  append_member(out, "integrationIdentifier", e.integration_identifier);
  append_member(out, "providerId", e.provider_id);
  append_member(out, "providerMessageId", e.provider_message_id);
  out += ",\"attempts\":" + std::to_string(e.attempts);
  out += ",\"failedOver\":[";
  for (std::size_t i = 0; i < e.failed_over.size(); ++i) {
    if (i > 0) out += ',';
    routing::append_json_string(out, e.failed_over[i]);
  }
  out += ']';
  append_member(out, "reason", e.reason);
  append_member(out, "error", e.error);
  // to_chars writes what "%.3f" would, without snprintf's format parsing (one per status).
  char latency[32];
  const auto written = std::to_chars(latency, latency + sizeof latency, e.latency_ms, std::chars_format::fixed, 3);
  out += ",\"latencyMs\":";
  out.append(latency, written.ptr);
  out += ",\"ts\":\"";
  out += routing::format_timestamp_millis(e.ts_epoch_ms);
  out += "\"}";
}

}  // namespace switchboard::worker
