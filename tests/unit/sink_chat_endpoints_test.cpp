// The sink's chat endpoints: which paths they take, the request shapes they refuse, and
// that what the chat adapters send passes their checks and their answers parse as `sent`.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "providers/adapters/chat_discord.h"
#include "providers/adapters/chat_mattermost.h"
#include "providers/adapters/chat_msteams.h"
#include "providers/adapters/chat_slack.h"
#include "providers/adapters/chat_whatsapp.h"
#include "tests/unit/adapter_test_support.h"
#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {
namespace {

using nlohmann::json;

const std::vector<SinkHeader> kJson = {{"content-type", "application/json"}};

SinkRequest post(std::string target, std::string body, std::vector<SinkHeader> headers = kJson) {
  return SinkRequest{"POST", std::move(target), std::move(headers), std::move(body)};
}

std::string endpoint_name(const SinkRequest& request) {
  const SinkEndpoint* endpoint = find_sink_endpoint(request);
  return endpoint != nullptr ? std::string(endpoint->name) : "<none>";
}

std::string check(const SinkRequest& request) {
  const SinkEndpoint* endpoint = find_sink_endpoint(request);
  if (endpoint == nullptr) return "<no endpoint>";
  return endpoint->check(request);
}

TEST(SinkChatEndpoints, MatchTheirOwnPrefixesAndTheRealWebhookPaths) {
  EXPECT_EQ(endpoint_name(post("/slack/T1/B2/x", "")), "slack");
  EXPECT_EQ(endpoint_name(post("/services/T1/B2/x", "")), "slack");
  EXPECT_EQ(endpoint_name(post("/discord/1/tok?wait=true", "")), "discord");
  EXPECT_EQ(endpoint_name(post("/api/webhooks/1/tok", "")), "discord");
  EXPECT_EQ(endpoint_name(post("/msteams/x", "")), "msteams");
  EXPECT_EQ(endpoint_name(post("/webhookb2/abc/IncomingWebhook/def", "")), "msteams");
  EXPECT_EQ(endpoint_name(post("/mattermost/x", "")), "mattermost");
  EXPECT_EQ(endpoint_name(post("/hooks/xyz", "")), "mattermost");
  EXPECT_EQ(endpoint_name(post("/v19.0/106540352242922/messages", "")), "whatsapp-business");
  EXPECT_EQ(endpoint_name(post("/v20.1/1/messages", "")), "whatsapp-business");
  EXPECT_NE(endpoint_name(post("/v19/1/messages", "")), "whatsapp-business");
  EXPECT_NE(endpoint_name(post("/v19.0/abc/messages", "")), "whatsapp-business");
  EXPECT_NE(endpoint_name(post("/v19.0//messages", "")), "whatsapp-business");
  EXPECT_NE(endpoint_name(post("/webhook/x", "")), "msteams");
}

TEST(SinkChatEndpoints, SlackChecks) {
  EXPECT_EQ(check(post("/slack/a", R"({"text":"hi"})")), "");
  EXPECT_EQ(check(post("/slack/a", R"({"blocks":[{"type":"section"}]})")), "");
  EXPECT_NE(check(post("/slack/a", R"({"text":""})")).find("no_text"), std::string::npos);
  EXPECT_NE(check(post("/slack/a", R"({"text":"x","blocks":{}})")).find("blocks"), std::string::npos);
  EXPECT_NE(check(post("/slack/a", "text=hi", {{"content-type", "text/plain"}})).find("Content-Type"), std::string::npos);
  EXPECT_NE(check(post("/slack/a", "[1]")).find("JSON object"), std::string::npos);
  SinkRequest get = post("/slack/a", R"({"text":"hi"})");
  get.method = "GET";
  EXPECT_NE(check(get).find("POST"), std::string::npos);
}

TEST(SinkChatEndpoints, DiscordChecksAndAnswers) {
  EXPECT_EQ(check(post("/discord/1/t", R"({"content":"hi"})")), "");
  EXPECT_NE(check(post("/discord/1/t", R"({"content":""})")).find("50006"), std::string::npos);
  EXPECT_NE(check(post("/discord/1/t", json{{"content", std::string(2001, 'x')}}.dump())).find("2000"),
            std::string::npos);
  SinkIds ids(7);
  const SinkRequest waiting = post("/discord/1/t?wait=true", R"({"content":"hi"})");
  const SinkResponse created = find_sink_endpoint(waiting)->answer(waiting, ids);
  EXPECT_EQ(created.status, 200);
  const json message = json::parse(created.body);
  EXPECT_EQ(message["content"], "hi");
  EXPECT_GE(message["id"].get<std::string>().size(), 19u);
  const SinkRequest fire_and_forget = post("/discord/1/t", R"({"content":"hi"})");
  EXPECT_EQ(find_sink_endpoint(fire_and_forget)->answer(fire_and_forget, ids).status, 204);
}

TEST(SinkChatEndpoints, TeamsAndMattermostChecks) {
  EXPECT_EQ(check(post("/msteams/a", R"({"text":"hi"})")), "");
  EXPECT_EQ(check(post("/msteams/a", R"({"@type":"MessageCard","summary":"s"})")), "");
  EXPECT_EQ(check(post("/msteams/a", R"({"type":"message","attachments":[{}]})")), "");
  EXPECT_NE(check(post("/msteams/a", R"({"title":"x"})")), "");
  EXPECT_EQ(check(post("/mattermost/a", R"({"text":"hi"})")), "");
  EXPECT_NE(check(post("/mattermost/a", R"({"username":"bot"})")).find("text"), std::string::npos);
}

SinkRequest good_whatsapp() {
  return post("/v19.0/106540352242922/messages",
              R"({"messaging_product":"whatsapp","to":"+4915112345678","type":"text","text":{"body":"hi"}})",
              {{"authorization", "Bearer EAAG"}, {"content-type", "application/json"}});
}

TEST(SinkChatEndpoints, WhatsAppChecks) {
  EXPECT_EQ(check(good_whatsapp()), "");
  SinkRequest r = good_whatsapp();
  r.headers[0].value = "Basic abc";
  EXPECT_NE(check(r).find("Bearer"), std::string::npos);
  r = good_whatsapp();
  r.body = R"({"to":"1","type":"text","text":{"body":"hi"}})";
  EXPECT_NE(check(r).find("messaging_product"), std::string::npos);
  r.body = R"({"messaging_product":"whatsapp","type":"text","text":{"body":"hi"}})";
  EXPECT_NE(check(r).find("'to'"), std::string::npos);
  r.body = R"({"messaging_product":"whatsapp","to":"1","type":"text","text":{}})";
  EXPECT_NE(check(r).find("text.body"), std::string::npos);
  r.body = R"({"messaging_product":"whatsapp","to":"1","type":"template"})";
  EXPECT_NE(check(r).find("template"), std::string::npos);
}

// ---- the adapters against the sink -----------------------------------------------------------

SinkRequest as_sink_request(const providers::HttpRequest& request) {
  const providers::UrlParse url = providers::parse_url(request.url);
  EXPECT_TRUE(url.url.has_value()) << request.url;
  SinkRequest out{std::string(providers::http_method_name(request.method)), url.url ? url.url->target : "/", {},
                  request.body};
  for (const auto& h : request.headers) out.headers.push_back({h.name, h.value});
  return out;
}

providers::HttpResult as_http_result(const SinkResponse& response) {
  providers::HttpResponse out;
  out.status = response.status;
  out.body = response.body;
  for (const auto& h : response.headers) out.headers.push_back({h.name, h.value});
  return out;
}

struct Agreement {
  std::shared_ptr<const providers::HttpAdapter> adapter;
  std::string subscriber_url;  // the real provider's URL shape; baseUrl moves it to the sink
  bool id_expected;
};

TEST(SinkChatEndpoints, WhatTheAdaptersSendPassesAndTheAnswersParseAsSent) {
  const std::string event = R"({"id":"evt-1","organizationId":"org-1","environmentId":"env-1","channel":"chat",
    "subscriber":{"subscriberId":"sub-1","phone":"+4915112345678"},"content":{"body":"Build 42 is green"}})";
  const std::vector<Agreement> cases = {
      {std::make_shared<providers::SlackAdapter>(), "https://hooks.slack.com/services/T1/B2/x3", true},
      {std::make_shared<providers::DiscordAdapter>(), "https://discord.com/api/webhooks/1/tok", true},
      {std::make_shared<providers::MsTeamsAdapter>(), "https://acme.webhook.office.com/webhookb2/a/b", true},
      {std::make_shared<providers::MattermostAdapter>(), "https://chat.acme.test/hooks/xyz", false},
      {std::make_shared<providers::WhatsAppBusinessAdapter>(), "", true},
  };
  SinkIds ids(1);
  for (const Agreement& c : cases) {
    const std::string name(c.adapter->provider_id());
    SCOPED_TRACE(name);
    const auto integration = providers::testing::integration_with(
        name, routing::Channel::kChat,
        {{"baseUrl", "http://127.0.0.1:9"}, {"apiToken", "EAAG"}, {"phoneNumberIdentification", "1065"}});
    const std::string entry = R"({"providerId":")" + name + R"(","credentials":{"webhookUrl":")" + c.subscriber_url + R"("}})";
    const auto requests = providers::testing::requests_of(c.adapter->build(
        integration, providers::testing::message_from(event, routing::Channel::kChat, entry),
        providers::testing::fixed_context()));
    ASSERT_EQ(requests.size(), 1u);
    const SinkRequest request = as_sink_request(requests[0]);
    const SinkEndpoint* endpoint = find_sink_endpoint(request);
    ASSERT_NE(endpoint, nullptr) << request.target;
    EXPECT_EQ(endpoint->name, name);
    EXPECT_EQ(endpoint->check(request), "");
    const providers::DeliveryOutcome outcome = c.adapter->parse(as_http_result(endpoint->answer(request, ids)));
    EXPECT_EQ(outcome.kind, providers::OutcomeKind::kSent) << outcome.error;
    EXPECT_EQ(!outcome.provider_message_id.empty(), c.id_expected) << outcome.provider_message_id;
  }
}

}  // namespace
}  // namespace switchboard::sink
