// The sink's AWS endpoints (SES v2 SendEmail, SNS Publish): SigV4-shaped requests.
#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {

std::span<const SinkEndpoint> aws_sink_endpoints() { return {}; }

}  // namespace switchboard::sink
