// decode_message: the event fields adapters read, through the fast DOM path and the
// fallback for documents the DOM refuses (integers beyond 64 bits).
#include <gtest/gtest.h>

#include "providers/adapters/outbound_message.h"

namespace switchboard::providers {
namespace {

DecodedMessage decode(const std::string& event, const std::string& channel_entry = {}) {
  DeliveryRequest request;
  request.event_json = std::make_shared<const std::string>(event);
  request.event_id = "evt-1";
  request.channel = routing::Channel::kPush;
  request.subscriber_channel_json = channel_entry;
  return decode_message(request);
}

constexpr const char* kEvent = R"({"id":"evt-1","organizationId":"org","environmentId":"env","channel":"push",
  "transactionId":"txn","subscriber":{"subscriberId":"sub","email":"a@b.c","phone":"+491","firstName":"Ada",
  "lastName":"L","locale":"de","data":{"n":[1,2.5,-3,true,null,"x"]}},
  "payload":{"amount":PLACEHOLDER,"nested":{"k":"v"}},
  "content":{"subject":"S","body":"B","html":"<p>\u00e9</p>","title":"T","data":{"deepLink":"app://x"}},
  "overrides":{"from":"f@x.y","senderName":"N","replyTo":"r@x.y"}})";

std::string event_with_amount(const std::string& amount) {
  std::string event = kEvent;
  event.replace(event.find("PLACEHOLDER"), 11, amount);
  return event;
}

TEST(OutboundMessage, ReadsEveryField) {
  const auto decoded = decode(event_with_amount("42"), R"({"providerId":"fcm","credentials":{"deviceTokens":["a","",7,"b"],"webhookUrl":"http://h/x"}})");
  ASSERT_EQ(decoded.error, "");
  const OutboundMessage& m = decoded.message;
  EXPECT_EQ(m.transaction_id, "txn");
  EXPECT_EQ(m.organization_id, "org");
  EXPECT_EQ(m.environment_id, "env");
  EXPECT_EQ(m.subscriber_id, "sub");
  EXPECT_EQ(m.email, "a@b.c");
  EXPECT_EQ(m.phone, "+491");
  EXPECT_EQ(m.first_name, "Ada");
  EXPECT_EQ(m.last_name, "L");
  EXPECT_EQ(m.locale, "de");
  EXPECT_EQ(m.subject, "S");
  EXPECT_EQ(m.body, "B");
  EXPECT_EQ(m.html, "<p>\xc3\xa9</p>");
  EXPECT_EQ(m.title, "T");
  EXPECT_EQ(m.content_data, nlohmann::json::parse(R"({"deepLink":"app://x"})"));
  EXPECT_EQ(m.payload, nlohmann::json::parse(R"({"amount":42,"nested":{"k":"v"}})"));
  EXPECT_EQ(m.subscriber["data"], nlohmann::json::parse(R"({"n":[1,2.5,-3,true,null,"x"]})"));
  EXPECT_EQ(m.from, "f@x.y");
  EXPECT_EQ(m.sender_name, "N");
  EXPECT_EQ(m.reply_to, "r@x.y");
  EXPECT_EQ(m.webhook_url, "http://h/x");
  EXPECT_EQ(m.device_tokens, (std::vector<std::string>{"a", "b"}));
}

TEST(OutboundMessage, IntegersBeyond64BitsStillDecode) {
  const auto fast = decode(event_with_amount("42"));
  const auto slow = decode(event_with_amount("123456789012345678901234567890"));
  ASSERT_EQ(slow.error, "");
  EXPECT_EQ(slow.message.subscriber, fast.message.subscriber);
  EXPECT_EQ(slow.message.html, fast.message.html);
  EXPECT_EQ(slow.message.from, fast.message.from);
  EXPECT_TRUE(slow.message.payload["amount"].is_number());
}

TEST(OutboundMessage, WithoutDocumentsOnlyTheStringsAreRead) {
  DeliveryRequest request;
  request.event_json = std::make_shared<const std::string>(event_with_amount("42"));
  request.event_id = "evt-1";
  const auto decoded = decode_message(request, false);
  ASSERT_EQ(decoded.error, "");
  EXPECT_EQ(decoded.message.email, "a@b.c");
  EXPECT_EQ(decoded.message.html, "<p>\xc3\xa9</p>");
  EXPECT_EQ(decoded.message.payload, nlohmann::json::object());
  EXPECT_EQ(decoded.message.subscriber, nlohmann::json::object());
}

TEST(OutboundMessage, NotAnObjectIsAnError) {
  EXPECT_NE(decode("[1,2]").error, "");
  EXPECT_NE(decode("{\"id\":").error, "");
}

}  // namespace
}  // namespace switchboard::providers
