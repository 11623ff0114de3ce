// The in-app inbox's Redis layout without Redis: key names, the XADD and XREVRANGE
// commands, query parsing and the page body built from a stream reply.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/unit/adapter_test_support.h"
#include "worker/inbox/inbox_stream.h"

namespace switchboard::worker {
namespace {

using nlohmann::json;
using registry::RedisReply;

RedisReply text(std::string s) { return RedisReply{RedisReply::Type::kString, std::move(s), 0, {}}; }
RedisReply array(std::vector<RedisReply> elements) {
  return RedisReply{RedisReply::Type::kArray, {}, 0, std::move(elements)};
}
RedisReply entry(std::string id, std::vector<std::string> fields) {
  std::vector<RedisReply> values;
  for (auto& f : fields) values.push_back(text(std::move(f)));
  return array({text(std::move(id)), array(std::move(values))});
}

TEST(InboxStream, KeysEscapeTheirIds) {
  EXPECT_EQ(inbox_key("sb:", "org-1", "env-1", "sub-1"), "sb:inbox:org-1:env-1:sub-1");
  EXPECT_NE(inbox_key("sb:", "o", "a:b", "c"), inbox_key("sb:", "o", "a", "b:c"));
  EXPECT_EQ(inbox_key("sb:", "o", "a:b", "c"), "sb:inbox:o:a%3Ab:c");
}

TEST(InboxStream, AppendCommand) {
  const auto message = providers::testing::message_from(
      R"({"id":"evt-1","environmentId":"env-1","transactionId":"txn-1","subscriber":{"subscriberId":"s"},)"
      R"("content":{"subject":"S","body":"B","html":"<p>B</p>","title":"T","data":{"k":1}}})",
      routing::Channel::kInApp);
  const std::vector<std::string> expected = {
      "XADD",  "sb:inbox:env-1:s", "MAXLEN", "~",       "1000",    "*",         "eventId",
      "evt-1", "transactionId",    "txn-1",  "subject", "S",       "body",      "B",
      "html",  "<p>B</p>",         "title",  "T",       "data",    R"({"k":1})", "createdAt",
      "2026-11-22T10:00:00.000Z", "integration", "novu-main"};
  EXPECT_EQ(inbox_append_command("sb:inbox:env-1:s", message, "novu-main", "2026-11-22T10:00:00.000Z"), expected);
}

TEST(InboxStream, QueryParsing) {
  auto plain = parse_inbox_query("");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.value().limit, kInboxDefaultLimit);
  EXPECT_EQ(plain.value().before, "");
  auto both = parse_inbox_query("before=1700000000000-3&x=y&limit=5");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both.value().limit, 5u);
  EXPECT_EQ(both.value().before, "1700000000000-3");
  EXPECT_TRUE(parse_inbox_query("before=1700000000000").ok());
  for (const char* bad : {"limit=0", "limit=101", "limit=x", "limit=", "limit=-1", "before=", "before=1-", "before=-1",
                          "before=1-2-3", "before=%2B"}) {
    const auto parsed = parse_inbox_query(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().code, "bad_query");
    }
  }
}

TEST(InboxStream, PageCommand) {
  EXPECT_EQ(inbox_page_command("k", {}), (std::vector<std::string>{"XREVRANGE", "k", "+", "-", "COUNT", "21"}));
  EXPECT_EQ(inbox_page_command("k", {5, "17-0"}),
            (std::vector<std::string>{"XREVRANGE", "k", "(17-0", "-", "COUNT", "6"}));
}

TEST(InboxStream, PageBodyKeepsTheLimitAndTellsTheNextPage) {
  const RedisReply reply = array({entry("3-0", {"eventId", "e3", "data", R"({"a":[1]})"}),
                                  entry("2-0", {"eventId", "e2", "data", "not json", "id", "spoofed"}),
                                  entry("1-0", {"eventId", "e1"})});
  auto page = inbox_page_body(reply, 2);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page.value(),
            R"({"data":[{"id":"3-0","eventId":"e3","data":{"a":[1]}},{"id":"2-0","eventId":"e2","data":"not json"}],)"
            R"("next":"2-0"})");
  auto last = inbox_page_body(reply, 3);
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(json::parse(last.value())["next"].is_null());
  EXPECT_EQ(inbox_page_body(array({}), 20).value(), R"({"data":[],"next":null})");
}

TEST(InboxStream, PageBodyRefusesWhatIsNotAStreamRange) {
  EXPECT_FALSE(inbox_page_body(text("x"), 20).ok());
  EXPECT_FALSE(inbox_page_body(array({text("1-0")}), 20).ok());
  EXPECT_FALSE(inbox_page_body(array({array({text("1-0"), array({text("odd")})})}), 20).ok());
}

}  // namespace
}  // namespace switchboard::worker
