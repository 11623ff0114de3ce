#include "providers/delivery_executor.h"

#include <algorithm>

namespace switchboard::providers {

struct DeliveryExecutor::Run {
  DeliveryRequest request;
  std::vector<const routing::Integration*> chain;
  std::function<void(DeliveryResult)> done;
  std::size_t position = 0;
  std::uint32_t attempt_on_current = 0;
  std::chrono::steady_clock::time_point deadline;
  DeliveryResult result;
};

DeliveryExecutor::DeliveryExecutor(const ProviderRegistry& providers, Scheduler& scheduler, RetryPolicy policy,
                                   std::uint64_t seed)
    : providers_(providers), scheduler_(scheduler), policy_(policy), random_(seed) {}

std::chrono::milliseconds DeliveryExecutor::backoff(std::uint32_t retry) {
  const std::uint32_t shift = std::min<std::uint32_t>(retry > 0 ? retry - 1 : 0, 30);
  const auto ceiling = std::min<std::int64_t>(policy_.max.count(), policy_.base.count() << shift);
  std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(0, ceiling));
  return std::chrono::milliseconds(jitter(random_));
}

void DeliveryExecutor::execute(DeliveryRequest request, std::vector<const routing::Integration*> chain,
                               std::function<void(DeliveryResult)> done) {
  auto run = std::make_shared<Run>();
  run->request = std::move(request);
  run->chain = std::move(chain);
  run->done = std::move(done);
  run->deadline = scheduler_.now() + policy_.budget;
  if (run->chain.empty()) {
    run->result.error = "no integration to deliver with";
    run->done(std::move(run->result));
    return;
  }
  attempt(std::move(run));
}

void DeliveryExecutor::attempt(std::shared_ptr<Run> run) {
  const routing::Integration* integration = run->chain[run->position];
  ++run->attempt_on_current;
  ++run->result.attempts;
  run->result.integration = integration;
  run->request.integration = integration;
  run->request.attempt = static_cast<int>(run->attempt_on_current);
  Provider* provider = providers_.find(integration->provider_id);
  if (provider == nullptr) {
    on_outcome(std::move(run), DeliveryOutcome::failure(OutcomeKind::kPermanent,
                                                        "provider \"" + integration->provider_id +
                                                            "\" is not supported by this worker"));
    return;
  }
  provider->send(run->request, [this, run](DeliveryOutcome outcome) mutable { on_outcome(std::move(run), std::move(outcome)); });
}

void DeliveryExecutor::on_outcome(std::shared_ptr<Run> run, DeliveryOutcome outcome) {
  run->result.last_kind = outcome.kind;
  switch (outcome.kind) {
    case OutcomeKind::kSent:
      run->result.sent = true;
      run->result.provider_message_id = std::move(outcome.provider_message_id);
      run->result.error.clear();
      run->done(std::move(run->result));
      return;
    case OutcomeKind::kRejected:
      run->result.error = std::move(outcome.error);
      run->done(std::move(run->result));
      return;
    case OutcomeKind::kPermanent:
      run->result.error = std::move(outcome.error);
      next_integration(std::move(run));
      return;
    case OutcomeKind::kRetryable: {
      run->result.error = std::move(outcome.error);
      if (run->attempt_on_current >= policy_.max_attempts) {
        next_integration(std::move(run));
        return;
      }
      std::chrono::milliseconds delay = backoff(run->attempt_on_current);
      if (outcome.retry_after) {
        // A Retry-After beyond our own ceiling means "not soon": fail over instead of waiting.
        if (*outcome.retry_after > policy_.max) {
          next_integration(std::move(run));
          return;
        }
        delay = std::max(delay, *outcome.retry_after);
      }
      if (scheduler_.now() + delay > run->deadline) {
        next_integration(std::move(run));
        return;
      }
      scheduler_.after(delay, [this, run]() mutable { attempt(std::move(run)); });
      return;
    }
  }
}

void DeliveryExecutor::next_integration(std::shared_ptr<Run> run) {
  if (run->position + 1 >= run->chain.size() || scheduler_.now() >= run->deadline) {
    run->done(std::move(run->result));
    return;
  }
  run->result.failed_over.push_back(run->chain[run->position]->identifier);
  ++run->position;
  run->attempt_on_current = 0;
  attempt(std::move(run));
}

}  // namespace switchboard::providers
