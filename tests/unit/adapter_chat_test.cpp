// Golden request tests and outcome mapping of the chat adapters.
#include <gtest/gtest.h>

#include "providers/adapters/chat_discord.h"
#include "providers/adapters/chat_mattermost.h"
#include "providers/adapters/chat_msteams.h"
#include "providers/adapters/chat_slack.h"
#include "providers/adapters/chat_whatsapp.h"
#include "tests/unit/adapter_test_support.h"

namespace switchboard::providers {
namespace {

using namespace providers::testing;
using routing::Channel;

const std::string kEvent = R"({"id":"evt-1","organizationId":"org-1","environmentId":"env-1","channel":"chat",
  "subscriber":{"subscriberId":"sub-1","phone":"+4915112345678"},
  "content":{"subject":"Deploy","body":"Build 42 is green","data":{"blocks":[{"type":"section"}]}}})";

std::string entry(std::string_view url) {
  return R"({"providerId":"x","credentials":{"webhookUrl":")" + std::string(url) + R"("}})";
}

HttpRequest only_request(const HttpAdapter& adapter, const routing::Integration& integration,
                         const OutboundMessage& message) {
  auto requests = requests_of(adapter.build(integration, message, fixed_context()));
  EXPECT_EQ(requests.size(), 1u);
  return requests.empty() ? HttpRequest{} : requests.front();
}

// ---- every webhook adapter ---------------------------------------------------------------

class ChatWebhookAdapters : public ::testing::TestWithParam<const HttpAdapter*> {};

TEST_P(ChatWebhookAdapters, NoWebhookUrlIsRejected) {
  const HttpAdapter& adapter = *GetParam();
  const auto integration = integration_with(std::string(adapter.provider_id()), Channel::kChat, {});
  const auto outcome = outcome_of(adapter.build(integration, message_from(kEvent, Channel::kChat), fixed_context()));
  EXPECT_EQ(outcome.kind, OutcomeKind::kRejected);
  EXPECT_NE(outcome.error.find("webhookUrl"), std::string::npos);
}

TEST_P(ChatWebhookAdapters, BadWebhookUrlIsRejectedWithoutRepeatingIt) {
  const HttpAdapter& adapter = *GetParam();
  const auto integration = integration_with(std::string(adapter.provider_id()), Channel::kChat, {});
  const auto outcome = outcome_of(adapter.build(
      integration, message_from(kEvent, Channel::kChat, entry("ftp://hooks.test/SECRET")), fixed_context()));
  EXPECT_EQ(outcome.kind, OutcomeKind::kRejected);
  EXPECT_EQ(outcome.error.find("SECRET"), std::string::npos) << outcome.error;
}

TEST_P(ChatWebhookAdapters, IntegrationWebhookUrlIsTheFallback) {
  const HttpAdapter& adapter = *GetParam();
  const auto integration = integration_with(std::string(adapter.provider_id()), Channel::kChat,
                                            {{"webhookUrl", "https://hooks.test/team"}});
  const HttpRequest r = only_request(adapter, integration, message_from(kEvent, Channel::kChat));
  EXPECT_EQ(r.url.rfind("https://hooks.test/team", 0), 0u) << r.url;
}

TEST_P(ChatWebhookAdapters, BaseUrlReplacesTheOriginOfTheSubscriberUrl) {
  const HttpAdapter& adapter = *GetParam();
  const auto integration = integration_with(std::string(adapter.provider_id()), Channel::kChat,
                                            {{"baseUrl", "http://127.0.0.1:9/sink/"}});
  const HttpRequest r =
      only_request(adapter, integration, message_from(kEvent, Channel::kChat, entry("https://hooks.test/services/T1?x=1")));
  EXPECT_EQ(r.url.rfind("http://127.0.0.1:9/sink/services/T1?x=1", 0), 0u) << r.url;
}

TEST_P(ChatWebhookAdapters, NoTextIsRejected) {
  const HttpAdapter& adapter = *GetParam();
  const auto integration = integration_with(std::string(adapter.provider_id()), Channel::kChat, {});
  const std::string event = R"({"id":"e","subscriber":{"subscriberId":"s"},"content":{}})";
  const auto outcome = outcome_of(
      adapter.build(integration, message_from(event, Channel::kChat, entry("https://hooks.test/a")), fixed_context()));
  EXPECT_EQ(outcome.kind, OutcomeKind::kRejected);
}

TEST_P(ChatWebhookAdapters, StatusClasses) {
  const HttpAdapter& adapter = *GetParam();
  EXPECT_EQ(adapter.parse(response(200, "ok")).kind, OutcomeKind::kSent);
  EXPECT_EQ(adapter.parse(response(400, "invalid_payload")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(403, "action_prohibited")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(adapter.parse(response(404, "no_service")).kind, OutcomeKind::kPermanent);
  const auto throttled = adapter.parse(response(429, "", {{"retry-after", "3"}}));
  EXPECT_EQ(throttled.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(throttled.retry_after, std::chrono::milliseconds(3000));
  EXPECT_EQ(adapter.parse(response(500, "rollup_error")).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(TransportError{TransportErrorKind::kTimeout, "read"}).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(adapter.parse(TransportError{TransportErrorKind::kReset, "reset"}).kind, OutcomeKind::kRetryable);
}

const SlackAdapter kSlack;
const DiscordAdapter kDiscord;
const MsTeamsAdapter kTeams;
const MattermostAdapter kMattermost;

INSTANTIATE_TEST_SUITE_P(All, ChatWebhookAdapters, ::testing::Values(&kSlack, &kDiscord, &kTeams, &kMattermost),
                         [](const auto& info) { return std::string(info.param->provider_id()); });

// ---- slack -----------------------------------------------------------------------------------

TEST(SlackAdapter, GoldenRequest) {
  const auto integration = integration_with("slack", Channel::kChat, {});
  const HttpRequest r = only_request(
      kSlack, integration, message_from(kEvent, Channel::kChat, entry("https://hooks.slack.com/services/T1/B2/x3")));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://hooks.slack.com/services/T1/B2/x3");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(header_of(r, "authorization"), "<absent>");
  EXPECT_EQ(r.body, R"({"blocks":[{"type":"section"}],"text":"Build 42 is green"})");
}

TEST(SlackAdapter, SubjectWhenNoBodyAndBlocksOnlyWhenAnArray) {
  const auto integration = integration_with("slack", Channel::kChat, {});
  const std::string event =
      R"({"id":"e","subscriber":{"subscriberId":"s"},"content":{"subject":"Hi","data":{"blocks":"no"}}})";
  const HttpRequest r = only_request(kSlack, integration, message_from(event, Channel::kChat, entry("https://h.test/a")));
  EXPECT_EQ(r.body, R"({"text":"Hi"})");
}

TEST(SlackAdapter, IdFromTheRequestIdHeader) {
  const auto sent = kSlack.parse(response(200, "ok", {{"x-slack-req-id", "a1b2"}}));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "a1b2");
  EXPECT_EQ(kSlack.parse(response(200, "ok", {{"x-message-id", "other"}})).provider_message_id, "");
}

// ---- discord ---------------------------------------------------------------------------------

TEST(DiscordAdapter, GoldenRequest) {
  const auto integration = integration_with("discord", Channel::kChat, {});
  const HttpRequest r = only_request(
      kDiscord, integration, message_from(kEvent, Channel::kChat, entry("https://discord.com/api/webhooks/1/tok")));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://discord.com/api/webhooks/1/tok?wait=true");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"content":"Build 42 is green"})");
}

TEST(DiscordAdapter, WaitRespectsAnExistingQuery) {
  EXPECT_EQ(with_discord_wait("https://d.test/w/1/t?thread_id=9"), "https://d.test/w/1/t?thread_id=9&wait=true");
  EXPECT_EQ(with_discord_wait("https://d.test/w/1/t?wait=false"), "https://d.test/w/1/t?wait=false");
  EXPECT_EQ(with_discord_wait("https://d.test/w/1/t?a=1&wait=true"), "https://d.test/w/1/t?a=1&wait=true");
  EXPECT_EQ(with_discord_wait("https://d.test/w/1/t?"), "https://d.test/w/1/t?wait=true");
  EXPECT_EQ(with_discord_wait("https://d.test/w/1/t#frag"), "https://d.test/w/1/t?wait=true");
  EXPECT_EQ(with_discord_wait("https://d.test/w/1/t?await=1"), "https://d.test/w/1/t?await=1&wait=true");
}

TEST(DiscordAdapter, OutcomeMapping) {
  const auto sent = kDiscord.parse(response(200, R"({"id":"1234567890123","type":0,"content":"x"})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "1234567890123");
  EXPECT_EQ(kDiscord.parse(response(204, "")).kind, OutcomeKind::kSent);
  EXPECT_EQ(kDiscord.parse(response(400, R"({"message":"Cannot send an empty message","code":50006})")).kind,
            OutcomeKind::kPermanent);
  EXPECT_EQ(kDiscord.parse(response(404, R"({"message":"Unknown Webhook","code":10015})")).kind,
            OutcomeKind::kPermanent);
}

TEST(DiscordAdapter, RateLimitDelayFromTheBodyUnlessRetryAfterIsSent) {
  const std::string limited = R"({"message":"You are being rate limited.","retry_after":0.642,"global":false})";
  const auto from_body = kDiscord.parse(response(429, limited));
  EXPECT_EQ(from_body.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(from_body.retry_after, std::chrono::milliseconds(642));
  const auto from_header = kDiscord.parse(response(429, limited, {{"retry-after", "2"}}));
  EXPECT_EQ(from_header.retry_after, std::chrono::milliseconds(2000));
  const auto without = kDiscord.parse(response(429, "slow down"));
  EXPECT_EQ(without.kind, OutcomeKind::kRetryable);
  EXPECT_FALSE(without.retry_after.has_value());
}

// ---- msteams ---------------------------------------------------------------------------------

TEST(MsTeamsAdapter, PlainTextGoesAsText) {
  const auto integration = integration_with("msteams", Channel::kChat, {});
  const HttpRequest r = only_request(
      kTeams, integration, message_from(kEvent, Channel::kChat, entry("https://acme.webhook.office.com/webhookb2/x")));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://acme.webhook.office.com/webhookb2/x");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"text":"Build 42 is green"})");
}

TEST(MsTeamsAdapter, AJsonObjectBodyIsSentAsTheCard) {
  const auto integration = integration_with("msteams", Channel::kChat, {});
  const std::string event = R"({"id":"e","subscriber":{"subscriberId":"s"},"content":{"body":)"
                            R"("{ \"@type\": \"MessageCard\", \"summary\": \"Deploy\" }"}})";
  const HttpRequest r = only_request(kTeams, integration, message_from(event, Channel::kChat, entry("https://t.test/w")));
  EXPECT_EQ(r.body, R"({"@type":"MessageCard","summary":"Deploy"})");
  const std::string array_body = R"({"id":"e","subscriber":{"subscriberId":"s"},"content":{"body":"[1,2]"}})";
  EXPECT_EQ(only_request(kTeams, integration, message_from(array_body, Channel::kChat, entry("https://t.test/w"))).body,
            R"({"text":"[1,2]"})");
}

TEST(MsTeamsAdapter, OutcomeMapping) {
  const auto sent = kTeams.parse(response(200, "1", {{"request-id", "0f8fad5b-d9cb-469f-a165-70867728950e"}}));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(kTeams.parse(response(202, "")).kind, OutcomeKind::kSent);
  const auto throttled = kTeams.parse(response(
      200, "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId x"));
  EXPECT_EQ(throttled.kind, OutcomeKind::kRetryable);
  const auto failed = kTeams.parse(response(
      200, "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 400\nx"));
  EXPECT_EQ(failed.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(failed.error.find('\n'), std::string::npos);
  EXPECT_EQ(kTeams.parse(response(413, "payload too large")).kind, OutcomeKind::kPermanent);
}

// ---- mattermost ------------------------------------------------------------------------------

TEST(MattermostAdapter, GoldenRequest) {
  const auto integration = integration_with("mattermost", Channel::kChat, {});
  const HttpRequest r = only_request(
      kMattermost, integration, message_from(kEvent, Channel::kChat, entry("https://chat.acme.test/hooks/xyz")));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://chat.acme.test/hooks/xyz");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"text":"Build 42 is green"})");
  const auto sent = kMattermost.parse(response(200, "ok"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "");
}

// ---- whatsapp-business -----------------------------------------------------------------------

const WhatsAppBusinessAdapter kWhatsApp;

routing::Integration whatsapp_integration(std::vector<std::pair<std::string, std::string>> extra = {}) {
  std::vector<std::pair<std::string, std::string>> credentials = {{"apiToken", "EAAG-token"},
                                                                   {"phoneNumberIdentification", "106540352242922"}};
  for (auto& c : extra) credentials.push_back(std::move(c));
  return integration_with("whatsapp-business", Channel::kChat, std::move(credentials));
}

TEST(WhatsAppBusinessAdapter, GoldenRequest) {
  const HttpRequest r = only_request(kWhatsApp, whatsapp_integration(),
                                     message_from(kEvent, Channel::kChat, R"({"providerId":"whatsapp-business"})"));
  EXPECT_EQ(r.method, HttpMethod::kPost);
  EXPECT_EQ(r.url, "https://graph.facebook.com/v19.0/106540352242922/messages");
  EXPECT_EQ(header_of(r, "authorization"), "Bearer EAAG-token");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  EXPECT_EQ(r.body,
            R"({"messaging_product":"whatsapp","text":{"body":"Build 42 is green"},"to":"+4915112345678","type":"text"})");
}

TEST(WhatsAppBusinessAdapter, BaseUrlOverridesTheGraphHost) {
  const HttpRequest r = only_request(kWhatsApp, whatsapp_integration({{"baseUrl", "http://127.0.0.1:9/"}}),
                                     message_from(kEvent, Channel::kChat));
  EXPECT_EQ(r.url, "http://127.0.0.1:9/v19.0/106540352242922/messages");
}

TEST(WhatsAppBusinessAdapter, MissingCredentialIsPermanentAndMissingPhoneIsRejected) {
  const auto no_token = integration_with("whatsapp-business", Channel::kChat, {{"phoneNumberIdentification", "1"}});
  const auto outcome = outcome_of(kWhatsApp.build(no_token, message_from(kEvent, Channel::kChat), fixed_context()));
  EXPECT_EQ(outcome.kind, OutcomeKind::kPermanent);
  EXPECT_NE(outcome.error.find("apiToken"), std::string::npos);
  const std::string no_phone = R"({"id":"e","subscriber":{"subscriberId":"s"},"content":{"body":"x"}})";
  EXPECT_EQ(outcome_of(kWhatsApp.build(whatsapp_integration(), message_from(no_phone, Channel::kChat), fixed_context())).kind,
            OutcomeKind::kRejected);
}

std::string graph_error(int code) {
  return R"j({"error":{"message":"(#) error","type":"OAuthException","code":)j" + std::to_string(code) +
         R"(,"error_data":{"messaging_product":"whatsapp","details":"d"},"fbtrace_id":"A1"}})";
}

TEST(WhatsAppBusinessAdapter, OutcomeMapping) {
  const auto sent = kWhatsApp.parse(response(
      200, R"({"messaging_product":"whatsapp","contacts":[{"input":"+49151","wa_id":"49151"}],"messages":[{"id":"wamid.HBgM"}]})"));
  EXPECT_EQ(sent.kind, OutcomeKind::kSent);
  EXPECT_EQ(sent.provider_message_id, "wamid.HBgM");
  // Meta throttles with HTTP 400 as well as 429: the Graph code decides.
  for (int code : {4, 80007, 130429, 131056, 2}) {
    EXPECT_EQ(kWhatsApp.parse(response(400, graph_error(code))).kind, OutcomeKind::kRetryable) << code;
  }
  for (int code : {100, 131026, 131047, 131048}) {
    EXPECT_EQ(kWhatsApp.parse(response(400, graph_error(code))).kind, OutcomeKind::kPermanent) << code;
  }
  EXPECT_EQ(kWhatsApp.parse(response(401, graph_error(190))).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(kWhatsApp.parse(response(429, graph_error(130429))).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(kWhatsApp.parse(response(500, graph_error(131000))).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(kWhatsApp.parse(response(400, "not json")).kind, OutcomeKind::kPermanent);
  EXPECT_EQ(kWhatsApp.parse(TransportError{TransportErrorKind::kTimeout, "read"}).kind, OutcomeKind::kRetryable);
}

}  // namespace
}  // namespace switchboard::providers
