#include "providers/delivery_outcome.h"

#include <array>

namespace switchboard::providers {

std::string_view outcome_kind_name(OutcomeKind kind) noexcept {
  static constexpr std::array<std::string_view, 4> kNames = {"sent", "retryable", "permanent", "rejected"};
  return kNames[static_cast<std::size_t>(kind)];
}

OutcomeKind classify_http_status(int status) noexcept {
  if (status >= 200 && status < 300) return OutcomeKind::kSent;
  if (status == 408 || status == 429 || status >= 500) return OutcomeKind::kRetryable;
  return OutcomeKind::kPermanent;
}

}  // namespace switchboard::providers
