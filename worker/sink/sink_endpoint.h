#pragma once
// The provider endpoints the sink recognises. Each provider group lists its endpoints in
// its own file (sink_endpoints_<group>.cpp); SinkApp tries them in order and answers an
// unmatched path with the generic success. Hosts are never checked: adapters reach the
// sink through credentials.baseUrl, so only method, path, headers and body matter.

#include <span>
#include <string>
#include <string_view>

#include "worker/sink/sink_app.h"
#include "worker/sink/sink_support.h"

namespace switchboard::sink {

struct SinkEndpoint {
  std::string_view name;  // the provider id, e.g. "sendgrid"; the by_endpoint counter key
  bool (*matches)(const SinkRequest& request);
  // Empty when the request has the shape the real provider expects; else the reason
  // (answered as 400 with json_error).
  std::string (*check)(const SinkRequest& request);
  // The realistic success answer (status, headers, body with the provider's id fields).
  SinkResponse (*answer)(const SinkRequest& request, SinkIds& ids);
};

std::span<const SinkEndpoint> email_sink_endpoints();
std::span<const SinkEndpoint> sms_sink_endpoints();
std::span<const SinkEndpoint> push_chat_sink_endpoints();  // push and the generic signed webhook
std::span<const SinkEndpoint> chat_sink_endpoints();       // slack, discord, msteams, mattermost, whatsapp
std::span<const SinkEndpoint> aws_sink_endpoints();        // SES v2, SNS

// The answer to a path no endpoint matches: 200 with {"id","status"} and x-message-id.
SinkResponse generic_sink_answer(const SinkRequest& request, SinkIds& ids);

// The endpoint a request is for, or nullptr (generic success). Searches the groups above.
const SinkEndpoint* find_sink_endpoint(const SinkRequest& request);

}  // namespace switchboard::sink
