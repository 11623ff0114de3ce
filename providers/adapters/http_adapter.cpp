#include "providers/adapters/http_adapter.h"

#include <algorithm>

namespace switchboard::providers {

DeliveryOutcome HttpAdapter::parse(const HttpResult& result) const { return outcome_from_http(result); }

DeliveryOutcome combine_outcomes(std::vector<DeliveryOutcome> outcomes) {
  if (outcomes.empty()) return DeliveryOutcome::failure(OutcomeKind::kPermanent, "no request was sent");
  std::string ids;
  bool any_sent = false;
  const DeliveryOutcome* retryable = nullptr;
  for (const DeliveryOutcome& outcome : outcomes) {
    if (outcome.kind == OutcomeKind::kSent) {
      if (any_sent) ids += ',';
      ids += outcome.provider_message_id;
      any_sent = true;
    } else if (outcome.kind == OutcomeKind::kRetryable) {
      if (retryable == nullptr || outcome.retry_after.value_or(std::chrono::milliseconds(0)) >
                                      retryable->retry_after.value_or(std::chrono::milliseconds(0))) {
        retryable = &outcome;
      }
    }
  }
  if (any_sent) return DeliveryOutcome::sent(std::move(ids));
  if (retryable != nullptr) return *retryable;
  return std::move(outcomes.front());
}

void send_each(HttpClient& client, std::vector<HttpRequest> requests,
               std::function<DeliveryOutcome(const HttpResult&)> parse, DeliveryCallback done) {
  struct Gather {
    std::vector<DeliveryOutcome> outcomes;
    std::size_t pending = 0;
    std::function<DeliveryOutcome(const HttpResult&)> parse;
    DeliveryCallback done;
  };
  auto gather = std::make_shared<Gather>();
  gather->outcomes.resize(requests.size());
  gather->pending = requests.size();
  gather->parse = std::move(parse);
  gather->done = std::move(done);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    client.request(std::move(requests[i]), [gather, i](HttpResult result) {
      gather->outcomes[i] = gather->parse(result);
      if (--gather->pending == 0) gather->done(combine_outcomes(std::move(gather->outcomes)));
    });
  }
}

HttpAdapterProvider::HttpAdapterProvider(HttpClient& client, std::shared_ptr<const HttpAdapter> adapter)
    : client_(client), adapter_(std::move(adapter)) {}

void HttpAdapterProvider::send(const DeliveryRequest& request, DeliveryCallback done) {
  DecodedMessage decoded = decode_message(request, adapter_->reads_documents());
  if (!decoded.error.empty()) {
    done(DeliveryOutcome::failure(OutcomeKind::kRejected, "cannot read the event: " + decoded.error));
    return;
  }
  BuildResult built = adapter_->build(*request.integration, decoded.message, {std::chrono::system_clock::now()});
  if (auto* outcome = std::get_if<DeliveryOutcome>(&built)) {
    done(std::move(*outcome));
    return;
  }
  auto& requests = std::get<std::vector<HttpRequest>>(built);
  if (requests.empty()) {
    done(combine_outcomes({}));
    return;
  }
  if (requests.size() == 1) {
    client_.request(std::move(requests.front()), [adapter = adapter_, done = std::move(done)](HttpResult result) {
      done(adapter->parse(result));
    });
    return;
  }
  send_each(client_, std::move(requests), [adapter = adapter_](const HttpResult& result) { return adapter->parse(result); },
            std::move(done));
}

}  // namespace switchboard::providers
