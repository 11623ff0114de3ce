#include "providers/delivery_executor.h"

#include <algorithm>
#include <utility>

namespace switchboard::providers {

struct DeliveryExecutor::Run {
  DeliveryRequest request;
  std::vector<const routing::Integration*> chain;
  std::function<void(DeliveryResult)> done;
  std::size_t position = 0;
  std::uint32_t attempt_on_current = 0;
  std::chrono::steady_clock::time_point deadline;
  CircuitBreaker::Permit permit;  // of the current attempt
  DeliveryResult result;
};

DeliveryExecutor::DeliveryExecutor(const ProviderRegistry& providers, Scheduler& scheduler, DeliveryPolicy policy,
                                   DeliveryObserver* observer, std::uint64_t seed)
    : providers_(providers),
      scheduler_(scheduler),
      policy_(std::move(policy)),
      observer_(observer),
      random_(seed),
      breakers_(policy_.breaker),
      limiter_(scheduler, policy_.rate_limit.max_queue) {}

DeliveryExecutor::DeliveryExecutor(const ProviderRegistry& providers, Scheduler& scheduler, RetryPolicy retry,
                                   std::uint64_t seed)
    : DeliveryExecutor(providers, scheduler, DeliveryPolicy{retry, {}, {}}, nullptr, seed) {}

std::chrono::milliseconds DeliveryExecutor::backoff(std::uint32_t retry) {
  const std::uint32_t shift = std::min<std::uint32_t>(retry > 0 ? retry - 1 : 0, 30);
  const auto ceiling = std::min<std::int64_t>(policy_.retry.max.count(), policy_.retry.base.count() << shift);
  std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(0, ceiling));
  return std::chrono::milliseconds(jitter(random_));
}

void DeliveryExecutor::execute(DeliveryRequest request, std::vector<const routing::Integration*> chain,
                               std::function<void(DeliveryResult)> done) {
  auto run = std::make_shared<Run>();
  run->request = std::move(request);
  run->chain = std::move(chain);
  run->done = std::move(done);
  run->deadline = scheduler_.now() + policy_.retry.budget;
  if (run->chain.empty()) {
    run->result.error = "no integration to deliver with";
    run->done(std::move(run->result));
    return;
  }
  attempt(std::move(run));
}

void DeliveryExecutor::attempt(std::shared_ptr<Run> run) {
  const routing::Integration* integration = run->chain[run->position];
  run->result.integration = integration;
  run->request.integration = integration;
  Provider* provider = providers_.find(integration->provider_id);
  if (provider != nullptr) {
    const CircuitBreakers::Admission admission = breakers_.admit(integration->id, scheduler_.now());
    publish(integration->id, admission.changed);
    if (!admission.permit.allowed) {
      // Not an attempt: the provider is not called, and waiting here would not help.
      run->result.last_kind = OutcomeKind::kRetryable;
      run->result.error = "circuit open for integration \"" + integration->identifier + "\"";
      next_integration(std::move(run));
      return;
    }
    run->permit = admission.permit;
  }
  ++run->attempt_on_current;
  ++run->result.attempts;
  run->request.attempt = static_cast<int>(run->attempt_on_current);
  if (provider == nullptr) {
    on_outcome(std::move(run), DeliveryOutcome::failure(OutcomeKind::kPermanent,
                                                        "provider \"" + integration->provider_id +
                                                            "\" is not supported by this worker"));
    return;
  }
  const routing::RateLimit* limit = rate_limit_of(*integration);
  if (limit == nullptr) return send(std::move(run), *provider);
  const RateLimiter::Admission admission =
      limiter_.acquire(integration->id, *limit, [this, run, provider]() mutable { send(std::move(run), *provider); });
  switch (admission.verdict) {
    case RateLimiter::Verdict::kNow:
      send(std::move(run), *provider);
      return;
    case RateLimiter::Verdict::kQueued:
      if (observer_ != nullptr) observer_->rate_limited(integration->id);
      return;
    case RateLimiter::Verdict::kRejected: {
      if (observer_ != nullptr) observer_->rate_limit_rejected(integration->id);
      breakers_.release(integration->id, run->permit);
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(admission.wait);
      on_outcome(std::move(run),
                 DeliveryOutcome::failure(OutcomeKind::kRetryable,
                                          "rate limited: integration \"" + integration->identifier +
                                              "\" queue full (next token in " + std::to_string(wait.count()) +
                                              " ms, over delivery.max_queue_ms " +
                                              std::to_string(policy_.rate_limit.max_queue.count()) + ")"));
      return;
    }
  }
}

void DeliveryExecutor::send(std::shared_ptr<Run> run, Provider& provider) {
  provider.send(run->request, [this, run](DeliveryOutcome outcome) mutable {
    const std::string& id = run->request.integration->id;
    publish(id, breakers_.record(id, run->permit, outcome.kind, scheduler_.now()));
    on_outcome(std::move(run), std::move(outcome));
  });
}

const routing::RateLimit* DeliveryExecutor::rate_limit_of(const routing::Integration& integration) const {
  if (integration.configurations && integration.configurations->rate_limit) {
    return &*integration.configurations->rate_limit;
  }
  const auto it = policy_.rate_limit.provider_defaults.find(integration.provider_id);
  return it == policy_.rate_limit.provider_defaults.end() ? nullptr : &it->second;
}

void DeliveryExecutor::publish(const std::string& integration_id, std::optional<CircuitState> changed) {
  if (changed && observer_ != nullptr) observer_->circuit_changed(integration_id, *changed);
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
      if (run->attempt_on_current >= policy_.retry.max_attempts) {
        next_integration(std::move(run));
        return;
      }
      std::chrono::milliseconds delay = backoff(run->attempt_on_current);
      if (outcome.retry_after) {
        // A Retry-After beyond our own ceiling means "not soon": fail over instead of waiting.
        if (*outcome.retry_after > policy_.retry.max) {
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
