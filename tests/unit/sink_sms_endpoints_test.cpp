// The sink's sms and AWS endpoints without sockets: each accepts what our adapter sends
// (the adapter's request converted to a SinkRequest), rejects a broken shape with a
// reason, and answers with the ids our adapter reads back.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "providers/adapters/email_ses.h"
#include "providers/adapters/sms_generic.h"
#include "providers/adapters/sms_messagebird.h"
#include "providers/adapters/sms_nexmo.h"
#include "providers/adapters/sms_plivo.h"
#include "providers/adapters/sms_sns.h"
#include "providers/adapters/sms_telnyx.h"
#include "providers/adapters/sms_twilio.h"
#include "tests/unit/adapter_test_support.h"
#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {
namespace {

using nlohmann::json;
using providers::HttpRequest;
using routing::Channel;
namespace pt = providers::testing;

const std::string kSmsEvent = R"({"id":"evt-1","subscriber":{"subscriberId":"s","phone":"+15555550100"},
  "content":{"body":"hello"}})";
const std::string kEmailEvent = R"({"id":"evt-1","subscriber":{"subscriberId":"s","email":"a@example.com"},
  "content":{"subject":"Hi","body":"text"}})";
const std::vector<std::pair<std::string, std::string>> kAws = {
    {"apiKey", "AKIDEXAMPLE"}, {"secretKey", "secret"}, {"region", "eu-west-1"}, {"from", "a@b.c"}};

// What the sink would receive for `request` (headers lower-cased, as the server stores them).
SinkRequest as_received(const HttpRequest& request) {
  SinkRequest received;
  received.method = std::string(providers::http_method_name(request.method));
  received.target = providers::parse_url(request.url).url->target;
  for (const auto& h : request.headers) {
    std::string name = h.name;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    received.headers.push_back({name, h.value});
  }
  received.body = request.body;
  return received;
}

SinkRequest adapter_request(const providers::HttpAdapter& adapter, Channel channel,
                            const std::vector<std::pair<std::string, std::string>>& credentials,
                            const std::string& event = kSmsEvent) {
  const auto integration = pt::integration_with(std::string(adapter.provider_id()), channel, credentials);
  const auto requests = pt::requests_of(adapter.build(integration, pt::message_from(event, channel), pt::fixed_context()));
  return requests.empty() ? SinkRequest{} : as_received(requests.front());
}

// The endpoint named `name` accepts `request`; its answer, parsed by `adapter`, is `sent` with an id.
void expect_round_trip(std::string_view name, const SinkRequest& request, const providers::HttpAdapter& adapter) {
  SCOPED_TRACE(std::string(name));
  const SinkEndpoint* endpoint = find_sink_endpoint(request);
  ASSERT_NE(endpoint, nullptr) << request.target;
  EXPECT_EQ(endpoint->name, name);
  EXPECT_EQ(endpoint->check(request), "");
  SinkIds ids(7);
  const SinkResponse answer = endpoint->answer(request, ids);
  providers::HttpResponse response;
  response.status = answer.status;
  response.body = answer.body;
  for (const auto& h : answer.headers) response.headers.push_back({h.name, h.value});
  const auto outcome = adapter.parse(response);
  EXPECT_EQ(outcome.kind, providers::OutcomeKind::kSent) << outcome.error;
  EXPECT_FALSE(outcome.provider_message_id.empty()) << answer.body;
}

// The check fails after `mutate`, and its reason mentions `expected`.
template <typename Mutate>
void expect_rejected(const SinkRequest& good, Mutate mutate, std::string_view expected) {
  SinkRequest bad = good;
  mutate(bad);
  const SinkEndpoint* endpoint = find_sink_endpoint(bad);
  ASSERT_NE(endpoint, nullptr) << bad.target;
  const std::string reason = endpoint->check(bad);
  EXPECT_NE(reason.find(expected), std::string::npos) << "reason: '" << reason << "', expected '" << expected << "'";
}

void set_header(SinkRequest& request, std::string_view name, std::string value) {
  for (auto& h : request.headers) {
    if (h.name == name) h.value = std::move(value);
  }
}

void drop_header(SinkRequest& request, std::string_view name) {
  std::erase_if(request.headers, [&](const SinkHeader& h) { return h.name == name; });
}

TEST(SinkSmsEndpoints, Nexmo) {
  const SinkRequest good = adapter_request(providers::NexmoAdapter(), Channel::kSms,
                                           {{"apiKey", "k"}, {"secretKey", "s"}, {"from", "Acme"}});
  expect_round_trip("nexmo", good, providers::NexmoAdapter());
  expect_rejected(good, [](SinkRequest& r) { r.body = "api_key=k&from=A&to=1555&text=hi"; }, "'api_secret'");
  expect_rejected(good, [](SinkRequest& r) { r.body = "api_key=k&api_secret=s&from=A&to=%2B1555&text=hi"; },
                  "without '+'");
  expect_rejected(good, [](SinkRequest& r) { set_header(r, "content-type", "text/plain"); }, "Content-Type");
  SinkRequest as_json = good;
  set_header(as_json, "content-type", "application/json");
  as_json.body = R"({"api_key":"k","api_secret":"s","from":"A","to":"15555550100","text":"hi"})";
  expect_round_trip("nexmo", as_json, providers::NexmoAdapter());
}

TEST(SinkSmsEndpoints, Plivo) {
  const SinkRequest good = adapter_request(providers::PlivoAdapter(), Channel::kSms,
                                           {{"accountSid", "MA1"}, {"token", "t"}, {"from", "+1555"}});
  expect_round_trip("plivo", good, providers::PlivoAdapter());
  expect_rejected(good, [](SinkRequest& r) { r.target = "/v1/Account/MA2/Message/"; }, "auth id");
  expect_rejected(good, [](SinkRequest& r) { drop_header(r, "authorization"); }, "Basic");
  expect_rejected(good, [](SinkRequest& r) { r.body = R"({"src":"+1","text":"x"})"; }, "'dst'");
}

TEST(SinkSmsEndpoints, Telnyx) {
  const SinkRequest good = adapter_request(providers::TelnyxAdapter(), Channel::kSms,
                                           {{"apiKey", "k"}, {"messageProfileId", "p"}, {"from", "+1555"}});
  expect_round_trip("telnyx", good, providers::TelnyxAdapter());
  expect_rejected(good, [](SinkRequest& r) { set_header(r, "authorization", "Basic x"); }, "Bearer");
  expect_rejected(good, [](SinkRequest& r) { r.body = R"({"to":"1555","text":"x","from":"+1"})"; }, "+E.164");
  expect_rejected(good, [](SinkRequest& r) { r.body = R"({"to":"+1555","text":"x"})"; }, "messaging_profile_id");
}

TEST(SinkSmsEndpoints, Messagebird) {
  const SinkRequest good =
      adapter_request(providers::MessagebirdAdapter(), Channel::kSms, {{"accessKey", "live_x"}, {"from", "Acme"}});
  expect_round_trip("messagebird", good, providers::MessagebirdAdapter());
  expect_rejected(good, [](SinkRequest& r) { set_header(r, "authorization", "Bearer live_x"); }, "AccessKey");
  expect_rejected(good, [](SinkRequest& r) { r.body = R"({"originator":"A","recipients":[],"body":"x"})"; },
                  "'recipients'");
  expect_rejected(good, [](SinkRequest& r) { r.body = R"({"recipients":["+1"],"body":"x"})"; }, "'originator'");
}

TEST(SinkSmsEndpoints, GenericSmsAuthAndSend) {
  const auto integration = pt::integration_with("generic-sms", Channel::kSms,
                                                {{"baseUrl", "http://127.0.0.1:1/generic-sms/send"},
                                                 {"apiKeyRequestHeader", "X-Api-Key"},
                                                 {"apiKey", "k"},
                                                 {"idPath", "data.id"},
                                                 {"authenticateByToken", "true"},
                                                 {"domain", "http://127.0.0.1:1/generic-sms/auth"},
                                                 {"authenticationTokenKey", "token"}});
  const SinkRequest auth = as_received(providers::generic_sms::build_auth_request(integration));
  const SinkEndpoint* auth_endpoint = find_sink_endpoint(auth);
  ASSERT_NE(auth_endpoint, nullptr);
  EXPECT_EQ(auth_endpoint->check(auth), "");
  SinkIds ids(7);
  providers::HttpResponse auth_response;
  auth_response.status = 200;
  auth_response.body = auth_endpoint->answer(auth, ids).body;
  const auto token = providers::generic_sms::token_from(integration, auth_response);
  ASSERT_TRUE(std::holds_alternative<std::string>(token));
  expect_rejected(auth, [](SinkRequest& r) { drop_header(r, "x-api-key"); }, "API-key header");

  const auto built = pt::requests_of(providers::generic_sms::build_send_request(
      integration, pt::message_from(kSmsEvent, Channel::kSms), std::get<std::string>(token)));
  ASSERT_EQ(built.size(), 1u);
  const SinkRequest send = as_received(built.front());
  const SinkEndpoint* send_endpoint = find_sink_endpoint(send);
  ASSERT_NE(send_endpoint, nullptr);
  EXPECT_EQ(send_endpoint->name, "generic-sms");
  EXPECT_EQ(send_endpoint->check(send), "");
  providers::HttpResponse send_response;
  send_response.status = 200;
  send_response.body = send_endpoint->answer(send, ids).body;
  EXPECT_FALSE(providers::generic_sms::parse_send(integration, send_response).provider_message_id.empty());
  expect_rejected(send, [](SinkRequest& r) { drop_header(r, "token"); }, "token header");
  expect_rejected(send, [](SinkRequest& r) { r.body = R"({"to":"+1"})"; }, "'content'");
}

TEST(SinkAwsEndpoints, SesAcceptsASignedSendEmail) {
  const SinkRequest good = adapter_request(providers::SesAdapter(), Channel::kEmail, kAws, kEmailEvent);
  expect_round_trip("ses", good, providers::SesAdapter());
  expect_rejected(good, [](SinkRequest& r) { drop_header(r, "authorization"); }, "AWS4-HMAC-SHA256");
  expect_rejected(good, [](SinkRequest& r) { set_header(r, "x-amz-date", "2026-11-22"); }, "x-amz-date");
  expect_rejected(good, [](SinkRequest& r) { set_header(r, "x-amz-date", "20261123T100000Z"); }, "Credential date");
  expect_rejected(good, [](SinkRequest& r) { r.body = R"({"FromEmailAddress":"a@b.c","Destination":{}})"; },
                  "ToAddresses");
  // Wrong JSON types are a 400 with a reason, not an exception.
  expect_rejected(good, [](SinkRequest& r) { r.body = R"({"FromEmailAddress":"a@b.c","Destination":"x"})"; },
                  "ToAddresses");
  expect_rejected(
      good, [](SinkRequest& r) { r.body = R"({"FromEmailAddress":"a","Destination":{"ToAddresses":["b"]},"Content":1})"; },
      "Subject");
}

TEST(SinkAwsEndpoints, SigV4ShapeChecks) {
  const SinkRequest good = adapter_request(providers::SnsAdapter(), Channel::kSms, kAws);
  expect_round_trip("sns", good, providers::SnsAdapter());
  const std::string auth = *good.header("authorization");
  auto replace = [&auth](std::string_view from, std::string_view to) {
    std::string changed = auth;
    changed.replace(changed.find(from), from.size(), to);
    return changed;
  };
  expect_rejected(good, [&](SinkRequest& r) { set_header(r, "authorization", replace("/sns/", "/ses/")); },
                  "service must be 'sns'");
  expect_rejected(good, [&](SinkRequest& r) { set_header(r, "authorization", replace("Signature=", "Signature=zz")); },
                  "64 hex");
  expect_rejected(good, [&](SinkRequest& r) { set_header(r, "authorization", replace("host;", "")); },
                  "host and x-amz-date");
  expect_rejected(good, [&](SinkRequest& r) { drop_header(r, "content-type"); }, "signed header 'content-type'");
  expect_rejected(good, [&](SinkRequest& r) { set_header(r, "authorization", replace("/aws4_request", "")); },
                  "Credential must be");
  expect_rejected(good, [](SinkRequest& r) { r.body = "Action=Publish&Message=x&PhoneNumber=%2B1"; }, "'Version'");
  expect_rejected(good, [](SinkRequest& r) { r.body = "Action=Publish&Message=x&Version=2010-03-31"; }, "PhoneNumber");
  // Other actions on "/" are not SNS Publish.
  SinkRequest other = good;
  other.body = "Action=ListTopics&Version=2010-03-31";
  EXPECT_EQ(find_sink_endpoint(other), nullptr);
}

TEST(SinkSmsEndpoints, AppAnswers400WithTheReason) {
  SinkOptions options;
  options.seed = 1;
  SinkApp app(options);
  SinkConnection connection;
  SinkRequest bad = adapter_request(providers::TelnyxAdapter(), Channel::kSms, {{"apiKey", "k"}, {"from", "+1"}});
  drop_header(bad, "authorization");
  const SinkResponse response = app.handle(bad, connection);
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(json::parse(response.body).value("message", "").find("Bearer"), std::string::npos);
  EXPECT_NE(app.stats_json().find("\"telnyx\":1"), std::string::npos);
}

}  // namespace
}  // namespace switchboard::sink
