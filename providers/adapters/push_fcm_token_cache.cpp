#include "providers/adapters/push_fcm_token_cache.h"

namespace switchboard::providers {

FcmTokenCache::Acquired FcmTokenCache::acquire(const std::string& key, Clock::time_point now, Waiter& waiter) {
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[key];
  if (!entry.token.empty() && now < entry.refresh_at) return {entry.token, false};
  entry.waiters.push_back(std::move(waiter));
  const bool first = !entry.fetching;
  entry.fetching = true;
  return {std::nullopt, first};
}

std::pair<std::vector<FcmTokenCache::Waiter>, FcmTokenCache::TokenResult> FcmTokenCache::complete(
    const std::string& key, std::variant<FcmAccessToken, DeliveryOutcome> fetched, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[key];
  entry.fetching = false;
  std::vector<Waiter> waiters = std::move(entry.waiters);
  entry.waiters.clear();
  if (auto* failure = std::get_if<DeliveryOutcome>(&fetched)) return {std::move(waiters), std::move(*failure)};
  auto& token = std::get<FcmAccessToken>(fetched);
  entry.token = token.value;
  entry.refresh_at = now + token.expires_in - kRefreshMargin;
  return {std::move(waiters), std::move(token.value)};
}

void FcmTokenCache::invalidate(const std::string& key, std::string_view token) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it != entries_.end() && it->second.token == token) it->second.token.clear();
}

}  // namespace switchboard::providers
