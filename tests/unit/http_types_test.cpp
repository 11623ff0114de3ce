// The HTTP client's pure parts: URL parsing, Retry-After, outcome classification.

#include "providers/http/http_types.h"

#include <gtest/gtest.h>

namespace switchboard::providers {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

Url must_parse(std::string_view text) {
  UrlParse parsed = parse_url(text);
  EXPECT_TRUE(parsed.url.has_value()) << text << ": " << parsed.error;
  return parsed.url.value_or(Url{});
}

// ---------------------------------------------------------------------------------------
// URLs

TEST(HttpUrl, HttpsDefaults) {
  const Url url = must_parse("https://api.sendgrid.com/v3/mail/send");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.scheme(), "https");
  EXPECT_EQ(url.host, "api.sendgrid.com");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.target, "/v3/mail/send");
  EXPECT_FALSE(url.ipv6_literal);
  EXPECT_EQ(url.host_header(), "api.sendgrid.com");
  EXPECT_EQ(url.origin(), "https://api.sendgrid.com:443");
}

TEST(HttpUrl, HttpWithPortAndQuery) {
  const Url url = must_parse("http://127.0.0.1:8025/webhook/x?wait=true&a=b");
  EXPECT_FALSE(url.tls);
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8025);
  EXPECT_EQ(url.target, "/webhook/x?wait=true&a=b");
  EXPECT_EQ(url.host_header(), "127.0.0.1:8025");
}

TEST(HttpUrl, EmptyPathBecomesSlash) {
  EXPECT_EQ(must_parse("http://example.com").target, "/");
  EXPECT_EQ(must_parse("http://example.com?x=1").target, "/?x=1");
  EXPECT_EQ(must_parse("http://example.com#frag").target, "/");
  EXPECT_EQ(must_parse("http://example.com:81").port, 81);
}

TEST(HttpUrl, FragmentIsDropped) {
  EXPECT_EQ(must_parse("https://h/a/b?c=d#section").target, "/a/b?c=d");
}

TEST(HttpUrl, SchemeAndHostAreCaseInsensitive) {
  const Url url = must_parse("HTTPS://API.Example.COM/Path");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "api.example.com");
  EXPECT_EQ(url.target, "/Path");  // the path keeps its case
}

TEST(HttpUrl, Ipv6Literals) {
  Url url = must_parse("http://[::1]:8080/x");
  EXPECT_TRUE(url.ipv6_literal);
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 8080);
  EXPECT_EQ(url.target, "/x");
  EXPECT_EQ(url.host_header(), "[::1]:8080");
  EXPECT_EQ(url.origin(), "http://[::1]:8080");

  url = must_parse("https://[2001:DB8::1]/");
  EXPECT_EQ(url.host, "2001:db8::1");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.host_header(), "[2001:db8::1]");

  EXPECT_EQ(must_parse("http://[::ffff:127.0.0.1]").host, "::ffff:127.0.0.1");
}

TEST(HttpUrl, DefaultPortIsOmittedFromHostHeader) {
  EXPECT_EQ(must_parse("http://h:80/").host_header(), "h");
  EXPECT_EQ(must_parse("https://h:443/").host_header(), "h");
  EXPECT_EQ(must_parse("https://h:80/").host_header(), "h:80");
  EXPECT_EQ(must_parse("http://h:/").port, 80);  // empty port: the default
}

TEST(HttpUrl, Rejects) {
  for (const char* text : {"", "example.com/x", "ftp://example.com/", "http://", "http:///path",
                           "http://user:pass@example.com/", "http://exa mple.com/", "http://host:0/",
                           "http://host:65536/", "http://host:12ab/", "http://host:-1/", "http://[::1/",
                           "http://[]/", "http://[::1]x/", "http://[example]/", "http://host/a b",
                           "http://host/a\r\nX-Injected: 1", "https://host/\t"}) {
    const UrlParse parsed = parse_url(text);
    EXPECT_FALSE(parsed.url.has_value()) << text;
    EXPECT_FALSE(parsed.error.empty()) << text;
  }
}

TEST(HttpUrl, ErrorsSayWhatIsWrong) {
  EXPECT_NE(parse_url("ftp://x/").error.find("unsupported scheme 'ftp'"), std::string::npos);
  EXPECT_NE(parse_url("http://u:p@x/").error.find("user info"), std::string::npos);
  EXPECT_NE(parse_url("http://x:99999/").error.find("bad port"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Retry-After

// 1994-11-06T08:49:37Z, the RFC's example date.
const system_clock::time_point kRfcDate = system_clock::time_point{std::chrono::seconds{784111777}};

TEST(HttpRetryAfter, DeltaSeconds) {
  const auto now = system_clock::now();
  EXPECT_EQ(parse_retry_after("120", now), milliseconds(120'000));
  EXPECT_EQ(parse_retry_after("0", now), milliseconds(0));
  EXPECT_EQ(parse_retry_after("  1 ", now), milliseconds(1'000));
  EXPECT_EQ(parse_retry_after("007", now), milliseconds(7'000));
}

TEST(HttpRetryAfter, HugeDeltaIsClampedToAYear) {
  EXPECT_EQ(parse_retry_after("99999999999999999999999", system_clock::now()),
            milliseconds(365LL * 24 * 3600 * 1000));
}

TEST(HttpRetryAfter, ImfFixdate) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kRfcDate), milliseconds(0));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", kRfcDate), milliseconds(30'000));
  EXPECT_EQ(parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", kRfcDate), milliseconds(86'400'000));
  // Sub-second "now": the delay is measured in milliseconds.
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:38 GMT", kRfcDate + milliseconds(250)), milliseconds(750));
}

TEST(HttpRetryAfter, DateInThePastIsZero) {
  EXPECT_EQ(parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", kRfcDate), milliseconds(0));
}

TEST(HttpRetryAfter, ObsoleteDateForms) {
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:50:37 GMT", kRfcDate), milliseconds(60'000));
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:51:37 1994", kRfcDate), milliseconds(120'000));
}

TEST(HttpRetryAfter, LeapDayAndMonthNames) {
  const auto now = system_clock::time_point{std::chrono::seconds{1709164800}};  // 2024-02-29T00:00:00Z
  EXPECT_EQ(parse_retry_after("Thu, 29 Feb 2024 00:00:10 GMT", now), milliseconds(10'000));
  EXPECT_EQ(parse_retry_after("Fri, 01 Mar 2024 00:00:00 GMT", now), milliseconds(86'400'000));
}

TEST(HttpRetryAfter, Rejects) {
  const auto now = system_clock::now();
  for (const char* text : {"", "  ", "-1", "1.5", "12s", "soon", "Sun, 31 Feb 2024 00:00:00 GMT",
                           "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 25:00:00 GMT",
                           "Sun, 06 Foo 1994 08:49:37 GMT", "Sun 06 Nov 1994 08:49:37 GMT",
                           "Sun, 06 Nov 1994 08:49:37 PST", "Sun Nov  6 08:49:37 94"}) {
    EXPECT_FALSE(parse_retry_after(text, now).has_value()) << text;
  }
}

// ---------------------------------------------------------------------------------------
// Outcomes

HttpResponse response_with(int status, HttpHeaderFields headers = {}, std::string body = {}) {
  HttpResponse response;
  response.status = status;
  response.headers = std::move(headers);
  response.body = std::move(body);
  return response;
}

TEST(HttpOutcome, SuccessTakesXMessageId) {
  const DeliveryOutcome outcome = outcome_from_http(response_with(202, {{"x-message-id", "abc123"}}));
  EXPECT_EQ(outcome.kind, OutcomeKind::kSent);
  EXPECT_EQ(outcome.provider_message_id, "abc123");
  EXPECT_EQ(outcome.http_status, 202);
  EXPECT_TRUE(outcome.error.empty());
}

TEST(HttpOutcome, SuccessWithoutIdLeavesItEmpty) {
  const DeliveryOutcome outcome = outcome_from_http(response_with(200, {}, R"({"sid":"SM1"})"));
  EXPECT_EQ(outcome.kind, OutcomeKind::kSent);
  EXPECT_EQ(outcome.provider_message_id, "");
}

TEST(HttpOutcome, StatusClasses) {
  struct Case {
    int status;
    OutcomeKind kind;
  };
  for (const Case& c : {Case{200, OutcomeKind::kSent}, Case{201, OutcomeKind::kSent}, Case{204, OutcomeKind::kSent},
                        Case{400, OutcomeKind::kPermanent}, Case{401, OutcomeKind::kPermanent},
                        Case{403, OutcomeKind::kPermanent}, Case{404, OutcomeKind::kPermanent},
                        Case{408, OutcomeKind::kRetryable}, Case{409, OutcomeKind::kPermanent},
                        Case{422, OutcomeKind::kPermanent}, Case{429, OutcomeKind::kRetryable},
                        Case{500, OutcomeKind::kRetryable}, Case{502, OutcomeKind::kRetryable},
                        Case{503, OutcomeKind::kRetryable}, Case{504, OutcomeKind::kRetryable},
                        Case{302, OutcomeKind::kPermanent}}) {
    const DeliveryOutcome outcome = outcome_from_http(response_with(c.status));
    EXPECT_EQ(outcome.kind, c.kind) << c.status;
    EXPECT_EQ(outcome.http_status, c.status);
  }
}

TEST(HttpOutcome, TooManyRequestsWithRetryAfterSeconds) {
  const DeliveryOutcome outcome =
      outcome_from_http(response_with(429, {{"retry-after", "3"}}, R"({"error":"slow down"})"));
  EXPECT_EQ(outcome.kind, OutcomeKind::kRetryable);
  ASSERT_TRUE(outcome.retry_after.has_value());
  EXPECT_EQ(*outcome.retry_after, milliseconds(3000));
  EXPECT_EQ(outcome.error, R"(HTTP 429: {"error":"slow down"})");
}

TEST(HttpOutcome, UnavailableWithRetryAfterDate) {
  const DeliveryOutcome outcome =
      outcome_from_http(response_with(503, {{"retry-after", "Sun, 06 Nov 1994 08:49:47 GMT"}}), kRfcDate);
  EXPECT_EQ(outcome.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(outcome.retry_after, milliseconds(10'000));
}

TEST(HttpOutcome, UnparsableRetryAfterIsIgnored) {
  const DeliveryOutcome outcome = outcome_from_http(response_with(429, {{"retry-after", "later"}}));
  EXPECT_EQ(outcome.kind, OutcomeKind::kRetryable);
  EXPECT_FALSE(outcome.retry_after.has_value());
}

TEST(HttpOutcome, ErrorExcerptIsOneShortLine) {
  const std::string body = "line one\nline two\r\n" + std::string(500, 'x');
  const DeliveryOutcome outcome = outcome_from_http(response_with(400, {}, body));
  EXPECT_EQ(outcome.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(outcome.error.find('\n'), std::string::npos);
  EXPECT_EQ(outcome.error.find('\r'), std::string::npos);
  EXPECT_LT(outcome.error.size(), 200u);
  EXPECT_EQ(outcome.error.substr(0, 23), "HTTP 400: line one line");
  EXPECT_EQ(outcome.error.substr(outcome.error.size() - 3), "...");
}

TEST(HttpOutcome, ExcerptDoesNotSplitUtf8) {
  // 159 ASCII bytes then a 2-byte character straddling the 160-byte cut.
  const std::string body = std::string(159, 'a') + "\xC3\xA9" + "tail";
  const DeliveryOutcome outcome = outcome_from_http(response_with(400, {}, body));
  EXPECT_EQ(outcome.error, "HTTP 400: " + std::string(159, 'a') + "...");
}

TEST(HttpOutcome, TransportErrorsAreRetryable) {
  for (TransportErrorKind kind : {TransportErrorKind::kTimeout, TransportErrorKind::kConnect, TransportErrorKind::kTls,
                                  TransportErrorKind::kReset, TransportErrorKind::kDns, TransportErrorKind::kProtocol,
                                  TransportErrorKind::kOverloaded, TransportErrorKind::kCancelled}) {
    const DeliveryOutcome outcome = outcome_from_http(TransportError{kind, "boom"});
    EXPECT_EQ(outcome.kind, OutcomeKind::kRetryable) << transport_error_kind_name(kind);
    EXPECT_EQ(outcome.http_status, 0);
    EXPECT_FALSE(outcome.retry_after.has_value());
    EXPECT_EQ(outcome.error, std::string(transport_error_kind_name(kind)) + ": boom");
  }
}

TEST(HttpOutcome, InvalidRequestIsPermanent) {
  const DeliveryOutcome outcome =
      outcome_from_http(TransportError{TransportErrorKind::kInvalidRequest, "bad URL: empty host"});
  EXPECT_EQ(outcome.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(outcome.error, "invalid_request: bad URL: empty host");
}

TEST(HttpResultType, HoldsEitherSide) {
  HttpResult ok = response_with(204);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.response().status, 204);
  HttpResult failed = TransportError{TransportErrorKind::kTimeout, "read timed out"};
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, TransportErrorKind::kTimeout);
}

TEST(HttpResponseType, HeaderLookupIsByLowerCaseName) {
  const HttpResponse response = response_with(200, {{"x-a", "1"}, {"x-b", "2"}, {"x-a", "3"}});
  ASSERT_NE(response.header("x-a"), nullptr);
  EXPECT_EQ(*response.header("x-a"), "1");
  EXPECT_EQ(response.header("x-c"), nullptr);
}

TEST(HttpMethodNames, AllMethods) {
  EXPECT_EQ(http_method_name(HttpMethod::kGet), "GET");
  EXPECT_EQ(http_method_name(HttpMethod::kPost), "POST");
  EXPECT_EQ(http_method_name(HttpMethod::kPut), "PUT");
  EXPECT_EQ(http_method_name(HttpMethod::kPatch), "PATCH");
  EXPECT_EQ(http_method_name(HttpMethod::kDelete), "DELETE");
  EXPECT_EQ(http_method_name(HttpMethod::kHead), "HEAD");
}

}  // namespace
}  // namespace switchboard::providers
