#pragma once
// FCM access tokens per service account, shared by every delivery of one FcmProvider.
// A token is reused until `expires_in − 60 s` after it was received; at most one fetch per
// account runs at a time, and deliveries that need the token meanwhile wait for that
// fetch's result instead of starting their own.
//
// Thread-safe (one mutex). Never calls a waiter: complete() hands them back so the caller
// runs them outside the lock. Time is passed in, so tests drive expiry without sleeping.

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "providers/adapters/push_fcm_auth.h"

namespace switchboard::providers {

class FcmTokenCache {
 public:
  using Clock = std::chrono::steady_clock;
  // The access token, or why none could be had.
  using TokenResult = std::variant<std::string, DeliveryOutcome>;
  using Waiter = std::function<void(const TokenResult&)>;
  static constexpr std::chrono::seconds kRefreshMargin{60};

  struct Acquired {
    std::optional<std::string> token;  // a valid cached token: use it, `waiter` was not taken
    bool fetch = false;                // no fetch was running: the caller must start it
  };
  // The cached token for `key` when still valid at `now`; else `waiter` is moved into the
  // queue of `key`, and `fetch` is true for the first waiter only.
  Acquired acquire(const std::string& key, Clock::time_point now, Waiter& waiter);

  // Ends the fetch for `key`: a token is cached until now + expires_in − kRefreshMargin (a
  // failure is not cached). Returns the queued waiters with the result to call them with.
  std::pair<std::vector<Waiter>, TokenResult> complete(const std::string& key,
                                                       std::variant<FcmAccessToken, DeliveryOutcome> fetched,
                                                       Clock::time_point now);

  // Drops `token` if it is still the cached one for `key` (FCM refused it with 401).
  void invalidate(const std::string& key, std::string_view token);

 private:
  struct Entry {
    std::string token;
    Clock::time_point refresh_at{};
    bool fetching = false;
    std::vector<Waiter> waiters;
  };
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace switchboard::providers
