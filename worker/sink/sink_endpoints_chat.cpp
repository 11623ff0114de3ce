// The sink's chat endpoints: incoming-webhook style chat providers and WhatsApp Business.
#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {

std::span<const SinkEndpoint> chat_sink_endpoints() { return {}; }

}  // namespace switchboard::sink
