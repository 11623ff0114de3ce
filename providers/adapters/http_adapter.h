#pragma once
// A provider adapter over HTTP, split the way it is tested: a pure request builder and a
// pure response parser (golden tests call them directly), and HttpAdapterProvider, the
// shared transport that runs them over the pooled HttpClient.
//
// Adapters whose delivery needs more than "build, send, parse" (an OAuth token first, an
// auth round trip) implement Provider themselves and reuse the pieces of adapter_support.h.

#include <chrono>
#include <memory>
#include <string_view>
#include <variant>
#include <vector>

#include "providers/adapters/outbound_message.h"
#include "providers/http/http_client.h"
#include "providers/provider.h"

namespace switchboard::providers {

struct BuildContext {
  std::chrono::system_clock::time_point now;  // request signing (SigV4) and dates
};

// The requests for one delivery (more than one only for one-request-per-device push), or
// the outcome that ends it without a request (e.g. `rejected`: an sms without a phone;
// `permanent`: a missing credential).
using BuildResult = std::variant<std::vector<HttpRequest>, DeliveryOutcome>;

class HttpAdapter {
 public:
  virtual ~HttpAdapter() = default;
  virtual std::string_view provider_id() const noexcept = 0;
  // Whether build() reads the message's JSON documents (subscriber, payload, content_data,
  // channel_credentials) rather than only its strings; building them costs a third of a
  // delivery's decode, so adapters that never look say so.
  virtual bool reads_documents() const noexcept { return true; }
  virtual BuildResult build(const routing::Integration& integration, const OutboundMessage& message,
                            const BuildContext& context) const = 0;
  // The outcome of one exchange. Default: outcome_from_http (status classes of contract
  // section 5, id from the x-message-id header).
  virtual DeliveryOutcome parse(const HttpResult& result) const;
};

// Combines the outcomes of a multi-request delivery: sent when any request was sent (ids
// joined by ","), else retryable when any was (largest Retry-After), else the first failure.
DeliveryOutcome combine_outcomes(std::vector<DeliveryOutcome> outcomes);

// Sends every request at once and calls `done` once with the combined outcome of
// `parse`d answers (combine_outcomes); `requests` must not be empty.
void send_each(HttpClient& client, std::vector<HttpRequest> requests,
               std::function<DeliveryOutcome(const HttpResult&)> parse, DeliveryCallback done);

class HttpAdapterProvider final : public Provider {
 public:
  HttpAdapterProvider(HttpClient& client, std::shared_ptr<const HttpAdapter> adapter);
  void send(const DeliveryRequest& request, DeliveryCallback done) override;

 private:
  HttpClient& client_;
  std::shared_ptr<const HttpAdapter> adapter_;
};

}  // namespace switchboard::providers
