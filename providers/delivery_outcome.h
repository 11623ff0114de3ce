#pragma once
// How one provider attempt ended (contract section 5). Retries, failover, dead letters and
// metrics branch on `kind`, never on raw provider codes: each adapter classifies once.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::providers {

enum class OutcomeKind : std::uint8_t {
  kSent,       // accepted; provider_message_id set
  kRetryable,  // timeouts, connection errors, HTTP 408/429/5xx: retry with backoff, then fail over
  kPermanent,  // other 4xx, bad credentials, unsupported provider: fail over at once
  kRejected,   // the message itself is invalid for every provider (e.g. sms without phone): stop
};

std::string_view outcome_kind_name(OutcomeKind kind) noexcept;

struct DeliveryOutcome {
  OutcomeKind kind = OutcomeKind::kPermanent;
  std::string provider_message_id;               // kSent
  std::string error;                             // otherwise: one line, never a credential value
  std::optional<std::chrono::milliseconds> retry_after;  // from Retry-After, when the provider sent one
  int http_status = 0;                           // 0 when no HTTP answer was received

  static DeliveryOutcome sent(std::string message_id) {
    return {OutcomeKind::kSent, std::move(message_id), {}, std::nullopt, 0};
  }
  static DeliveryOutcome failure(OutcomeKind kind, std::string error, int http_status = 0) {
    return {kind, {}, std::move(error), std::nullopt, http_status};
  }
};

// The contract's mapping of an HTTP status to an outcome kind (2xx is kSent).
OutcomeKind classify_http_status(int status) noexcept;

}  // namespace switchboard::providers
