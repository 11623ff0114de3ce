#include "worker/dlq/replay_rules.h"

#include <cstdio>

#include "routing/json_text.h"

namespace switchboard::dlq {

namespace {

const std::string* last_header(const Headers& headers, std::string_view key) {
  const std::string* found = nullptr;
  for (const auto& [k, v] : headers) {
    if (k == key) found = &v;
  }
  return found;
}

void append_member(std::string& out, std::string_view key, std::uint64_t value) {
  routing::append_json_string(out, key);
  out += ':';
  out += std::to_string(value);
  out += ',';
}

void append_member(std::string& out, std::string_view key, std::string_view value) {
  routing::append_json_string(out, key);
  out += ':';
  routing::append_json_string(out, value);
  out += ',';
}

}  // namespace

std::string_view reason_name(SkipReason reason) noexcept {
  switch (reason) {
    case SkipReason::kNone: return "none";
    case SkipReason::kTruncated: return "truncated";
    case SkipReason::kNotADeadLetter: return "not_a_dead_letter";
    case SkipReason::kEmpty: return "empty";
    case SkipReason::kBeforeSince: return "before_since";
  }
  return "unknown";
}

SkipReason classify(const DeadLetter& record, std::optional<std::int64_t> since_ms) noexcept {
  if (last_header(*record.headers, kErrorHeader) == nullptr) return SkipReason::kNotADeadLetter;
  // Any value but an explicit "false" means the bytes were cut: refuse rather than replay
  // a prefix that would only be dead-lettered again, or worse, parse.
  if (const std::string* t = last_header(*record.headers, kTruncatedHeader); t != nullptr && *t != "false") {
    return SkipReason::kTruncated;
  }
  if (record.payload.empty()) return SkipReason::kEmpty;
  if (since_ms && record.timestamp_ms >= 0 && record.timestamp_ms < *since_ms) return SkipReason::kBeforeSince;
  return SkipReason::kNone;
}

Headers replay_headers(const Headers& dead_letter_headers, std::string_view source) {
  Headers out;
  out.reserve(dead_letter_headers.size() + 1);
  for (const auto& header : dead_letter_headers) {
    if (!header.first.starts_with(kHeaderPrefix)) out.push_back(header);
  }
  out.emplace_back(std::string(kReplayedFromHeader), std::string(source));
  return out;
}

std::uint64_t ReplayCounts::skipped_total() const noexcept {
  std::uint64_t total = 0;
  for (const auto& [reason, n] : skipped) total += n;
  return total;
}

std::string progress_line(const ReplayCounts& counts, double elapsed_s) {
  char buf[256];
  const double rate = elapsed_s > 0 ? static_cast<double>(counts.read) / elapsed_s : 0.0;
  std::snprintf(buf, sizeof buf,
                "dlq replay: %.0f s, read %llu, replayed %llu of %llu produced, would replay %llu, skipped %llu, "
                "failed %llu, %.0f records/s",
                elapsed_s, static_cast<unsigned long long>(counts.read),
                static_cast<unsigned long long>(counts.replayed), static_cast<unsigned long long>(counts.produced),
                static_cast<unsigned long long>(counts.would_replay),
                static_cast<unsigned long long>(counts.skipped_total()),
                static_cast<unsigned long long>(counts.failed), rate);
  return buf;
}

std::string summary_json(const ReplayCounts& counts, const ReplayOutcome& outcome) {
  std::string out = "{";
  append_member(out, "from_topic", outcome.from_topic);
  append_member(out, "to_topic", outcome.to_topic);
  append_member(out, "group", outcome.group);
  out += outcome.dry_run ? "\"dry_run\":true," : "\"dry_run\":false,";
  append_member(out, "stopped", outcome.stopped);
  if (!outcome.error.empty()) append_member(out, "error", outcome.error);
  append_member(out, "read", counts.read);
  append_member(out, "replayed", counts.replayed);
  append_member(out, "would_replay", counts.would_replay);
  append_member(out, "failed", counts.failed);
  append_member(out, "skipped", counts.skipped_total());
  out += "\"skipped_by_reason\":{";
  for (const auto& [reason, n] : counts.skipped) append_member(out, reason, n);
  if (out.back() == ',') out.pop_back();
  out += "},\"committed\":{";
  for (const auto& [partition, offset] : outcome.committed) {
    append_member(out, std::to_string(partition), static_cast<std::uint64_t>(offset));
  }
  if (out.back() == ',') out.pop_back();
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.3f", outcome.elapsed_s);
  out += "},\"elapsed_s\":";
  out += elapsed;
  out += '}';
  return out;
}

}  // namespace switchboard::dlq
