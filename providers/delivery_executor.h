#pragma once
// Retries and failover for one target (contract sections 4.1 and 5): the chosen
// integration first, then its failover chain. `retryable` outcomes are retried on the same
// integration with exponential backoff and full jitter (honouring Retry-After) up to
// max_attempts, then the next integration is tried; `permanent` goes to the next at once;
// `rejected` stops.
//
// Each attempt first asks the integration's circuit breaker (an open one skips to the next
// integration at once, without calling the provider and without counting an attempt), then
// its rate limit (the send waits for a token, or ends `retryable` when the token is further
// away than max_queue), then calls the provider and tells the breaker the outcome.
// Not thread-safe: one executor per io_context thread. Breakers and rate limits live in the
// executor, so with several executors (threads, pods) each applies its own limits.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "providers/circuit_breaker.h"
#include "providers/delivery_observer.h"
#include "providers/provider.h"
#include "providers/rate_limiter.h"
#include "providers/scheduler.h"

namespace switchboard::providers {

struct RetryPolicy {
  std::uint32_t max_attempts = 3;  // per integration, first attempt included
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds max{5000};
  // Whole-target budget across attempts and failover; a retry that would end past it is
  // not started (the next integration is tried instead).
  std::chrono::milliseconds budget{30000};
};

struct RateLimitPolicy {
  // By providerId, for integrations without configurations.rateLimit; neither: unlimited.
  std::map<std::string, routing::RateLimit, std::less<>> provider_defaults;
  std::chrono::milliseconds max_queue{2000};  // longest wait for a token
};

struct DeliveryPolicy {
  RetryPolicy retry;
  RateLimitPolicy rate_limit;
  BreakerPolicy breaker;
};

struct DeliveryResult {
  bool sent = false;
  OutcomeKind last_kind = OutcomeKind::kPermanent;
  const routing::Integration* integration = nullptr;  // the one that sent, or the last tried
  std::string provider_message_id;
  std::string error;                       // the last failure, when not sent
  std::uint32_t attempts = 0;              // across the whole chain
  std::vector<std::string> failed_over;    // identifiers tried before the last one
};

class DeliveryExecutor {
 public:
  // `observer` (may be null) must outlive the executor.
  DeliveryExecutor(const ProviderRegistry& providers, Scheduler& scheduler, DeliveryPolicy policy,
                   DeliveryObserver* observer = nullptr, std::uint64_t seed = std::random_device{}());
  // Retries as given; breakers at their defaults; no rate limits.
  DeliveryExecutor(const ProviderRegistry& providers, Scheduler& scheduler, RetryPolicy retry,
                   std::uint64_t seed = std::random_device{}());

  // `chain` = chosen integration followed by its failovers (non-empty). `request.integration`
  // is overwritten per attempt. `done` is called exactly once.
  void execute(DeliveryRequest request, std::vector<const routing::Integration*> chain,
               std::function<void(DeliveryResult)> done);

  // The delay before retry number `retry` (1 = the first retry) without Retry-After:
  // uniform in [0, min(max, base * 2^(retry-1))].
  std::chrono::milliseconds backoff(std::uint32_t retry);

 private:
  struct Run;
  void attempt(std::shared_ptr<Run> run);
  void send(std::shared_ptr<Run> run, Provider& provider);
  void on_outcome(std::shared_ptr<Run> run, DeliveryOutcome outcome);
  void next_integration(std::shared_ptr<Run> run);
  const routing::RateLimit* rate_limit_of(const routing::Integration& integration) const;
  void publish(const std::string& integration_id, std::optional<CircuitState> changed);

  const ProviderRegistry& providers_;
  Scheduler& scheduler_;
  DeliveryPolicy policy_;
  DeliveryObserver* observer_;
  std::mt19937_64 random_;
  CircuitBreakers breakers_;
  RateLimiter limiter_;
};

}  // namespace switchboard::providers
