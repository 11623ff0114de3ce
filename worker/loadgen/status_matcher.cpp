#include "worker/loadgen/status_matcher.h"

#include <algorithm>
#include <functional>

namespace switchboard::loadgen {
namespace {

// 0 is reserved for "no target yet".
std::uint64_t target_hash(std::string_view target) { return std::hash<std::string_view>{}(target) | 1; }

void count(std::map<std::string, std::uint64_t, std::less<>>& counts, std::string_view key) {
  auto it = counts.find(key);
  if (it == counts.end()) it = counts.emplace(std::string(key), 0).first;
  ++it->second;
}

LatencyHistogram& histogram(std::map<std::string, LatencyHistogram, std::less<>>& map, std::string_view key) {
  auto it = map.find(key);
  if (it == map.end()) it = map.emplace(std::string(key), LatencyHistogram{}).first;
  return it->second;
}

}  // namespace

StatusMatcher::StatusMatcher(EventIds ids, std::vector<std::string> channel_names, std::int64_t start_us)
    : ids_(std::move(ids)), channel_names_(std::move(channel_names)), start_us_(start_us) {}

SecondStats& StatusMatcher::second_at(std::int64_t wall_us) {
  const auto index = static_cast<std::size_t>(std::max<std::int64_t>(0, (wall_us - start_us_) / 1'000'000));
  if (index >= accounting_.seconds.size()) accounting_.seconds.resize(index + 1);
  return accounting_.seconds[index];
}

void StatusMatcher::expect(std::uint64_t sequence, std::int64_t created_us, std::uint32_t channel, bool invalid) {
  if (sequence >= records_.size()) records_.resize(sequence + 1);
  Record& r = records_[sequence];
  if (r.expected) return;
  r.expected = true;
  r.created_us = created_us;
  r.channel = channel;
  r.invalid = invalid;
  ++accounting_.expected;
  ++second_at(created_us).sent;
}

void StatusMatcher::withdraw(std::uint64_t sequence) {
  // A done event reached the worker whatever the delivery report says: it stays counted.
  if (sequence >= records_.size() || !records_[sequence].expected || records_[sequence].done) return;
  records_[sequence].expected = false;
  --accounting_.expected;
}

MatchOutcome StatusMatcher::on_status(const StatusFields& status, std::int64_t received_us) {
  if (!ids_.ours(status.event_id)) {
    ++accounting_.foreign;
    return MatchOutcome::kForeign;
  }
  const auto sequence = ids_.parse(status.event_id);
  if (!sequence || *sequence >= records_.size() || !records_[*sequence].expected) {
    ++accounting_.unknown;
    return MatchOutcome::kUnknown;
  }
  Record& r = records_[*sequence];
  ++accounting_.statuses;
  count(accounting_.statuses_by_status, status.status);
  if (status.failed_over) ++accounting_.failed_over;
  SecondStats& second = second_at(received_us);
  ++second.statuses;

  const std::uint64_t latency_us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, received_us - r.created_us));
  const std::uint64_t target = target_hash(status.target);
  const std::string_view provider = status.provider_id.empty() ? std::string_view("none") : status.provider_id;
  if (!r.done) {
    r.done = true;
    r.first_target = target;
    ++accounting_.done;
    ++second.done;
    second.latency.record(latency_us);
    accounting_.latency.record(latency_us);
    histogram(accounting_.by_channel, channel_names_.at(r.channel)).record(latency_us);
    histogram(accounting_.by_provider, provider).record(latency_us);
    count(accounting_.events_by_status, status.status);
    if (r.invalid != (status.status == "invalid")) ++accounting_.mismatched;
    return MatchOutcome::kDone;
  }
  if (r.first_target == target || std::find(r.more_targets.begin(), r.more_targets.end(), target) != r.more_targets.end()) {
    ++accounting_.repeated_statuses;
    return MatchOutcome::kRepeated;
  }
  r.more_targets.push_back(target);
  ++accounting_.extra_target_statuses;
  histogram(accounting_.by_provider, provider).record(latency_us);
  return MatchOutcome::kExtraTarget;
}

std::vector<std::string> StatusMatcher::lost_ids(std::size_t limit) const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < records_.size() && out.size() < limit; ++i) {
    if (records_[i].expected && !records_[i].done) out.push_back(ids_.make(i));
  }
  return out;
}

}  // namespace switchboard::loadgen
