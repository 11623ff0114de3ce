// The shared HTTP(S) client against the real `switchboard sink` process, on 127.0.0.1 only.
//
//   http_integration_tests                 the GoogleTest suite (ctest label integration;http)
//   http_integration_tests --bench [secs]  throughput: 64 requests in flight over 8
//                                          connections, plain then TLS (default 5 s each)

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "providers/http/http_client.h"
#include "tests/integration/http_test_support.h"
#include "tests/integration/sink_process.h"

#ifndef SWITCHBOARD_BINARY
#error "SWITCHBOARD_BINARY must name the switchboard executable"
#endif

extern char** environ;

namespace switchboard::providers {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using integration::SinkProcess;
using integration::fetch;
using integration::get;
using integration::run_until;

// ---------------------------------------------------------------------------------------
// Driving the client synchronously

void run_for(asio::io_context& io, milliseconds duration) {
  asio::steady_timer timer(io, duration);
  bool fired = false;
  timer.async_wait([&](const boost::system::error_code&) { fired = true; });
  run_until(io, [&] { return fired; });
}

std::string describe(const HttpResult& result) {
  if (result.ok()) return "HTTP " + std::to_string(result.response().status) + " " + result.response().body;
  return std::string(transport_error_kind_name(result.error().kind)) + ": " + result.error().message;
}

json sink_stats(asio::io_context& io, const SinkProcess& sink) {
  HttpClient client(io);  // its own connection, so it does not disturb the pool under test
  return integration::sink_stats(io, client, sink.url("/_sink/stats"));
}

HttpClientOptions with_ca(const SinkProcess& sink) {
  HttpClientOptions options;
  options.ca_file = sink.cert();
  return options;
}

// ---------------------------------------------------------------------------------------
// Tests

// The tests of pooling and connection lifetime run twice: on the client's strand, and
// with single_threaded_io (no strand), which must behave the same.
class HttpClientPooling : public ::testing::TestWithParam<bool> {
 protected:
  static HttpClientOptions options() {
    HttpClientOptions options;
    options.single_threaded_io = GetParam();
    return options;
  }
};

INSTANTIATE_TEST_SUITE_P(Executors, HttpClientPooling, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("SingleThreaded") : std::string("Strand");
                         });

TEST_P(HttpClientPooling, KeepAliveReusesOneConnection) {
  SinkProcess sink;
  asio::io_context io;
  HttpClient client(io, options());
  for (int i = 0; i < 100; ++i) {
    const HttpResult result = get(io, client, sink.url("/bench/" + std::to_string(i)));
    ASSERT_TRUE(result.ok()) << describe(result);
    ASSERT_EQ(result.response().status, 200);
    ASSERT_NE(result.response().header("x-message-id"), nullptr);
    EXPECT_EQ(json::parse(result.response().body).value("id", ""), *result.response().header("x-message-id"));
  }
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(client.stats().connections_reused, 99u);
  const json stats = sink_stats(io, sink);
  EXPECT_EQ(stats.value("requests", 0), 100);
  EXPECT_EQ(stats.value("connections", 0), 1);
}

TEST_P(HttpClientPooling, ThousandConcurrentRequestsWithCapEight) {
  SinkProcess sink({"--latency-ms", "1"});
  asio::io_context io;
  HttpClientOptions capped = options();
  capped.max_connections_per_host = 8;
  HttpClient client(io, capped);
  int ok = 0;
  int done = 0;
  std::string first_error;
  for (int i = 0; i < 1000; ++i) {
    HttpRequest request;
    request.url = sink.url("/webhook/load");
    request.headers = {{"Content-Type", "application/json"}};
    request.body = R"({"n":)" + std::to_string(i) + "}";
    client.request(std::move(request), [&](HttpResult r) {
      ++done;
      if (r.ok() && r.response().status == 200) {
        ++ok;
      } else if (first_error.empty()) {
        first_error = describe(r);
      }
    });
  }
  ASSERT_TRUE(run_until(io, [&] { return done == 1000; }));
  EXPECT_EQ(ok, 1000) << first_error;
  EXPECT_LE(client.stats().connections_opened, 8u);
  const json stats = sink_stats(io, sink);
  EXPECT_EQ(stats.value("requests", 0), 1000);
  EXPECT_LE(stats.value("connections", 0), 8);
  EXPECT_GE(stats.value("connections", 0), 1);
}

TEST(HttpClientIntegration, RequestTimeout) {
  SinkProcess sink({"--latency-ms", "2000"});
  asio::io_context io;
  HttpClientOptions options;
  options.request_timeout = milliseconds(200);
  HttpClient client(io, options);
  const auto start = Clock::now();
  const HttpResult result = get(io, client, sink.url("/bench"));
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(result.ok()) << describe(result);
  EXPECT_EQ(result.error().kind, TransportErrorKind::kTimeout) << result.error().message;
  EXPECT_NE(result.error().message.find("200 ms"), std::string::npos) << result.error().message;
  EXPECT_LT(elapsed, milliseconds(1500));
  EXPECT_EQ(outcome_from_http(result).kind, OutcomeKind::kRetryable);
}

TEST(HttpClientIntegration, PerRequestTimeoutOverride) {
  SinkProcess sink({"--latency-ms", "300"});
  asio::io_context io;
  HttpClient client(io);  // default 10 s
  HttpRequest request;
  request.method = HttpMethod::kGet;
  request.url = sink.url("/bench");
  request.timeout = milliseconds(100);
  const HttpResult result = fetch(io, client, request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, TransportErrorKind::kTimeout);
  request.timeout = milliseconds(3000);
  const HttpResult slow_ok = fetch(io, client, request);
  ASSERT_TRUE(slow_ok.ok()) << describe(slow_ok);
}

TEST(HttpClientIntegration, TlsWithTheSinkCertificateAsCa) {
  SinkProcess sink;
  asio::io_context io;
  HttpClient client(io, with_ca(sink));
  for (int i = 0; i < 5; ++i) {
    const HttpResult result = get(io, client, sink.tls_url("/bench"));
    ASSERT_TRUE(result.ok()) << describe(result);
    EXPECT_EQ(result.response().status, 200);
  }
  // By name: DNS (/etc/hosts), SNI and the DNS:localhost subject alternative name.
  const HttpResult by_name = get(io, client, sink.tls_url("/bench", "localhost"));
  ASSERT_TRUE(by_name.ok()) << describe(by_name);
  EXPECT_EQ(by_name.response().status, 200);
  EXPECT_EQ(client.stats().connections_opened, 2u);  // one per origin, kept alive
  const json stats = sink_stats(io, sink);
  EXPECT_EQ(stats.value("tls_connections_accepted", 0), 2);
}

TEST(HttpClientIntegration, TlsWithoutTheCaFailsVerification) {
  SinkProcess sink;
  asio::io_context io;
  HttpClient client(io);  // system CAs only
  const HttpResult result = get(io, client, sink.tls_url("/bench"));
  ASSERT_FALSE(result.ok()) << describe(result);
  EXPECT_EQ(result.error().kind, TransportErrorKind::kTls);
  EXPECT_NE(result.error().message.find("certificate verify failed"), std::string::npos) << result.error().message;
  EXPECT_EQ(outcome_from_http(result).kind, OutcomeKind::kRetryable);
}

TEST(HttpClientIntegration, TlsWithAWrongCaFailsVerification) {
  SinkProcess sink;
  SinkProcess other;  // its own, different self-signed certificate
  asio::io_context io;
  HttpClient client(io, with_ca(other));
  const HttpResult result = get(io, client, sink.tls_url("/bench"));
  ASSERT_FALSE(result.ok()) << describe(result);
  EXPECT_EQ(result.error().kind, TransportErrorKind::kTls);
  EXPECT_NE(result.error().message.find("certificate verify failed"), std::string::npos) << result.error().message;
}

TEST(HttpClientIntegration, TlsHostMismatchFails) {
  // 127.0.0.2 is loopback too, but not in the certificate's names.
  SinkProcess sink({"--bind", "127.0.0.2"});
  asio::io_context io;
  HttpClient client(io, with_ca(sink));
  const HttpResult result = get(io, client, sink.tls_url("/bench", "127.0.0.2"));
  ASSERT_FALSE(result.ok()) << describe(result);
  EXPECT_EQ(result.error().kind, TransportErrorKind::kTls);
  EXPECT_NE(result.error().message.find("certificate verify failed"), std::string::npos) << result.error().message;
}

TEST(HttpClientIntegration, VerifyPeerOffAcceptsAnyCertificate) {
  SinkProcess sink;
  asio::io_context io;
  HttpClientOptions options;
  options.verify_peer = false;
  HttpClient client(io, options);
  const HttpResult result = get(io, client, sink.tls_url("/bench"));
  ASSERT_TRUE(result.ok()) << describe(result);
}

TEST(HttpClientIntegration, TooManyRequestsCarriesRetryAfter) {
  SinkProcess sink({"--status", "429"});
  asio::io_context io;
  HttpClient client(io);
  const HttpResult result = get(io, client, sink.url("/v3/mail/send"));
  ASSERT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(result.response().status, 429);
  const DeliveryOutcome outcome = outcome_from_http(result);
  EXPECT_EQ(outcome.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(outcome.http_status, 429);
  ASSERT_TRUE(outcome.retry_after.has_value());
  EXPECT_EQ(*outcome.retry_after, milliseconds(1000));
}

TEST(HttpClientIntegration, InjectedErrorRate) {
  SinkProcess sink({"--error-rate", "0.5", "--error-status", "429", "--seed", "42"});
  asio::io_context io;
  HttpClient client(io);
  int ok = 0;
  int throttled = 0;
  for (int i = 0; i < 200; ++i) {
    const HttpResult result = get(io, client, sink.url("/bench"));
    ASSERT_TRUE(result.ok()) << describe(result);
    if (result.response().status == 200) ++ok;
    if (result.response().status == 429) {
      ++throttled;
      EXPECT_EQ(outcome_from_http(result).retry_after, milliseconds(1000));
    }
  }
  EXPECT_EQ(ok + throttled, 200);
  EXPECT_GT(ok, 50);
  EXPECT_GT(throttled, 50);
  const json stats = sink_stats(io, sink);
  EXPECT_EQ(stats["by_status"].value("429", 0), throttled);
}

TEST_P(HttpClientPooling, ServerClosingIdleConnectionsIsHarmless) {
  SinkProcess sink({"--idle-timeout-ms", "100"});
  asio::io_context io;
  HttpClient client(io, options());
  for (int i = 0; i < 3; ++i) {
    const HttpResult result = get(io, client, sink.url("/bench"));
    ASSERT_TRUE(result.ok()) << "request " << i << ": " << describe(result);
    EXPECT_EQ(result.response().status, 200);
    run_for(io, milliseconds(300));  // the sink closes the idle connection meanwhile
  }
  // Idle connections are not probed before reuse: each closed one is found by its failed
  // exchange and the request goes again on a new connection.
  EXPECT_EQ(client.stats().stale_retries, 2u);
  EXPECT_EQ(client.stats().connections_opened, 3u);
  EXPECT_EQ(sink_stats(io, sink).value("connections", 0), 3);
}

TEST_P(HttpClientPooling, StaleKeepAliveIsRetriedOnceOnANewConnection) {
  // Every 2nd request of a connection is dropped unanswered: the client sees a reused
  // connection fail before any byte of the answer, and re-sends on a new connection.
  SinkProcess sink({"--drop-nth", "2"});
  asio::io_context io;
  HttpClient client(io, options());
  for (int i = 0; i < 6; ++i) {
    const HttpResult result = get(io, client, sink.url("/bench"));
    ASSERT_TRUE(result.ok()) << "request " << i << ": " << describe(result);
    EXPECT_EQ(result.response().status, 200);
  }
  EXPECT_EQ(client.stats().stale_retries, 5u);
  EXPECT_EQ(client.stats().connections_opened, 6u);
  EXPECT_EQ(sink_stats(io, sink).value("dropped", 0), 5);
}

TEST(HttpClientIntegration, FreshConnectionFailuresAreNotRetried) {
  SinkProcess sink({"--drop-nth", "1"});  // nothing is ever answered
  asio::io_context io;
  HttpClient client(io);
  const HttpResult result = get(io, client, sink.url("/bench"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, TransportErrorKind::kReset) << result.error().message;
  EXPECT_EQ(client.stats().stale_retries, 0u);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(sink_stats(io, sink).value("requests", 0), 1);
}

TEST(HttpClientIntegration, ConnectionRefused) {
  int port = 0;
  {
    // A port that was free a moment ago: nothing listens there now.
    asio::io_context probe;
    asio::ip::tcp::acceptor acceptor(probe, {asio::ip::make_address("127.0.0.1"), 0});
    port = acceptor.local_endpoint().port();
  }
  asio::io_context io;
  HttpClient client(io);
  const HttpResult result = get(io, client, "http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, TransportErrorKind::kConnect) << result.error().message;
}

TEST(HttpClientIntegration, InvalidUrlAndHeaders) {
  asio::io_context io;
  HttpClient client(io);
  HttpResult result = get(io, client, "ftp://127.0.0.1/");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, TransportErrorKind::kInvalidRequest);
  EXPECT_EQ(outcome_from_http(result).kind, OutcomeKind::kPermanent);

  HttpRequest request;
  request.url = "http://127.0.0.1:1/";
  request.headers = {{"X-Evil", "a\r\nInjected: yes"}};
  result = fetch(io, client, request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, TransportErrorKind::kInvalidRequest);
}

TEST(HttpClientIntegration, FullQueueIsOverloaded) {
  SinkProcess sink({"--latency-ms", "200"});
  asio::io_context io;
  HttpClientOptions options;
  options.max_connections_per_host = 1;
  options.max_queued_per_host = 5;
  HttpClient client(io, options);
  int ok = 0;
  int overloaded = 0;
  int done = 0;
  for (int i = 0; i < 20; ++i) {
    HttpRequest request;
    request.method = HttpMethod::kGet;
    request.url = sink.url("/bench");
    client.request(std::move(request), [&](HttpResult r) {
      ++done;
      if (r.ok()) ++ok;
      if (!r.ok() && r.error().kind == TransportErrorKind::kOverloaded) ++overloaded;
    });
  }
  ASSERT_TRUE(run_until(io, [&] { return done == 20; }));
  EXPECT_EQ(ok, 6);  // one in flight + five queued
  EXPECT_EQ(overloaded, 14);
  EXPECT_EQ(client.stats().overloaded, 14u);
}

TEST_P(HttpClientPooling, DestroyingTheClientCancelsInFlightRequests) {
  SinkProcess sink({"--latency-ms", "5000"});
  asio::io_context io;
  auto client = std::make_unique<HttpClient>(io, options());
  std::optional<HttpResult> result;
  HttpRequest request;
  request.method = HttpMethod::kGet;
  request.url = sink.url("/bench");
  client->request(std::move(request), [&](HttpResult r) { result.emplace(std::move(r)); });
  run_for(io, milliseconds(100));  // connected and waiting for the answer
  client.reset();
  ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }, milliseconds(2000)));
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().kind, TransportErrorKind::kCancelled);
}

TEST_P(HttpClientPooling, DestroyingTheClientFromItsCallbackCancelsTheOthers) {
  SinkProcess sink({"--latency-ms", "2000"});
  asio::io_context io;
  auto client = std::make_unique<HttpClient>(io, options());
  HttpRequest bad;
  bad.url = "ftp://nowhere";
  std::optional<HttpResult> slow;
  HttpRequest request;
  request.method = HttpMethod::kGet;
  request.url = sink.url("/bench");
  client->request(std::move(request), [&](HttpResult r) { slow.emplace(std::move(r)); });
  // Destroyed on the io_context's thread, from inside a callback: shuts down at once.
  client->request(std::move(bad), [&](HttpResult) { client.reset(); });
  ASSERT_TRUE(run_until(io, [&] { return slow.has_value(); }, milliseconds(1000)));
  ASSERT_FALSE(slow->ok());
  EXPECT_EQ(slow->error().kind, TransportErrorKind::kCancelled);
}

// ---------------------------------------------------------------------------------------
// The sink's request-shape checks, through the client

HttpResult post(asio::io_context& io, HttpClient& client, std::string url, HttpHeaderFields headers, std::string body) {
  HttpRequest request;
  request.url = std::move(url);
  request.headers = std::move(headers);
  request.body = std::move(body);
  return fetch(io, client, std::move(request));
}

TEST(SinkIntegration, SendgridShape) {
  SinkProcess sink;
  asio::io_context io;
  HttpClient client(io);
  const std::string good = R"({"personalizations":[{"to":[{"email":"a@example.com"}]}],)"
                           R"("from":{"email":"noreply@example.com","name":"X"},"subject":"Hi",)"
                           R"("content":[{"type":"text/html","value":"<p>hi</p>"}]})";
  HttpResult r = post(io, client, sink.url("/v3/mail/send"),
                      {{"Authorization", "Bearer SG.key"}, {"Content-Type", "application/json"}}, good);
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.response().status, 202);
  const DeliveryOutcome outcome = outcome_from_http(r);
  EXPECT_EQ(outcome.kind, OutcomeKind::kSent);
  EXPECT_FALSE(outcome.provider_message_id.empty());

  r = post(io, client, sink.url("/v3/mail/send"), {{"Content-Type", "application/json"}}, good);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.response().status, 400);
  EXPECT_NE(r.response().body.find("Bearer"), std::string::npos) << r.response().body;
  EXPECT_EQ(outcome_from_http(r).kind, OutcomeKind::kPermanent);

  r = post(io, client, sink.url("/v3/mail/send"),
           {{"Authorization", "Bearer SG.key"}, {"Content-Type", "application/json"}},
           R"({"personalizations":[],"from":{"email":"x@example.com"},"subject":"s"})");
  EXPECT_EQ(r.response().status, 400);
  EXPECT_NE(r.response().body.find("personalizations"), std::string::npos) << r.response().body;
}

TEST(SinkIntegration, TwilioShape) {
  SinkProcess sink;
  asio::io_context io;
  HttpClient client(io);
  const std::string url = sink.url("/2010-04-01/Accounts/AC123/Messages.json");
  // base64("AC123:token")
  const HttpHeaderFields headers = {{"Authorization", "Basic QUMxMjM6dG9rZW4="},
                                    {"Content-Type", "application/x-www-form-urlencoded"}};
  HttpResult r = post(io, client, url, headers, "To=%2B15551234567&From=%2B15557654321&Body=Hello+there");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.response().status, 201);
  const json body = json::parse(r.response().body);
  EXPECT_EQ(body.value("sid", "").substr(0, 2), "SM");
  EXPECT_EQ(body.value("to", ""), "+15551234567");
  EXPECT_EQ(body.value("body", ""), "Hello there");

  r = post(io, client, url, headers, "From=%2B15557654321&Body=Hello");
  EXPECT_EQ(r.response().status, 400);
  EXPECT_NE(r.response().body.find("'To'"), std::string::npos) << r.response().body;

  // base64("AC999:token"): a different account than the path's
  r = post(io, client, url,
           {{"Authorization", "Basic QUM5OTk6dG9rZW4="}, {"Content-Type", "application/x-www-form-urlencoded"}},
           "To=1&From=2&Body=3");
  EXPECT_EQ(r.response().status, 400);
}

TEST(SinkIntegration, WebhookShapeAndRecordFile) {
  char dir[] = "/tmp/sb-http-record-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string record = std::string(dir) + "/record.jsonl";
  SinkProcess recorded({"--record", record});
  asio::io_context io;
  HttpClient client(io);
  const std::string signature(64, 'a');
  HttpResult r = post(io, client, recorded.url("/webhook/orders"),
                      {{"Content-Type", "application/json"}, {"X-Switchboard-Signature", signature}},
                      R"({"event":"x"})");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.response().status, 200);

  r = post(io, client, recorded.url("/webhook/orders"),
           {{"Content-Type", "application/json"}, {"X-Switchboard-Signature", "abc"}}, R"({"event":"x"})");
  EXPECT_EQ(r.response().status, 400);
  EXPECT_NE(r.response().body.find("64 hex"), std::string::npos) << r.response().body;

  r = post(io, client, recorded.url("/webhook/orders"), {{"Content-Type", "application/json"}}, "{not json");
  EXPECT_EQ(r.response().status, 400);

  r = post(io, client, recorded.url("/v3/mail/send"), {{"Authorization", "Bearer SG.secret-key"}}, "{}");
  EXPECT_EQ(r.response().status, 400);

  std::ifstream in(record);
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].value("method", ""), "POST");
  EXPECT_EQ(lines[0].value("path", ""), "/webhook/orders");
  EXPECT_EQ(lines[0]["headers"].value("x-switchboard-signature", ""), signature);
  EXPECT_EQ(lines[0].value("body_bytes", 0), 13);
  EXPECT_EQ(lines[0].value("status", 0), 200);
  EXPECT_EQ(lines[1].value("status", 0), 400);
  EXPECT_EQ(lines[3]["headers"].value("authorization", ""), "Bearer [redacted]");
  for (const json& line : lines) EXPECT_EQ(line.value("conn", 0), lines[0].value("conn", 0));  // one connection

  const json stats = sink_stats(io, recorded);
  EXPECT_EQ(stats.value("requests", 0), 4);
  EXPECT_EQ(stats["by_endpoint"].value("webhook", 0), 3);
  EXPECT_EQ(stats["by_endpoint"].value("sendgrid", 0), 1);
  EXPECT_EQ(stats["by_status"].value("400", 0), 3);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

TEST(SinkIntegration, SharedBodyIsSentInsteadOfBody) {
  char dir[] = "/tmp/sb-http-shared-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string record = std::string(dir) + "/record.jsonl";
  SinkProcess recorded({"--record", record});
  asio::io_context io;
  HttpClient client(io);
  const auto event = std::make_shared<const std::string>(R"({"event":"shared by two requests"})");
  for (int i = 0; i < 2; ++i) {
    HttpRequest request;
    request.url = recorded.url("/webhook/orders");
    request.headers = {{"Content-Type", "application/json"}};
    request.body = "{not json";  // ignored: shared_body wins
    request.shared_body = event;
    const HttpResult r = fetch(io, client, std::move(request));
    ASSERT_TRUE(r.ok()) << describe(r);
    EXPECT_EQ(r.response().status, 200) << r.response().body;
  }
  EXPECT_EQ(event.use_count(), 1);  // the client let go of it
  std::ifstream in(record);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    EXPECT_EQ(json::parse(line).value("body_bytes", 0), static_cast<int>(event->size()));
  }
  EXPECT_EQ(lines, 2);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

// ---------------------------------------------------------------------------------------
// Throughput (not a test)

double measure(const SinkProcess& sink, bool tls, int seconds, std::size_t connections, int in_flight) {
  asio::io_context io;
  HttpClientOptions options;
  options.max_connections_per_host = connections;
  options.ca_file = sink.cert();
  HttpClient client(io, options);
  const std::string url = tls ? sink.tls_url("/webhook/bench") : sink.url("/webhook/bench");
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  bool measuring = false;
  bool stop = false;
  int active = 0;
  std::function<void()> issue = [&] {
    HttpRequest request;
    request.url = url;
    request.headers = {{"Content-Type", "application/json"}};
    request.body = R"({"to":"+15551234567","content":"Your code is 123456","id":"evt-1"})";
    ++active;
    client.request(std::move(request), [&](HttpResult r) {
      --active;
      if (measuring) {
        if (r.ok() && r.response().status == 200) {
          ++completed;
        } else {
          ++failed;
        }
      }
      if (!stop) issue();
    });
  };
  for (int i = 0; i < in_flight; ++i) issue();
  run_for(io, milliseconds(500));  // warm-up: connections and handshakes
  measuring = true;
  const auto start = Clock::now();
  run_for(io, std::chrono::seconds(seconds));
  measuring = false;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  stop = true;
  run_until(io, [&] { return active == 0; });
  const double rate = static_cast<double>(completed) / elapsed;
  std::printf("%-5s %d s, %zu connections, %d in flight: %llu requests, %llu failed, %.0f requests/s "
              "(client opened %llu connections)\n",
              tls ? "https" : "http", seconds, connections, in_flight, static_cast<unsigned long long>(completed),
              static_cast<unsigned long long>(failed), rate,
              static_cast<unsigned long long>(client.stats().connections_opened));
  return rate;
}

int run_bench(int seconds) {
  SinkProcess sink;
  measure(sink, false, seconds, 8, 64);
  measure(sink, true, seconds, 8, 64);
  return 0;
}

}  // namespace
}  // namespace switchboard::providers

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);  // belt and braces: Asio already sends with MSG_NOSIGNAL
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--bench") {
      const int seconds = i + 1 < argc ? std::atoi(argv[i + 1]) : 5;
      return switchboard::providers::run_bench(seconds > 0 ? seconds : 5);
    }
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
