#pragma once
// Builders for adapter golden tests: an integration with credentials, a decoded message
// from event JSON, and access to the single request a build produced.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "providers/adapters/http_adapter.h"
#include "routing/integration.h"

namespace switchboard::providers::testing {

inline routing::Integration integration_with(std::string provider_id, routing::Channel channel,
                                             std::vector<std::pair<std::string, std::string>> credentials) {
  routing::Integration integration;
  integration.id = "int-1";
  integration.identifier = provider_id + "-main";
  integration.provider_id = std::move(provider_id);
  integration.channel = channel;
  integration.environment_id = "env-1";
  integration.organization_id = "org-1";
  integration.active = true;
  std::vector<routing::Credential> list;
  for (auto& [key, value] : credentials) list.push_back({key, routing::Credential::Type::kString, value});
  integration.credentials = std::move(list);
  return integration;
}

// Decodes `event_json` as the worker would; `channel_entry_json` is the fan-out
// subscriber.channels entry (chat, push) or empty.
inline OutboundMessage message_from(const std::string& event_json, routing::Channel channel,
                                    const std::string& channel_entry_json = {}) {
  DeliveryRequest request;
  request.event_json = std::make_shared<const std::string>(event_json);
  request.event_id = "evt-1";
  request.channel = channel;
  request.subscriber_channel_json = channel_entry_json;
  DecodedMessage decoded = decode_message(request);
  EXPECT_EQ(decoded.error, "");
  return decoded.message;
}

// The fixed clock of golden tests: 2026-11-22T10:00:00Z.
inline BuildContext fixed_context() {
  return {std::chrono::system_clock::time_point(std::chrono::seconds(1795341600))};
}

// By value: callers pass the temporary a build returned.
inline std::vector<HttpRequest> requests_of(BuildResult built) {
  if (const auto* outcome = std::get_if<DeliveryOutcome>(&built)) {
    ADD_FAILURE() << "build failed: " << outcome_kind_name(outcome->kind) << ": " << outcome->error;
    return {};
  }
  return std::get<std::vector<HttpRequest>>(std::move(built));
}

inline DeliveryOutcome outcome_of(BuildResult built) {
  if (!std::holds_alternative<DeliveryOutcome>(built)) {
    ADD_FAILURE() << "build produced requests, expected an outcome";
    return {};
  }
  return std::get<DeliveryOutcome>(std::move(built));
}

inline std::string header_of(const HttpRequest& request, std::string_view name) {
  for (const auto& h : request.headers) {
    if (h.name == name) return h.value;
  }
  return "<absent>";
}

inline HttpResult response(int status, std::string body, HttpHeaderFields headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace switchboard::providers::testing
