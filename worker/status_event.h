#pragma once
// The status event of contract section 6: one per target, on `kafka.status_topic`.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::worker {

enum class DeliveryStatus : std::uint8_t { kSent, kFailed, kNoIntegration, kInvalid, kDuplicate };

std::string_view delivery_status_name(DeliveryStatus status) noexcept;

struct StatusEvent {
  std::string_view event_id;
  std::string_view transaction_id;   // empty: null
  std::string_view organization_id;  // empty: null (invalid events may lack it)
  std::string_view environment_id;
  std::string_view channel;          // empty: null
  std::string_view target = "default";
  DeliveryStatus status = DeliveryStatus::kSent;
  std::string_view integration_id;   // empty: null
  std::string_view integration_identifier;
  std::string_view provider_id;
  std::string_view provider_message_id;
  std::uint32_t attempts = 0;
  std::vector<std::string> failed_over;  // identifiers tried before the one that sent
  std::string_view reason;           // empty: null
  std::string_view error;            // empty: null
  double latency_ms = 0;             // consumed -> status produced, in this worker
  std::int64_t ts_epoch_ms = 0;
};

// Appends the JSON object (one line, no newline).
void append_status_json(std::string& out, const StatusEvent& event);

}  // namespace switchboard::worker
