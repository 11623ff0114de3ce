// dlq replay's pure rules: which dead letters are replayed, the replayed headers, and the
// summary line.

#include "worker/dlq/replay_rules.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace switchboard::dlq {
namespace {

const Headers kDeadLetter{{"traceparent", "00-abc-01"},
                          {"x-switchboard-error", "wrong_type: subscriber must be an object"},
                          {"x-switchboard-source", "notifications.events/3/41"}};

DeadLetter record(const Headers& headers, std::string_view payload = R"({"id":"e1"})", std::int64_t ts = 5000) {
  return DeadLetter{payload, &headers, ts};
}

TEST(DlqReplayRules, ADeadLetterIsReplayable) {
  EXPECT_EQ(classify(record(kDeadLetter), std::nullopt), SkipReason::kNone);
}

TEST(DlqReplayRules, TruncatedRecordsAreNeverReplayed) {
  Headers h = kDeadLetter;
  h.emplace_back("x-switchboard-truncated", "true");
  h.emplace_back("x-switchboard-original-bytes", "300000");
  EXPECT_EQ(classify(record(h), std::nullopt), SkipReason::kTruncated);
  EXPECT_EQ(reason_name(SkipReason::kTruncated), "truncated");
  // Only an explicit "false" means whole bytes.
  h[3].second = "yes";
  EXPECT_EQ(classify(record(h), std::nullopt), SkipReason::kTruncated);
  h[3].second = "false";
  EXPECT_EQ(classify(record(h), std::nullopt), SkipReason::kNone);
}

TEST(DlqReplayRules, RecordsWithoutTheErrorHeaderAreNotDeadLetters) {
  const Headers h{{"x-switchboard-source", "notifications.events/0/1"}};
  EXPECT_EQ(classify(record(h), std::nullopt), SkipReason::kNotADeadLetter);
}

TEST(DlqReplayRules, EmptyValuesAreSkipped) {
  EXPECT_EQ(classify(record(kDeadLetter, ""), std::nullopt), SkipReason::kEmpty);
}

TEST(DlqReplayRules, SinceComparesTheRecordTimestamp) {
  EXPECT_EQ(classify(record(kDeadLetter, "{}", 999), 1000), SkipReason::kBeforeSince);
  EXPECT_EQ(classify(record(kDeadLetter, "{}", 1000), 1000), SkipReason::kNone);
  EXPECT_EQ(classify(record(kDeadLetter, "{}", -1), 1000), SkipReason::kNone);  // age unknown: kept
}

TEST(DlqReplayRules, ReplayHeadersDropOursAndNameTheSource) {
  Headers in = kDeadLetter;
  in.emplace_back("x-switchboard-replayed-from", "notifications.dlq/0/1");  // an earlier replay
  const Headers out = replay_headers(in, "notifications.dlq/2/9");
  const Headers want{{"traceparent", "00-abc-01"}, {"x-switchboard-replayed-from", "notifications.dlq/2/9"}};
  EXPECT_EQ(out, want);
}

TEST(DlqReplayRules, SummaryIsOneJsonObject) {
  ReplayCounts counts;
  counts.read = 5;
  counts.produced = 3;
  counts.replayed = 3;
  counts.skip(SkipReason::kTruncated);
  counts.skip(SkipReason::kTruncated);
  ReplayOutcome outcome{"notifications.dlq", "notifications.events", "g\"1", false, "end_of_topic", "", 1.5,
                        {{0, 4}, {2, 7}}};
  const std::string line = summary_json(counts, outcome);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["group"], "g\"1");
  EXPECT_EQ(j["read"], 5);
  EXPECT_EQ(j["replayed"], 3);
  EXPECT_EQ(j["skipped"], 2);
  EXPECT_EQ(j["skipped_by_reason"]["truncated"], 2);
  EXPECT_EQ(j["committed"]["2"], 7);
  EXPECT_EQ(j["stopped"], "end_of_topic");
  EXPECT_FALSE(j.contains("error"));
  EXPECT_DOUBLE_EQ(j["elapsed_s"].get<double>(), 1.5);

  outcome.stopped = "error";
  outcome.error = "copy not acknowledged";
  const auto e = nlohmann::json::parse(summary_json(ReplayCounts{}, outcome));
  EXPECT_EQ(e["error"], "copy not acknowledged");
  EXPECT_TRUE(e["skipped_by_reason"].empty());
}

}  // namespace
}  // namespace switchboard::dlq
