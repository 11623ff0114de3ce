// The sink's push and chat provider endpoints, and the generic signed webhook.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {

using nlohmann::json;

std::string check_webhook_request(const SinkRequest& request) {
  if (request.method != "POST") return "webhook: method must be POST";
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return "webhook: body is not valid JSON";
  if (const std::string* signature = request.header("x-switchboard-signature")) {
    if (signature->size() != 64 || !std::all_of(signature->begin(), signature->end(), is_hex)) {
      return "webhook: x-switchboard-signature must be 64 hex characters (HMAC-SHA256)";
    }
  }
  return {};
}

SinkResponse generic_sink_answer(const SinkRequest&, SinkIds& ids) {
  const std::string id = ids.next("sink-", 24);
  SinkResponse response;
  response.headers.push_back({"content-type", "application/json"});
  response.headers.push_back({"x-message-id", id});
  response.body = "{\"id\":\"" + id + "\",\"status\":\"accepted\"}";
  return response;
}

namespace {

const SinkEndpoint kPushChatEndpoints[] = {
    {"webhook", [](const SinkRequest& r) { return starts_with(r.path(), "/webhook/"); }, check_webhook_request,
     generic_sink_answer},
};

}  // namespace

std::span<const SinkEndpoint> push_chat_sink_endpoints() { return kPushChatEndpoints; }

const SinkEndpoint* find_sink_endpoint(const SinkRequest& request) {
  for (auto group : {email_sink_endpoints(), sms_sink_endpoints(), aws_sink_endpoints(), chat_sink_endpoints(),
                     push_chat_sink_endpoints()}) {
    for (const SinkEndpoint& endpoint : group) {
      if (endpoint.matches(request)) return &endpoint;
    }
  }
  return nullptr;
}

}  // namespace switchboard::sink
