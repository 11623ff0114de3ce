#pragma once
// APNs is not supported by this worker yet: Apple's provider API is HTTP/2 only, and the
// shared client speaks HTTP/1.1 (Beast has no HTTP/2; libnghttp2 is not part of this
// build). Routing still accepts apns integrations (the contract's examples route to one),
// so the adapter answers every delivery `permanent` and the target fails over to the next
// integration of its chain. The management API refuses to create or update an apns
// integration (400, path providerId).

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

inline constexpr std::string_view kApnsUnsupported = "apns is not supported by this worker yet (HTTP/2 required)";

class ApnsAdapter final : public HttpAdapter {
 public:
  std::string_view provider_id() const noexcept override { return "apns"; }
  BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                    const BuildContext& context) const override;
};

}  // namespace switchboard::providers
