// The management API's handlers against in-memory stores: routes, auth, validation,
// bookkeeping, idempotency and hostile input. No sockets.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

#include "tests/unit/api_fakes.h"
#include "worker/api/integrations_api.h"

namespace switchboard::api {
namespace {

using Json = nlohmann::ordered_json;
using http::HttpHeader;
using http::HttpRequest;
using http::HttpResponse;

constexpr const char* kKeyA = "key-org-a-env-a";
constexpr const char* kKeyA2 = "key-org-a-env-b";
constexpr const char* kKeyB = "key-org-b-env-a";
constexpr const char* kAdminToken = "admin-token-0123456789abcdef";
constexpr const char* kSecret = "SG.very-secret-credential-value";
constexpr std::int64_t kNow = 1795860000123;  // 2026-11-28T10:00:00.123Z

std::string email_body(const std::string& extra = "") {
  return R"({"name":"SendGrid","providerId":"sendgrid","channel":"email","credentials":{"apiKey":")" +
         std::string(kSecret) + R"(","from":"a@acme.test"}, "active":true)" + extra + "}";
}

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() : api_(store_, idempotency_, options()) {}

  IntegrationsApiOptions options() {
    IntegrationsApiOptions o;
    o.keys = {{kKeyA, "org-a", "env-a"}, {kKeyA2, "org-a", "env-b"}, {kKeyB, "org-b", "env-a"}};
    o.admin_token = kAdminToken;
    o.max_body_bytes = 64 * 1024;
    o.now_millis = [this] { return now_; };
    o.random_hex = [this](std::size_t n) {
      std::string out;
      const std::string seed = std::to_string(++counter_);
      while (out.size() < n) out += "abcdef0123456789";
      return out.substr(0, n - std::min(n, seed.size())) + seed;
    };
    return o;
  }

  HttpResponse send(const std::string& method, const std::string& target, const std::string& body = "",
                    std::vector<HttpHeader> headers = {}, const char* key = kKeyA) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    if (key) request.headers.push_back({"authorization", std::string("ApiKey ") + key});
    if (!body.empty()) request.headers.push_back({"content-type", "application/json"});
    for (auto& h : headers) request.headers.push_back(std::move(h));
    std::optional<HttpResponse> out;
    int calls = 0;
    api_.handle(std::move(request), [&](HttpResponse r) {
      ++calls;
      out = std::move(r);
    });
    store_.queue.drain();
    idempotency_.queue.drain();
    EXPECT_EQ(calls, 1);
    return out.value_or(HttpResponse{});
  }

  HttpResponse admin(const std::string& method, const std::string& target, const std::string& body = "",
                     std::vector<HttpHeader> extra = {}) {
    std::vector<HttpHeader> headers{{"authorization", std::string("Bearer ") + kAdminToken},
                                    {"x-switchboard-organization", "org-a"},
                                    {"x-switchboard-environment", "env-a"}};
    for (auto& h : extra) headers.push_back(std::move(h));
    return send(method, target, body, std::move(headers), nullptr);
  }

  static Json json(const HttpResponse& r) { return Json::parse(r.body); }
  static std::string header(const HttpResponse& r, const char* name) {
    const std::string* v = r.header(name);
    return v ? *v : "";
  }

  // Creates an integration and returns its _id.
  std::string create(const std::string& body, const char* key = kKeyA) {
    const HttpResponse r = send("POST", "/v1/integrations", body, {}, key);
    EXPECT_EQ(r.status, 201) << r.body;
    return json(r)["data"].value("_id", "");
  }

  testing::FakeIntegrationStore store_;
  testing::FakeIdempotencyStore idempotency_;
  std::int64_t now_ = kNow;
  int counter_ = 0;
  IntegrationsApi api_;
};

// ---- health, routing, auth ------------------------------------------------------------------

TEST_F(ApiTest, HealthAndReadinessNeedNoAuth) {
  EXPECT_EQ(send("GET", "/healthz", "", {}, nullptr).status, 200);
  const HttpResponse ready = send("GET", "/readyz", "", {}, nullptr);
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(json(ready)["status"], "ready");
  store_.fail_code = registry::kUnavailable;
  const HttpResponse down = send("GET", "/readyz", "", {}, nullptr);
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(header(down, "Retry-After"), "1");
  EXPECT_EQ(send("GET", "/healthz", "", {}, nullptr).status, 200);
}

TEST_F(ApiTest, UnknownRouteIs404AndWrongMethodIs405) {
  EXPECT_EQ(send("GET", "/v2/nothing").status, 404);
  EXPECT_EQ(send("GET", "/v1/integrations/").status, 404);
  const HttpResponse r = send("PATCH", "/v1/integrations/abc", "");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(header(r, "Allow"), "GET, PUT, DELETE");
  EXPECT_EQ(json(r)["statusCode"], 405);
}

TEST_F(ApiTest, MissingOrUnknownCredentialsAre401) {
  for (const auto& auth : std::vector<std::string>{"", "ApiKey", "ApiKey ", "ApiKey nope", "Basic abc",
                                                   "Bearer wrong-token", "Bearer " + std::string(kKeyA)}) {
    std::vector<HttpHeader> headers;
    if (!auth.empty()) headers.push_back({"authorization", auth});
    const HttpResponse r = send("GET", "/v1/integrations", "", headers, nullptr);
    EXPECT_EQ(r.status, 401) << auth;
    EXPECT_EQ(header(r, "WWW-Authenticate"), "ApiKey");
    EXPECT_EQ(json(r)["statusCode"], 401);
  }
  EXPECT_EQ(send("GET", "/v1/integrations", "", {{"authorization", std::string("apikey ") + kKeyA}}, nullptr).status,
            200);
}

TEST_F(ApiTest, AdminMustNameTheTenant) {
  const HttpResponse r =
      send("GET", "/v1/integrations", "", {{"authorization", std::string("Bearer ") + kAdminToken}}, nullptr);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(json(r)["message"].get<std::string>().find("X-Switchboard-Organization"), std::string::npos);
  EXPECT_EQ(admin("GET", "/v1/integrations").status, 200);
}

TEST_F(ApiTest, NoAdminAccessWithoutAToken) {
  testing::FakeIntegrationStore store;
  testing::FakeIdempotencyStore idempotency;
  IntegrationsApiOptions o = options();
  o.admin_token.clear();
  IntegrationsApi api(store, idempotency, o);
  HttpRequest request{
      "GET",
      "/v1/integrations",
      {{"authorization", "Bearer "}, {"x-switchboard-organization", "o"}, {"x-switchboard-environment", "e"}},
      "",
      11};
  int status = 0;
  api.handle(request, [&](HttpResponse r) { status = r.status; });
  EXPECT_EQ(status, 401);
}

// ---- create ---------------------------------------------------------------------------------

TEST_F(ApiTest, CreateAssignsServerFieldsAndHidesCredentials) {
  const HttpResponse r =
      send("POST", "/v1/integrations",
           R"({"_id":"mine","_organizationId":"org-b","_environmentId":"env-x","providerId":"sendgrid",)"
           R"("channel":"email","credentials":{"apiKey":")" +
               std::string(kSecret) +
               R"("},"deleted":true,"primary":true,"createdAt":"2020-01-01T00:00:00Z","check":true})");
  ASSERT_EQ(r.status, 201) << r.body;
  const Json data = json(r)["data"];
  const std::string id = data["_id"];
  EXPECT_EQ(id.size(), 24u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(id, "mine");
  EXPECT_EQ(data["_organizationId"], "org-a");
  EXPECT_EQ(data["_environmentId"], "env-a");
  EXPECT_EQ(data["name"], "sendgrid");
  EXPECT_TRUE(data["identifier"].get<std::string>().starts_with("sendgrid-")) << data["identifier"];
  EXPECT_EQ(data["active"], false);
  EXPECT_EQ(data["primary"], false);
  EXPECT_EQ(data["deleted"], false);
  EXPECT_EQ(data["kind"], "delivery");
  EXPECT_EQ(data["createdAt"], "2026-11-28T10:00:00.123Z");
  EXPECT_EQ(data["updatedAt"], "2026-11-28T10:00:00.123Z");
  EXPECT_FALSE(data.contains("credentials"));
  EXPECT_EQ(r.body.find(kSecret), std::string::npos);
  EXPECT_EQ(header(r, "Content-Type"), "application/json");
  // Stored with its credentials.
  const auto stored = store_.table().get("org-a", id);
  ASSERT_TRUE(stored);
  ASSERT_TRUE(stored.value().credentials);
  EXPECT_EQ(stored.value().credentials->front().value, kSecret);
}

TEST_F(ApiTest, FirstActiveEmailIntegrationBecomesPrimary) {
  const std::string first = create(email_body(R"(,"identifier":"one")"));
  const std::string second = create(email_body(R"(,"identifier":"two")"));
  EXPECT_EQ(json(send("GET", "/v1/integrations/" + first))["data"]["primary"], true);
  EXPECT_EQ(json(send("GET", "/v1/integrations/" + second))["data"]["primary"], false);
}

TEST_F(ApiTest, InvalidIntegrationsAre400WithPathsAndNothingIsWritten) {
  struct Case {
    std::string body;
    std::string path;
  };
  const std::vector<Case> cases = {
      {R"({"providerId":"sendgrid","channel":"fax"})", "channel"},
      {R"({"providerId":"twilio","channel":"email"})", "providerId"},
      {R"({"channel":"email"})", "providerId"},
      {R"({"providerId":"sendgrid","channel":"email","name":5})", "name"},
      {R"({"providerId":"sendgrid","channel":"email","active":"yes"})", "active"},
      {R"({"providerId":"sendgrid","channel":"email","priority":1.5})", "priority"},
      {R"({"providerId":"sendgrid","channel":"email","check":"yes"})", "check"},
      {R"({"providerId":"sendgrid","channel":"email","credentials":{"apiKeyy":"x"}})", "credentials.apiKeyy"},
      {R"({"providerId":"sendgrid","channel":"email","conditions":[{"value":"AND","children":[)"
       R"({"on":"payload","field":"a","operator":"NOPE","value":"1"}]}]})",
       "conditions[0].children[0].operator"},
      {R"({"providerId":"sendgrid","channel":"email","conditions":[{"value":"XOR","children":[]}]})",
       "conditions[0].value"},
      {R"({"providerId":"sendgrid","channel":"email","conditions":[{"value":"AND","children":[)"
       R"({"on":"payload","field":"a","operator":"BETWEEN","value":"1"}]}]})",
       "conditions[0].children[0].value"},
      {R"({"providerId":"sendgrid","channel":"email","configurations":{"rateLimit":{"perSecond":0,"burst":1}}})",
       "configurations.rateLimit.perSecond"},
      {R"({"providerId":"sendgrid","channel":"email","configurations":{"rateLimit":{"perSecond":5,"burst":0}}})",
       "configurations.rateLimit.burst"},
      {R"({"providerId":"sendgrid","channel":"email","configurations":{"rateLimit":{"perSecond":5}}})",
       "configurations.rateLimit.burst"},
  };
  for (const Case& c : cases) {
    const HttpResponse r = send("POST", "/v1/integrations", c.body);
    ASSERT_EQ(r.status, 400) << c.body << " -> " << r.body;
    const Json j = json(r);
    EXPECT_EQ(j["statusCode"], 400);
    ASSERT_TRUE(j["errors"].is_array()) << r.body;
    ASSERT_FALSE(j["errors"].empty());
    EXPECT_EQ(j["errors"][0]["path"], c.path) << r.body;
  }
  EXPECT_EQ(store_.writes, 0);
}

TEST_F(ApiTest, CredentialValuesNeverAppearInErrors) {
  const std::string body = R"({"providerId":"sendgrid","channel":"email","credentials":{"secure":")" +
                           std::string(kSecret) + R"(","apiKey":7,"bogus":")" + kSecret + R"("}})";
  const HttpResponse r = send("POST", "/v1/integrations", body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.find(kSecret), std::string::npos) << r.body;
  // Broken JSON right after a secret: the message gives a position, never an excerpt.
  const HttpResponse broken =
      send("POST", "/v1/integrations", R"({"credentials":{"apiKey":")" + std::string(kSecret) + "\" oops}}");
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(broken.body.find(kSecret), std::string::npos) << broken.body;
  EXPECT_EQ(broken.body.find("oops"), std::string::npos) << broken.body;
}

TEST_F(ApiTest, BadBodiesAre4xxAndWriteNothing) {
  const std::string deep_ok =
      R"({"x":)" + std::string(63, '[') + std::string(63, ']') + R"(,"providerId":"sendgrid","channel":"email"})";
  EXPECT_EQ(send("POST", "/v1/integrations", deep_ok).status, 201);  // depth 64: allowed (x is ignored)
  EXPECT_EQ(store_.writes, 1);

  const std::vector<std::string> bodies = {
      "{",
      "{\"providerId\":}",
      "[]",
      "\"text\"",
      "null",
      "   ",
      "{\"providerId\":\"sendgrid\"} trailing",
      R"({"x":)" + std::string(64, '[') + std::string(64, ']') + "}",  // depth 65
      std::string(20000, '[') + std::string(20000, ']'),
      std::string("{\"name\":\"caf\xc3\x28\"}"),           // invalid UTF-8
      std::string("{\"name\":\"\xed\xa0\x80\"}"),          // a surrogate
      std::string("{\"name\":\"\xf8\x88\x80\x80\x80\"}"),  // 5-byte form
      std::string("{\"name\":\"\xc0\xaf\"}"),              // overlong
      "{\"priority\":1e999999}",
      std::string("{\"a\":\"\0\"}", 9),
  };
  for (const std::string& body : bodies) {
    const HttpResponse r = send("POST", "/v1/integrations", body);
    EXPECT_EQ(r.status, 400) << body.substr(0, 40) << " -> " << r.body;
    EXPECT_NO_THROW(json(r));
  }
  EXPECT_EQ(send("PUT", "/v1/integrations/whatever", "[1,2]").status, 400);
  EXPECT_EQ(store_.writes, 1);
}

TEST_F(ApiTest, BodyOverTheLimitIs413) {
  const std::string big = R"({"name":")" + std::string(70 * 1024, 'x') + R"("})";
  const HttpResponse r = send("POST", "/v1/integrations", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(store_.writes, 0);
}

TEST_F(ApiTest, ContentTypeMustBeJson) {
  auto with_type = [&](const std::string& type) {
    HttpRequest request{
        "POST", "/v1/integrations", {{"authorization", std::string("ApiKey ") + kKeyA}}, email_body(), 11};
    if (!type.empty()) request.headers.push_back({"content-type", type});
    int status = 0;
    api_.handle(request, [&](HttpResponse r) { status = r.status; });
    return status;
  };
  EXPECT_EQ(with_type(""), 415);
  EXPECT_EQ(with_type("text/plain"), 415);
  EXPECT_EQ(with_type("application/json; charset=latin1"), 415);
  EXPECT_EQ(with_type("application/jsonx"), 415);
  EXPECT_EQ(with_type("Application/JSON; charset=\"UTF-8\""), 201);
  EXPECT_EQ(store_.writes, 1);
}

TEST_F(ApiTest, DuplicateIdentifierInTheOrganizationIs409) {
  create(email_body(R"(,"identifier":"dup")"));
  const HttpResponse r = send("POST", "/v1/integrations", email_body(R"(,"identifier":"dup")"), {}, kKeyA2);
  EXPECT_EQ(r.status, 409);  // another environment of the same organization
  EXPECT_NE(json(r)["message"].get<std::string>().find("\"dup\""), std::string::npos);
  create(email_body(R"(,"identifier":"dup")"), kKeyB);  // another organization: fine
}

// ---- read -----------------------------------------------------------------------------------

TEST_F(ApiTest, CallersSeeOnlyTheirOwnTenant) {
  const std::string mine = create(email_body());
  const std::string other_org = create(email_body(), kKeyB);
  const std::string other_env = create(email_body(), kKeyA2);
  EXPECT_EQ(send("GET", "/v1/integrations/" + mine).status, 200);
  EXPECT_EQ(send("GET", "/v1/integrations/" + other_org).status, 404);
  EXPECT_EQ(send("GET", "/v1/integrations/" + other_env).status, 404);
  EXPECT_EQ(send("PUT", "/v1/integrations/" + other_org, R"({"name":"x"})").status, 404);
  EXPECT_EQ(send("DELETE", "/v1/integrations/" + other_org).status, 404);
  EXPECT_EQ(send("POST", "/v1/integrations/" + other_org + "/set-primary").status, 404);
  EXPECT_EQ(send("GET", "/v1/integrations/nope").status, 404);
  EXPECT_EQ(send("GET", "/v1/integrations/" + std::string(300, 'a')).status, 404);
  const Json list = json(send("GET", "/v1/integrations"))["data"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["_id"], mine);
  EXPECT_EQ(store_.table().get("org-b", other_org).value().name, "SendGrid");  // untouched
}

TEST_F(ApiTest, ListAndActiveListSkipDeletedAndHideCredentials) {
  const std::string active = create(email_body(R"(,"identifier":"a")"));
  const std::string inactive = create(R"({"providerId":"twilio","channel":"sms","identifier":"b"})");
  const std::string gone = create(email_body(R"(,"identifier":"c")"));
  ASSERT_EQ(send("DELETE", "/v1/integrations/" + gone).status, 200);
  const HttpResponse all = send("GET", "/v1/integrations");
  EXPECT_EQ(json(all)["data"].size(), 2u);
  EXPECT_EQ(all.body.find(kSecret), std::string::npos);
  const Json only_active = json(send("GET", "/v1/integrations/active"))["data"];
  ASSERT_EQ(only_active.size(), 1u);
  EXPECT_EQ(only_active[0]["_id"], active);
  (void)inactive;
}

TEST_F(ApiTest, AdminReadsCredentials) {
  const std::string id = create(email_body());
  const Json one = json(admin("GET", "/v1/integrations/" + id))["data"];
  EXPECT_EQ(one["credentials"]["apiKey"], kSecret);
  EXPECT_EQ(json(admin("GET", "/v1/integrations"))["data"][0]["credentials"]["apiKey"], kSecret);
  EXPECT_EQ(send("GET", "/v1/integrations/" + id).body.find(kSecret), std::string::npos);
}

TEST_F(ApiTest, OnlyAdminReadsAskTheStoreForCredentials) {
  const std::string id = create(email_body());
  const auto reads_of = [&](auto request) {
    store_.reads.clear();
    request();
    std::vector<bool> with;
    for (const auto& read : store_.reads) with.push_back(read.with_credentials);
    return with;
  };
  // ApiKey reads skip credentials (the store need not decrypt them); admin reads get them.
  EXPECT_EQ(reads_of([&] { EXPECT_EQ(send("GET", "/v1/integrations/" + id).status, 200); }), std::vector<bool>{false});
  EXPECT_EQ(reads_of([&] { EXPECT_EQ(send("GET", "/v1/integrations").status, 200); }), std::vector<bool>{false});
  EXPECT_EQ(reads_of([&] { EXPECT_EQ(send("GET", "/v1/integrations/active").status, 200); }),
            std::vector<bool>{false});
  EXPECT_EQ(reads_of([&] { EXPECT_EQ(admin("GET", "/v1/integrations/" + id).status, 200); }), std::vector<bool>{true});
  EXPECT_EQ(reads_of([&] { EXPECT_EQ(admin("GET", "/v1/integrations").status, 200); }), std::vector<bool>{true});
  // A PUT writes the merged integration back whole, so it reads the credentials too.
  EXPECT_EQ(reads_of([&] { EXPECT_EQ(send("PUT", "/v1/integrations/" + id, R"({"name":"x"})").status, 200); }),
            std::vector<bool>{true});
  // The answers are the same as before: no credentials for ApiKey callers, all for admins.
  const HttpResponse plain = send("GET", "/v1/integrations/" + id);
  EXPECT_FALSE(json(plain)["data"].contains("credentials"));
  EXPECT_EQ(plain.body.find(kSecret), std::string::npos);
  EXPECT_EQ(json(admin("GET", "/v1/integrations/" + id))["data"]["credentials"]["apiKey"], kSecret);
}

// ---- update, delete, set-primary ------------------------------------------------------------

TEST_F(ApiTest, PutReplacesOnlyThePresentMembers) {
  const std::string id = create(email_body(R"(,"identifier":"orig","priority":3)"));
  now_ += 60'000;
  const HttpResponse r = send("PUT", "/v1/integrations/" + id,
                              R"({"name":"Renamed","_id":"ignored","createdAt":"2020-01-01T00:00:00Z","check":false})");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json data = json(r)["data"];
  EXPECT_EQ(data["_id"], id);
  EXPECT_EQ(data["name"], "Renamed");
  EXPECT_EQ(data["identifier"], "orig");
  EXPECT_EQ(data["priority"], 3);
  EXPECT_EQ(data["active"], true);
  EXPECT_EQ(data["primary"], true);
  EXPECT_EQ(data["createdAt"], "2026-11-28T10:00:00.123Z");
  EXPECT_EQ(data["updatedAt"], "2026-11-28T10:01:00.123Z");
  EXPECT_FALSE(data.contains("credentials"));
  // Credentials kept as stored, then replaced as a whole.
  EXPECT_EQ(json(admin("GET", "/v1/integrations/" + id))["data"]["credentials"]["apiKey"], kSecret);
  ASSERT_EQ(send("PUT", "/v1/integrations/" + id, R"({"credentials":{"apiKey":"new"}})").status, 200);
  const Json creds = json(admin("GET", "/v1/integrations/" + id))["data"]["credentials"];
  EXPECT_EQ(creds, Json::parse(R"({"apiKey":"new"})"));
}

TEST_F(ApiTest, PutRefusesPrimaryAndIdentityChangesAndInvalidResults) {
  const std::string id = create(email_body());
  const int writes = store_.writes;
  for (const std::string& body : {std::string(R"({"primary":false})"), std::string(R"({"providerId":"ses"})"),
                                  std::string(R"({"channel":"sms"})"), std::string(R"({"kind":"agent"})"),
                                  std::string(R"({"conditions":[{"value":"AND","children":[{"on":"x"}]}]})"),
                                  std::string(R"({"name":null})"), std::string(R"({"identifier":""})")}) {
    const HttpResponse r = send("PUT", "/v1/integrations/" + id, body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
  }
  EXPECT_EQ(send("PUT", "/v1/integrations/" + id, R"({"primary":true,"providerId":"sendgrid"})").status, 200);
  EXPECT_EQ(store_.writes, writes + 1);
}

TEST_F(ApiTest, PutToATakenIdentifierIs409) {
  create(email_body(R"(,"identifier":"taken")"));
  const std::string id = create(email_body(R"(,"identifier":"free")"));
  EXPECT_EQ(send("PUT", "/v1/integrations/" + id, R"({"identifier":"taken"})").status, 409);
}

TEST_F(ApiTest, DeleteIsSoftAndAnswersTheRemainingList) {
  const std::string keep = create(email_body(R"(,"identifier":"keep")"));
  const std::string drop = create(email_body(R"(,"identifier":"drop")"));
  now_ += 1000;
  const HttpResponse r = send("DELETE", "/v1/integrations/" + drop);
  ASSERT_EQ(r.status, 200) << r.body;
  const Json data = json(r)["data"];
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0]["_id"], keep);
  const auto stored = store_.table().get("org-a", drop).value();
  EXPECT_TRUE(stored.deleted);
  EXPECT_EQ(stored.deleted_at.value_or(""), "2026-11-28T10:00:01.123Z");
  EXPECT_TRUE(stored.deleted_by.value_or("").starts_with("apikey:"));
  EXPECT_EQ(stored.deleted_by->find(kKeyA), std::string::npos);
  EXPECT_EQ(send("GET", "/v1/integrations/" + drop).status, 404);
  EXPECT_EQ(send("DELETE", "/v1/integrations/" + drop).status, 404);
  // Deleting the primary promotes nothing.
  ASSERT_EQ(send("DELETE", "/v1/integrations/" + keep).status, 200);
}

TEST_F(ApiTest, SetPrimaryActivatesAndDemotesTheOthers) {
  const std::string first = create(email_body(R"(,"identifier":"first")"));
  const std::string second = create(R"({"providerId":"ses","channel":"email","identifier":"second"})");
  const HttpResponse r = send("POST", "/v1/integrations/" + second + "/set-primary");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r)["data"]["primary"], true);
  EXPECT_EQ(json(r)["data"]["active"], true);
  EXPECT_EQ(json(send("GET", "/v1/integrations/" + first))["data"]["primary"], false);
  const std::string chat = create(R"({"providerId":"slack","channel":"chat"})");
  EXPECT_EQ(send("POST", "/v1/integrations/" + chat + "/set-primary").status, 400);
  // Deactivating a primary promotes nothing.
  ASSERT_EQ(send("PUT", "/v1/integrations/" + second, R"({"active":false})").status, 200);
  EXPECT_EQ(json(send("GET", "/v1/integrations/" + first))["data"]["primary"], false);
  EXPECT_EQ(json(send("GET", "/v1/integrations/" + second))["data"]["primary"], false);
}

// ---- store failures -------------------------------------------------------------------------

TEST_F(ApiTest, StoreOutagesAre503WithRetryAfter) {
  for (const char* code : {registry::kUnavailable, registry::kTimeout}) {
    store_.fail_code = code;
    for (const auto& [method, target, body] :
         std::vector<std::tuple<std::string, std::string, std::string>>{{"GET", "/v1/integrations", ""},
                                                                        {"GET", "/v1/integrations/x", ""},
                                                                        {"POST", "/v1/integrations", email_body()},
                                                                        {"DELETE", "/v1/integrations/x", ""}}) {
      const HttpResponse r = send(method, target, body);
      EXPECT_EQ(r.status, 503) << method << " " << target;
      EXPECT_EQ(header(r, "Retry-After"), "1");
    }
  }
  store_.fail_code = registry::kCorrupt;
  EXPECT_EQ(send("GET", "/v1/integrations").status, 500);
}

// ---- idempotency ----------------------------------------------------------------------------

TEST_F(ApiTest, IdempotentCreateReplaysTheFirstAnswer) {
  const HttpResponse first = send("POST", "/v1/integrations", email_body(), {{"idempotency-key", "k-1"}});
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(header(first, "Idempotency-Key"), "k-1");
  EXPECT_EQ(header(first, "Idempotency-Replay"), "");
  const HttpResponse again = send("POST", "/v1/integrations", email_body(), {{"idempotency-key", "k-1"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(header(again, "Idempotency-Replay"), "true");
  EXPECT_EQ(store_.writes, 1);
  // Same key, different body: 422. Same key from another API key: its own scope.
  EXPECT_EQ(send("POST", "/v1/integrations", email_body(R"(,"name":"x")"), {{"idempotency-key", "k-1"}}).status, 422);
  EXPECT_EQ(send("POST", "/v1/integrations", email_body(), {{"idempotency-key", "k-1"}}, kKeyB).status, 201);
  EXPECT_EQ(store_.writes, 2);
  // Records are scoped by a hash of the API key, never the key itself.
  for (const auto& [key, record] : idempotency_.records) {
    EXPECT_EQ(key.find(kKeyA), std::string::npos) << key;
    EXPECT_EQ(key.find(kKeyB), std::string::npos) << key;
  }
}

TEST_F(ApiTest, IdempotencyKeyWhileTheFirstIsInFlightIs409) {
  store_.queue.hold = true;
  std::optional<HttpResponse> first;
  HttpRequest request{"POST",
                      "/v1/integrations",
                      {{"authorization", std::string("ApiKey ") + kKeyA},
                       {"content-type", "application/json"},
                       {"idempotency-key", "slow"}},
                      email_body(),
                      11};
  api_.handle(request, [&](HttpResponse r) { first = std::move(r); });
  EXPECT_FALSE(first);
  std::optional<HttpResponse> second;
  api_.handle(request, [&](HttpResponse r) { second = std::move(r); });
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 409);
  store_.queue.hold = false;
  store_.queue.drain();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 201);
  const HttpResponse replay = send("POST", "/v1/integrations", email_body(), {{"idempotency-key", "slow"}});
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(header(replay, "Idempotency-Replay"), "true");
}

TEST_F(ApiTest, IdempotencyDoesNotKeepServerErrors) {
  store_.fail_code = registry::kUnavailable;
  EXPECT_EQ(send("POST", "/v1/integrations", email_body(), {{"idempotency-key", "retry-me"}}).status, 503);
  store_.fail_code.reset();
  const HttpResponse r = send("POST", "/v1/integrations", email_body(), {{"idempotency-key", "retry-me"}});
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(header(r, "Idempotency-Replay"), "");
}

TEST_F(ApiTest, IdempotencyKeepsClientErrorsAndCoversPutAndDelete) {
  const std::string body = R"({"providerId":"nope","channel":"email"})";
  EXPECT_EQ(send("POST", "/v1/integrations", body, {{"idempotency-key", "bad"}}).status, 400);
  const HttpResponse replay = send("POST", "/v1/integrations", body, {{"idempotency-key", "bad"}});
  EXPECT_EQ(replay.status, 400);
  EXPECT_EQ(header(replay, "Idempotency-Replay"), "true");

  const std::string id = create(email_body());
  EXPECT_EQ(send("PUT", "/v1/integrations/" + id, R"({"name":"n"})", {{"idempotency-key", "put"}}).status, 200);
  EXPECT_EQ(send("PUT", "/v1/integrations/" + id, R"({"name":"n"})", {{"idempotency-key", "put"}}).status, 200);
  EXPECT_EQ(send("DELETE", "/v1/integrations/" + id, "", {{"idempotency-key", "del"}}).status, 200);
  const HttpResponse del = send("DELETE", "/v1/integrations/" + id, "", {{"idempotency-key", "del"}});
  EXPECT_EQ(del.status, 200);  // replayed, not 404
  EXPECT_EQ(header(del, "Idempotency-Replay"), "true");
  // A key used on one path may not be reused on another.
  EXPECT_EQ(send("DELETE", "/v1/integrations/other", "", {{"idempotency-key", "del"}}).status, 422);
  // GET ignores the header.
  EXPECT_EQ(header(send("GET", "/v1/integrations", "", {{"idempotency-key", "del"}}), "Idempotency-Replay"), "");
}

TEST_F(ApiTest, BadIdempotencyKeysAndStoreOutages) {
  EXPECT_EQ(send("POST", "/v1/integrations", email_body(), {{"idempotency-key", std::string(256, 'k')}}).status, 400);
  EXPECT_EQ(send("POST", "/v1/integrations", email_body(), {{"idempotency-key", "has space"}}).status, 400);
  idempotency_.fail_code = registry::kUnavailable;
  EXPECT_EQ(send("POST", "/v1/integrations", email_body(), {{"idempotency-key", "k"}}).status, 503);
  EXPECT_EQ(store_.writes, 0);
}

TEST_F(ApiTest, AdminIdempotencyRecordsHoldNoCredentials) {
  const HttpResponse r = admin("POST", "/v1/integrations", email_body(), {{"idempotency-key", "adm"}});
  ASSERT_EQ(r.status, 201);
  EXPECT_NE(r.body.find(kSecret), std::string::npos);  // the admin sees them
  for (const auto& [key, record] : idempotency_.records) EXPECT_EQ(record.body.find(kSecret), std::string::npos);
  const HttpResponse replay = admin("POST", "/v1/integrations", email_body(), {{"idempotency-key", "adm"}});
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body.find(kSecret), std::string::npos);
}

// ---- hostile input --------------------------------------------------------------------------

TEST_F(ApiTest, MutatedBodiesNeverCrashOrAnswer5xx) {
  const std::string seed =
      R"({"name":"n","providerId":"sendgrid","channel":"email","credentials":{"apiKey":"k","secure":true,)"
      R"("tlsOptions":{"a":[1,{"b":null}]}},"active":true,"priority":2,"configurations":{"rateLimit":)"
      R"({"perSecond":1.5,"burst":2}},"conditions":[{"isNegated":false,"type":"GROUP","value":"AND",)"
      R"("children":[{"on":"payload","field":"a.b","operator":"BETWEEN","value":"1,2"}]}]})";
  std::mt19937 rng(12345);
  const std::string alphabet = "{}[]\",:\\0123456789aeftnul \x80\xff\xc3";
  for (int i = 0; i < 3000; ++i) {
    std::string body = seed;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      const std::size_t at = rng() % body.size();
      switch (rng() % 3) {
        case 0:
          body[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          body.erase(at, 1 + rng() % 8);
          break;
        default:
          body.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
    }
    const HttpResponse r = send(i % 2 ? "POST" : "PUT", i % 2 ? "/v1/integrations" : "/v1/integrations/x", body);
    ASSERT_TRUE(r.status == 201 || r.status == 400 || r.status == 404 || r.status == 409) << r.status << " " << body;
    ASSERT_NO_THROW(json(r)) << body;
  }
}

}  // namespace
}  // namespace switchboard::api
