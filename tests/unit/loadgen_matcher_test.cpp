// StatusMatcher accounting: first status completes an event, fan-out, repeats, unknown and
// foreign ids, invalid expectations, lost events; StatusReader on the worker's own format.

#include <gtest/gtest.h>

#include <string>

#include "worker/loadgen/status_matcher.h"
#include "worker/status_event.h"

namespace switchboard::loadgen {
namespace {

constexpr std::int64_t kStart = 1'700'000'000'000'000;  // µs

class LoadgenMatcher : public ::testing::Test {
 protected:
  EventIds ids{"lg-test-"};
  StatusMatcher matcher{ids, {"email", "push", "invalid"}, kStart};

  MatchOutcome status(std::uint64_t seq, std::string_view st, std::string_view target = "default",
                      std::int64_t at = kStart + 10'000, std::string_view provider = "sendgrid") {
    const std::string id = ids.make(seq);
    return matcher.on_status({id, st, target, provider, false}, at);
  }
};

TEST_F(LoadgenMatcher, FirstStatusCompletesWithLatency) {
  matcher.expect(0, kStart + 1'000, 0, false);
  EXPECT_EQ(matcher.pending(), 1u);
  EXPECT_EQ(status(0, "sent", "default", kStart + 13'500), MatchOutcome::kDone);
  const Accounting& a = matcher.accounting();
  EXPECT_EQ(matcher.pending(), 0u);
  EXPECT_EQ(a.done, 1u);
  EXPECT_EQ(a.latency.count(), 1u);
  EXPECT_NEAR(a.latency.percentile(50), 12'500, 125);
  EXPECT_EQ(a.by_channel.at("email").count(), 1u);
  EXPECT_EQ(a.by_provider.at("sendgrid").count(), 1u);
  EXPECT_EQ(a.events_by_status.at("sent"), 1u);
  EXPECT_EQ(a.mismatched, 0u);
  ASSERT_EQ(a.seconds.size(), 1u);
  EXPECT_EQ(a.seconds[0].sent, 1u);
  EXPECT_EQ(a.seconds[0].done, 1u);
}

TEST_F(LoadgenMatcher, FanOutTargetsAreExtraNotRepeats) {
  matcher.expect(1, kStart, 1, false);
  EXPECT_EQ(status(1, "sent", "fcm:0", kStart + 5'000, "fcm"), MatchOutcome::kDone);
  EXPECT_EQ(status(1, "failed", "apns:1", kStart + 9'000, "apns"), MatchOutcome::kExtraTarget);
  EXPECT_EQ(status(1, "sent", "fcm:2", kStart + 9'000, "fcm"), MatchOutcome::kExtraTarget);
  const Accounting& a = matcher.accounting();
  EXPECT_EQ(a.done, 1u);
  EXPECT_EQ(a.statuses, 3u);
  EXPECT_EQ(a.extra_target_statuses, 2u);
  EXPECT_EQ(a.repeated_statuses, 0u);
  EXPECT_EQ(a.latency.count(), 1u);  // the event's latency is its first status
  EXPECT_EQ(a.by_provider.at("fcm").count(), 2u);
  EXPECT_EQ(a.statuses_by_status.at("failed"), 1u);
  EXPECT_EQ(a.events_by_status.count("failed"), 0u);
}

TEST_F(LoadgenMatcher, RepeatsAndDuplicateStatusesAreCounted) {
  matcher.expect(2, kStart, 0, false);
  EXPECT_EQ(status(2, "sent"), MatchOutcome::kDone);
  EXPECT_EQ(status(2, "sent"), MatchOutcome::kRepeated);        // reprocessed after a crash
  EXPECT_EQ(status(2, "duplicate"), MatchOutcome::kRepeated);   // dedup caught the redelivery
  const Accounting& a = matcher.accounting();
  EXPECT_EQ(a.done, 1u);
  EXPECT_EQ(a.repeated_statuses, 2u);
  EXPECT_EQ(a.statuses_by_status.at("duplicate"), 1u);
  EXPECT_EQ(a.statuses_by_status.at("sent"), 2u);
  EXPECT_EQ(a.latency.count(), 1u);
}

TEST_F(LoadgenMatcher, UnknownAndForeignIds) {
  matcher.expect(3, kStart, 0, false);
  EXPECT_EQ(status(4, "sent"), MatchOutcome::kUnknown);  // our prefix, never produced
  EXPECT_EQ(matcher.on_status({"lg-test-x9", "sent", "default", "", false}, kStart), MatchOutcome::kUnknown);
  EXPECT_EQ(matcher.on_status({"lg-test-", "sent", "default", "", false}, kStart), MatchOutcome::kUnknown);
  EXPECT_EQ(matcher.on_status({"lg-other-3", "sent", "default", "", false}, kStart), MatchOutcome::kForeign);
  const Accounting& a = matcher.accounting();
  EXPECT_EQ(a.unknown, 3u);
  EXPECT_EQ(a.foreign, 1u);
  EXPECT_EQ(a.statuses, 0u);
  EXPECT_EQ(matcher.pending(), 1u);
}

TEST_F(LoadgenMatcher, InvalidExpectations) {
  matcher.expect(5, kStart, 2, true);
  matcher.expect(6, kStart, 2, true);
  matcher.expect(7, kStart, 0, false);
  EXPECT_EQ(status(5, "invalid", "default", kStart + 1'000, ""), MatchOutcome::kDone);
  EXPECT_EQ(status(6, "sent"), MatchOutcome::kDone);     // should have been invalid
  EXPECT_EQ(status(7, "invalid"), MatchOutcome::kDone);  // should not have been
  const Accounting& a = matcher.accounting();
  EXPECT_EQ(a.mismatched, 2u);
  EXPECT_EQ(a.by_channel.at("invalid").count(), 2u);
  EXPECT_EQ(a.by_provider.at("none").count(), 1u);  // a null providerId
}

TEST_F(LoadgenMatcher, LostAndWithdrawn) {
  for (std::uint64_t s = 10; s < 15; ++s) matcher.expect(s, kStart + 2'500'000, 0, false);
  status(10, "sent");
  status(12, "no_integration");
  matcher.withdraw(13);  // its produce failed
  matcher.withdraw(10);  // done already: stays counted
  EXPECT_EQ(matcher.accounting().expected, 4u);
  EXPECT_EQ(matcher.pending(), 2u);
  EXPECT_EQ(matcher.lost_ids(10), (std::vector<std::string>{"lg-test-11", "lg-test-14"}));
  EXPECT_EQ(matcher.lost_ids(1).size(), 1u);
  EXPECT_EQ(matcher.accounting().seconds.at(2).sent, 5u);
  EXPECT_EQ(status(13, "sent"), MatchOutcome::kUnknown);  // withdrawn
}

TEST(LoadgenStatusReader, ReadsTheWorkersStatusEvents) {
  std::string json;
  worker::StatusEvent e;
  e.event_id = "lg-abc-42";
  e.channel = "push";
  e.target = "fcm:1";
  e.status = worker::DeliveryStatus::kSent;
  e.provider_id = "fcm";
  e.failed_over = {"apns-main"};
  worker::append_status_json(json, e);
  StatusReader reader;
  StatusFields f;
  ASSERT_TRUE(reader.parse(json, f)) << json;
  EXPECT_EQ(f.event_id, "lg-abc-42");
  EXPECT_EQ(f.status, "sent");
  EXPECT_EQ(f.target, "fcm:1");
  EXPECT_EQ(f.provider_id, "fcm");
  EXPECT_TRUE(f.failed_over);

  json.clear();
  worker::StatusEvent invalid;
  invalid.event_id = "lg-abc-43";
  invalid.status = worker::DeliveryStatus::kInvalid;
  worker::append_status_json(json, invalid);
  ASSERT_TRUE(reader.parse(json, f)) << json;
  EXPECT_EQ(f.status, "invalid");
  EXPECT_EQ(f.provider_id, "");
  EXPECT_FALSE(f.failed_over);

  EXPECT_FALSE(reader.parse("not json", f));
  EXPECT_FALSE(reader.parse(R"({"status":"sent"})", f));
  EXPECT_FALSE(reader.parse(R"({"eventId":7,"status":"sent"})", f));
}

}  // namespace
}  // namespace switchboard::loadgen
