// The sink's decisions without sockets: request-shape checks, injection, counters.

#include "worker/sink/sink_app.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace switchboard::sink {
namespace {

using nlohmann::json;

SinkRequest request(std::string method, std::string target, std::vector<SinkHeader> headers = {},
                    std::string body = {}) {
  return SinkRequest{std::move(method), std::move(target), std::move(headers), std::move(body)};
}

const char* kGoodMail = R"({"personalizations":[{"to":[{"email":"a@example.com"}]}],)"
                        R"("from":{"email":"noreply@example.com"},"subject":"Hi"})";

SinkRequest good_sendgrid() {
  return request("POST", "/v3/mail/send",
                 {{"authorization", "Bearer SG.x"}, {"content-type", "application/json; charset=utf-8"}}, kGoodMail);
}

SinkRequest good_twilio() {
  // base64("AC1:tok")
  return request("POST", "/2010-04-01/Accounts/AC1/Messages.json",
                 {{"authorization", "Basic QUMxOnRvaw=="}, {"content-type", "application/x-www-form-urlencoded"}},
                 "To=%2B1555&From=%2B1666&Body=hi");
}

TEST(HttpSinkChecks, SendgridAcceptsAGoodRequest) { EXPECT_EQ(check_sendgrid_request(good_sendgrid()), ""); }

TEST(HttpSinkChecks, SendgridRejects) {
  SinkRequest r = good_sendgrid();
  r.headers[0].value = "Basic abc";
  EXPECT_NE(check_sendgrid_request(r).find("Bearer"), std::string::npos);
  r = good_sendgrid();
  r.headers[1].value = "text/plain";
  EXPECT_NE(check_sendgrid_request(r).find("Content-Type"), std::string::npos);
  r = good_sendgrid();
  r.body = R"({"personalizations":[{"to":[]}],"from":{"email":"x"},"subject":"s"})";
  EXPECT_NE(check_sendgrid_request(r).find("'to'"), std::string::npos);
  r.body = R"({"personalizations":[{"to":[{"email":"a"}]}],"from":"x","subject":"s"})";
  EXPECT_NE(check_sendgrid_request(r).find("'from'"), std::string::npos);
  r.body = R"({"personalizations":[{"to":[{"email":"a"}]}],"from":{"email":"x"}})";
  EXPECT_NE(check_sendgrid_request(r).find("subject"), std::string::npos);
  r.body = R"({"personalizations":[{"to":[{"email":"a"}]}],"from":{"email":"x"},"template_id":"d-1"})";
  EXPECT_EQ(check_sendgrid_request(r), "");
  r.body = "not json";
  EXPECT_NE(check_sendgrid_request(r).find("JSON"), std::string::npos);
  r = good_sendgrid();
  r.method = "PUT";
  EXPECT_NE(check_sendgrid_request(r), "");
}

TEST(HttpSinkChecks, TwilioAcceptsAGoodRequestAndApiKeys) {
  EXPECT_EQ(check_twilio_request(good_twilio(), "AC1"), "");
  SinkRequest r = good_twilio();
  r.headers[0].value = "Basic U0thYmM6c2VjcmV0";  // base64("SKabc:secret")
  EXPECT_EQ(check_twilio_request(r, "AC1"), "");
  r.body = "To=1&MessagingServiceSid=MG1&Body=x";
  EXPECT_EQ(check_twilio_request(r, "AC1"), "");
}

TEST(HttpSinkChecks, TwilioRejects) {
  SinkRequest r = good_twilio();
  EXPECT_NE(check_twilio_request(r, "AC2"), "");  // another account
  r.headers[0].value = "Basic !!!";
  EXPECT_NE(check_twilio_request(r, "AC1").find("base64"), std::string::npos);
  r.headers[0].value = "Bearer x";
  EXPECT_NE(check_twilio_request(r, "AC1").find("Basic"), std::string::npos);
  r = good_twilio();
  r.headers[0].value = "Basic QUMx";  // base64("AC1"): no token
  EXPECT_NE(check_twilio_request(r, "AC1"), "");
  r = good_twilio();
  r.body = "To=1&From=2";
  EXPECT_NE(check_twilio_request(r, "AC1").find("'Body'"), std::string::npos);
  r.body = "From=2&Body=x";
  EXPECT_NE(check_twilio_request(r, "AC1").find("'To'"), std::string::npos);
  r.body = "To=1&Body=x";
  EXPECT_NE(check_twilio_request(r, "AC1").find("'From'"), std::string::npos);
  r = good_twilio();
  r.headers[1].value = "application/json";
  EXPECT_NE(check_twilio_request(r, "AC1").find("Content-Type"), std::string::npos);
}

TEST(HttpSinkChecks, Webhook) {
  SinkRequest r = request("POST", "/webhook/a", {{"content-type", "application/json"}}, R"({"a":1})");
  EXPECT_EQ(check_webhook_request(r), "");
  r.headers.push_back({"x-switchboard-signature", std::string(64, 'F')});
  EXPECT_EQ(check_webhook_request(r), "");
  r.headers.back().value = std::string(63, 'f');
  EXPECT_NE(check_webhook_request(r).find("64 hex"), std::string::npos);
  r.headers.back().value = std::string(63, 'f') + "g";
  EXPECT_NE(check_webhook_request(r), "");
  r.headers.pop_back();
  r.body = "{";
  EXPECT_NE(check_webhook_request(r).find("JSON"), std::string::npos);
}

TEST(HttpSinkApp, AnswersSuccessesPerEndpoint) {
  SinkApp app(SinkOptions{});
  SinkConnection connection;
  SinkResponse r = app.handle(request("GET", "/anything?x=1"), connection);
  EXPECT_EQ(r.status, 200);
  const json body = json::parse(r.body);
  ASSERT_TRUE(body.contains("id"));
  bool has_id_header = false;
  for (const SinkHeader& h : r.headers) has_id_header |= h.name == "x-message-id" && h.value == body["id"];
  EXPECT_TRUE(has_id_header);

  EXPECT_EQ(app.handle(good_sendgrid(), connection).status, 202);
  r = app.handle(good_twilio(), connection);
  EXPECT_EQ(r.status, 201);
  const std::string sid = json::parse(r.body).value("sid", "");
  EXPECT_EQ(sid.size(), 34u);
  EXPECT_EQ(sid.substr(0, 2), "SM");

  r = app.handle(request("POST", "/2010-04-01/Accounts/AC1/Messages.json"), connection);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body).value("error", ""), "bad_request");
}

TEST(HttpSinkApp, ForcedStatusAndRetryAfter) {
  SinkOptions options;
  options.status = 429;
  SinkApp app(options);
  SinkConnection connection;
  const SinkResponse r = app.handle(good_sendgrid(), connection);
  EXPECT_EQ(r.status, 429);
  bool retry_after = false;
  for (const SinkHeader& h : r.headers) retry_after |= h.name == "retry-after" && h.value == "1";
  EXPECT_TRUE(retry_after);
}

TEST(HttpSinkApp, ErrorRateIsAShare) {
  SinkOptions options;
  options.error_rate = 0.25;
  options.seed = 7;
  SinkApp app(options);
  SinkConnection connection;
  int errors = 0;
  for (int i = 0; i < 4000; ++i) errors += app.handle(request("GET", "/x"), connection).status == 503 ? 1 : 0;
  EXPECT_GT(errors, 800);
  EXPECT_LT(errors, 1200);
}

TEST(HttpSinkApp, DropNthAndLatency) {
  SinkOptions options;
  options.drop_nth = 3;
  options.latency_ms = 15;
  SinkApp app(options);
  SinkConnection connection;
  std::vector<bool> dropped;
  for (int i = 0; i < 6; ++i) {
    const SinkResponse r = app.handle(request("GET", "/x"), connection);
    dropped.push_back(r.drop);
    if (!r.drop) {
      EXPECT_EQ(r.delay.count(), 15);
    }
  }
  EXPECT_EQ(dropped, (std::vector<bool>{false, false, true, false, false, true}));
}

TEST(HttpSinkApp, StatsCountRequestsConnectionsPrefixesAndStatuses) {
  SinkApp app(SinkOptions{});
  SinkConnection a{1, false};
  SinkConnection b{2, true};
  SinkConnection stats_only{3, false};
  app.on_accept(false);
  app.on_accept(true);
  app.on_accept(false);
  app.handle(good_sendgrid(), a);
  app.handle(good_twilio(), a);
  app.handle(request("POST", "/webhook/x", {}, "{}"), b);
  app.handle(request("POST", "/webhook/y", {}, "{"), b);
  app.handle(request("GET", "/other/path"), b);
  const SinkResponse stats = app.handle(request("GET", "/_sink/stats"), stats_only);
  ASSERT_EQ(stats.status, 200);
  const json s = json::parse(stats.body);
  EXPECT_EQ(s.value("requests", 0), 5);
  EXPECT_EQ(s.value("connections", 0), 2);  // the stats-only connection does not count
  EXPECT_EQ(s.value("connections_accepted", 0), 3);
  EXPECT_EQ(s.value("tls_connections_accepted", 0), 1);
  EXPECT_EQ(s["by_endpoint"].value("sendgrid", 0), 1);
  EXPECT_EQ(s["by_endpoint"].value("twilio", 0), 1);
  EXPECT_EQ(s["by_endpoint"].value("webhook", 0), 2);
  EXPECT_EQ(s["by_endpoint"].value("/other", 0), 1);
  EXPECT_EQ(s["by_status"].value("202", 0), 1);
  EXPECT_EQ(s["by_status"].value("201", 0), 1);
  EXPECT_EQ(s["by_status"].value("200", 0), 2);
  EXPECT_EQ(s["by_status"].value("400", 0), 1);
  EXPECT_EQ(app.handle(request("GET", "/_sink/nope"), stats_only).status, 404);
}

TEST(HttpSinkOptions, Validation) {
  EXPECT_EQ(validate_sink_options(SinkOptions{}), "");
  SinkOptions o;
  o.error_rate = 1.5;
  EXPECT_NE(validate_sink_options(o).find("--error-rate"), std::string::npos);
  o = {};
  o.error_status = 500;
  EXPECT_NE(validate_sink_options(o).find("--error-status"), std::string::npos);
  o = {};
  o.status = 42;
  EXPECT_NE(validate_sink_options(o), "");
  o = {};
  o.port = 8080;
  o.tls_port = 8080;
  EXPECT_NE(validate_sink_options(o), "");
}

}  // namespace
}  // namespace switchboard::sink
