// The sink's email endpoints without sockets: which endpoint a request finds, its shape
// check (the 400 reason), and the success answer the adapters parse.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "worker/sink/sink_endpoint.h"

namespace switchboard::sink {
namespace {

using nlohmann::json;

SinkRequest post(std::string target, std::vector<SinkHeader> headers, std::string body) {
  return SinkRequest{"POST", std::move(target), std::move(headers), std::move(body)};
}

// The reason the endpoint `name` gives for `request`: "" when accepted, "<no endpoint>" when
// the request finds another endpoint (or none).
std::string check(std::string_view name, const SinkRequest& request) {
  const SinkEndpoint* endpoint = find_sink_endpoint(request);
  if (endpoint == nullptr || endpoint->name != name) return "<no endpoint>";
  return endpoint->check(request);
}

// The endpoint's answer, with the reason it should not be given printed on failure.
SinkResponse answer(std::string_view name, const SinkRequest& request) {
  EXPECT_EQ(check(name, request), "");
  SinkIds ids(7);
  return find_sink_endpoint(request)->answer(request, ids);
}

bool mentions(const std::string& reason, std::string_view what) { return reason.find(what) != std::string::npos; }

// ---------------------------------------------------------------------------------------
// mailgun

const std::string kBoundary = "switchboard-0123abcd";

std::string part(const std::string& name, const std::string& value) {
  return "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}

SinkRequest good_mailgun() {
  // base64("api:key-1")
  return post("/v3/mg.acme.test/messages",
              {{"authorization", "Basic YXBpOmtleS0x"}, {"content-type", "multipart/form-data; boundary=" + kBoundary}},
              part("from", "Acme <no-reply@acme.test>") + part("to", "ada@example.com") + part("subject", "Hi") +
                  part("text", "line one\r\nline two") + "--" + kBoundary + "--\r\n");
}

TEST(SinkEmailEndpoints, MailgunAcceptsMultipartAndForms) {
  const SinkResponse r = answer("mailgun", good_mailgun());
  EXPECT_EQ(r.status, 200);
  const json body = json::parse(r.body);
  EXPECT_EQ(body.value("message", ""), "Queued. Thank you.");
  const std::string id = body.value("id", "");
  EXPECT_EQ(id.front(), '<');
  EXPECT_NE(id.find("@mg.acme.test>"), std::string::npos) << id;

  SinkRequest form = good_mailgun();
  form.headers[1].value = "application/x-www-form-urlencoded";
  form.body = "from=a%40acme.test&to=ada%40example.com&subject=Hi&html=%3Cp%3EHi%3C%2Fp%3E";
  EXPECT_EQ(check("mailgun", form), "");
}

TEST(SinkEmailEndpoints, MailgunRejects) {
  SinkRequest r = good_mailgun();
  r.headers[0].value = "Bearer x";
  EXPECT_TRUE(mentions(check("mailgun", r), "Basic"));
  r = good_mailgun();
  r.headers[0].value = "Basic YXBpOg==";  // "api:": no key
  EXPECT_TRUE(mentions(check("mailgun", r), "Basic"));
  r = good_mailgun();
  r.headers[1].value = "application/json";
  EXPECT_TRUE(mentions(check("mailgun", r), "Content-Type"));
  r = good_mailgun();
  r.body = part("from", "a@b.c") + part("to", "ada@example.com") + part("subject", "Hi") + "--" + kBoundary + "--\r\n";
  EXPECT_TRUE(mentions(check("mailgun", r), "'text', 'html'"));
  r.body = part("from", "a@b.c") + part("subject", "Hi") + part("text", "x") + "--" + kBoundary + "--\r\n";
  EXPECT_TRUE(mentions(check("mailgun", r), "'to'"));
  r.body = part("from", "a@b.c") + part("to", "x") + part("subject", "Hi") + part("text", "x");  // no closing delimiter
  EXPECT_TRUE(mentions(check("mailgun", r), "malformed"));
  r = good_mailgun();
  r.headers[1].value = "multipart/form-data; boundary=other";
  EXPECT_TRUE(mentions(check("mailgun", r), "malformed"));
  r = good_mailgun();
  r.method = "GET";
  EXPECT_TRUE(mentions(check("mailgun", r), "POST"));
  // Not Mailgun's path shape: another endpoint (or the generic answer) takes it.
  EXPECT_EQ(check("mailgun", post("/v3/a/b/messages", {}, "")), "<no endpoint>");
  EXPECT_EQ(check("mailgun", post("/v3//messages", {}, "")), "<no endpoint>");
}

// ---------------------------------------------------------------------------------------
// postmark

SinkRequest good_postmark() {
  return post("/email", {{"x-postmark-server-token", "pm-token"}, {"content-type", "application/json"}},
              R"({"From":"a@acme.test","To":"ada@example.com","Subject":"Hi","TextBody":"x","MessageStream":"outbound"})");
}

TEST(SinkEmailEndpoints, PostmarkAnswersLikePostmark) {
  const SinkResponse r = answer("postmark", good_postmark());
  EXPECT_EQ(r.status, 200);
  const json body = json::parse(r.body);
  EXPECT_EQ(body.value("To", ""), "ada@example.com");
  EXPECT_EQ(body.value("ErrorCode", -1), 0);
  EXPECT_EQ(body.value("MessageID", "").size(), 36u);
  EXPECT_FALSE(body.value("SubmittedAt", "").empty());
}

TEST(SinkEmailEndpoints, PostmarkRejects) {
  SinkRequest r = good_postmark();
  r.headers.erase(r.headers.begin());
  EXPECT_TRUE(mentions(check("postmark", r), "X-Postmark-Server-Token"));
  r = good_postmark();
  r.body = R"({"From":"a@acme.test","To":"ada@example.com","Subject":"Hi"})";
  EXPECT_TRUE(mentions(check("postmark", r), "HtmlBody"));
  r.body = R"({"From":"a@acme.test","Subject":"Hi","HtmlBody":"x"})";
  EXPECT_TRUE(mentions(check("postmark", r), "'To'"));
  r.body = R"({"from":"a@acme.test","To":"ada@example.com","HtmlBody":"x"})";  // camelCase is not Postmark's
  EXPECT_TRUE(mentions(check("postmark", r), "'From'"));
  r.body = "[]";
  EXPECT_TRUE(mentions(check("postmark", r), "JSON object"));
}

// ---------------------------------------------------------------------------------------
// resend

SinkRequest good_resend() {
  return post("/emails", {{"authorization", "Bearer re_key"}, {"content-type", "application/json"}},
              R"({"from":"Acme <a@acme.test>","to":["ada@example.com"],"subject":"Hi","html":"<p>Hi</p>"})");
}

TEST(SinkEmailEndpoints, ResendAnswersAnId) {
  const SinkResponse r = answer("resend", good_resend());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).value("id", "").size(), 36u);
  SinkRequest single = good_resend();
  single.body = R"({"from":"a@acme.test","to":"ada@example.com","subject":"Hi","text":"x"})";
  EXPECT_EQ(check("resend", single), "");
}

TEST(SinkEmailEndpoints, ResendRejects) {
  SinkRequest r = good_resend();
  r.headers[0].value = "re_key";
  EXPECT_TRUE(mentions(check("resend", r), "Bearer"));
  r = good_resend();
  r.body = R"({"from":"a@acme.test","to":[],"subject":"Hi","html":"x"})";
  EXPECT_TRUE(mentions(check("resend", r), "'to'"));
  r.body = R"({"from":"a@acme.test","to":[1],"subject":"Hi","html":"x"})";
  EXPECT_TRUE(mentions(check("resend", r), "'to'"));
  r.body = R"({"from":"a@acme.test","to":"ada@example.com","html":"x"})";
  EXPECT_TRUE(mentions(check("resend", r), "'subject'"));
  r.body = R"({"from":"a@acme.test","to":"ada@example.com","subject":"Hi"})";
  EXPECT_TRUE(mentions(check("resend", r), "'html' or 'text'"));
}

// ---------------------------------------------------------------------------------------
// mailjet

SinkRequest good_mailjet() {
  // base64("mj-key:mj-secret")
  return post("/v3.1/send", {{"authorization", "Basic bWota2V5Om1qLXNlY3JldA=="}, {"content-type", "application/json"}},
              R"({"Messages":[{"From":{"Email":"a@acme.test","Name":"Acme"},"To":[{"Email":"ada@example.com"}],)"
              R"("Subject":"Hi","TextPart":"x","CustomID":"evt-1"}]})");
}

TEST(SinkEmailEndpoints, MailjetAnswersPerRecipient) {
  const SinkResponse r = answer("mailjet", good_mailjet());
  EXPECT_EQ(r.status, 200);
  const json body = json::parse(r.body);
  const json& message = body["Messages"][0];
  EXPECT_EQ(message.value("Status", ""), "success");
  EXPECT_EQ(message.value("CustomID", ""), "evt-1");
  const json& to = message["To"][0];
  EXPECT_EQ(to.value("Email", ""), "ada@example.com");
  ASSERT_TRUE(to["MessageID"].is_number_unsigned());
  EXPECT_EQ(std::to_string(to["MessageID"].get<std::uint64_t>()).size(), 18u);
  EXPECT_NE(to.value("MessageHref", "").find(std::to_string(to["MessageID"].get<std::uint64_t>())), std::string::npos);
}

TEST(SinkEmailEndpoints, MailjetRejects) {
  SinkRequest r = good_mailjet();
  r.headers[0].value = "Bearer x";
  EXPECT_TRUE(mentions(check("mailjet", r), "Basic"));
  r = good_mailjet();
  r.body = R"({"Messages":[]})";
  EXPECT_TRUE(mentions(check("mailjet", r), "'Messages'"));
  r.body = R"({"Messages":[{"From":"a@acme.test","To":[{"Email":"b@x.y"}],"TextPart":"x"}]})";
  EXPECT_TRUE(mentions(check("mailjet", r), "'From'"));
  r.body = R"({"Messages":[{"From":{"Email":"a@acme.test"},"To":[{"Name":"Ada"}],"TextPart":"x"}]})";
  EXPECT_TRUE(mentions(check("mailjet", r), "'To'"));
  r.body = R"({"Messages":[{"From":{"Email":"a@acme.test"},"To":[{"Email":"b@x.y"}],"Subject":"Hi"}]})";
  EXPECT_TRUE(mentions(check("mailjet", r), "TextPart"));
}

// ---------------------------------------------------------------------------------------
// sparkpost

SinkRequest good_sparkpost() {
  return post("/api/v1/transmissions", {{"authorization", "sp-key"}, {"content-type", "application/json"}},
              R"({"recipients":[{"address":{"email":"ada@example.com"}},{"address":"bob@example.com"}],)"
              R"("content":{"from":{"email":"a@acme.test","name":"Acme"},"subject":"Hi","html":"<p>Hi</p>"}})");
}

TEST(SinkEmailEndpoints, SparkpostCountsAcceptedRecipients) {
  const SinkResponse r = answer("sparkpost", good_sparkpost());
  EXPECT_EQ(r.status, 200);
  const json results = json::parse(r.body)["results"];
  EXPECT_EQ(results.value("total_accepted_recipients", 0), 2);
  EXPECT_EQ(results.value("total_rejected_recipients", -1), 0);
  EXPECT_EQ(results.value("id", "").size(), 18u);
}

TEST(SinkEmailEndpoints, SparkpostRejects) {
  SinkRequest r = good_sparkpost();
  r.headers[0].value = "Bearer sp-key";
  EXPECT_TRUE(mentions(check("sparkpost", r), "without a scheme"));
  r.headers.erase(r.headers.begin());
  EXPECT_TRUE(mentions(check("sparkpost", r), "Authorization"));
  r = good_sparkpost();
  r.body = R"({"recipients":[{"email":"ada@example.com"}],"content":{"from":"a@acme.test","subject":"Hi","text":"x"}})";
  EXPECT_TRUE(mentions(check("sparkpost", r), "'recipients'"));
  r.body = R"({"recipients":[{"address":"ada@example.com"}],"content":{"subject":"Hi","text":"x"}})";
  EXPECT_TRUE(mentions(check("sparkpost", r), "'content.from'"));
  r.body = R"({"recipients":[{"address":"ada@example.com"}],"content":{"from":"a@acme.test","subject":"Hi"}})";
  EXPECT_TRUE(mentions(check("sparkpost", r), "'content.text' or 'content.html'"));
  r.body = R"({"recipients":[{"address":"ada@example.com"}],"content":{"template_id":"welcome"}})";
  EXPECT_EQ(check("sparkpost", r), "");
}

// ---------------------------------------------------------------------------------------
// email-webhook

SinkRequest good_email_webhook() {
  return post("/email-webhook/acme",
              {{"content-type", "application/json"}, {"x-switchboard-signature", std::string(64, 'a')}},
              R"({"to":["ada@example.com"],"subject":"Hi","eventId":"evt-1","html":"<p>Hi</p>"})");
}

TEST(SinkEmailEndpoints, EmailWebhookAnswersWithIdBodyAndHeader) {
  const SinkResponse r = answer("email-webhook", good_email_webhook());
  EXPECT_EQ(r.status, 200);
  const std::string id = json::parse(r.body).value("id", "");
  EXPECT_FALSE(id.empty());
  bool header = false;
  for (const SinkHeader& h : r.headers) header |= h.name == "x-message-id" && h.value == id;
  EXPECT_TRUE(header);
  SinkRequest bare = good_email_webhook();
  bare.target = "/email-webhook";
  EXPECT_EQ(check("email-webhook", bare), "");
}

TEST(SinkEmailEndpoints, EmailWebhookRejects) {
  SinkRequest r = good_email_webhook();
  r.headers.pop_back();
  EXPECT_TRUE(mentions(check("email-webhook", r), "x-switchboard-signature"));
  r = good_email_webhook();
  r.headers[1].value = std::string(63, 'a') + "z";
  EXPECT_TRUE(mentions(check("email-webhook", r), "64 hex"));
  r = good_email_webhook();
  r.body = R"({"to":"ada@example.com","subject":"Hi","eventId":"evt-1"})";
  EXPECT_TRUE(mentions(check("email-webhook", r), "'to'"));
  r.body = R"({"to":["ada@example.com"],"subject":"Hi"})";
  EXPECT_TRUE(mentions(check("email-webhook", r), "'eventId'"));
  EXPECT_EQ(check("email-webhook", post("/email-webhooks", {}, "")), "<no endpoint>");
}

// Every email endpoint answers a request of the wrong method with its reason.
TEST(SinkEmailEndpoints, EveryEndpointRequiresPost) {
  for (const SinkEndpoint& endpoint : email_sink_endpoints()) {
    SCOPED_TRACE(std::string(endpoint.name));
    SinkRequest r{"PUT", "/", {}, "{}"};
    EXPECT_TRUE(mentions(endpoint.check(r), "POST"));
  }
}

}  // namespace
}  // namespace switchboard::sink
