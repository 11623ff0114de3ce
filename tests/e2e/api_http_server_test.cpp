// http::HttpServer over real loopback sockets: keep-alive, limits, timeouts, answers from
// other threads, graceful stop. The client is raw POSIX sockets, so the test needs no Beast.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "worker/http/http_server.h"

namespace switchboard::http {
namespace {

using namespace std::chrono_literals;

// ---- a minimal blocking HTTP/1.1 client ------------------------------------------------------

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class Client {
 public:
  explicit Client(std::uint16_t port, std::chrono::milliseconds timeout = 3000ms) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }

  bool send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // One response (Content-Length framed), or nullopt on close/timeout.
  std::optional<Reply> read() {
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    Reply reply;
    const std::string head = buffer_.substr(0, header_end);
    reply.status = std::stoi(head.substr(9, 3));
    std::size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos < head.size()) {
      const std::size_t next = head.find("\r\n", pos + 2);
      const std::string line = head.substr(pos + 2, (next == std::string::npos ? head.size() : next) - pos - 2);
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        reply.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
      }
      pos = next;
    }
    const std::size_t length = reply.headers.count("content-length") ? std::stoul(reply.headers["content-length"]) : 0;
    while (buffer_.size() < header_end + 4 + length) {
      if (!fill()) return std::nullopt;
    }
    reply.body = buffer_.substr(header_end + 4, length);
    buffer_.erase(0, header_end + 4 + length);
    return reply;
  }

  // True when the server closed the connection (EOF or reset) before `timeout`.
  bool closed_by_server() {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  bool fill() {
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

std::string get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
}

// ---- the server under test -------------------------------------------------------------------

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpServerOptions options = {}) {
    options.bind = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(
        io_, options, [this](HttpRequest r, Responder respond) { handle(std::move(r), std::move(respond)); });
    port_ = server_->listen();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (server_ && !stopped_) stop_and_wait();
    io_.stop();
    if (thread_.joinable()) thread_.join();
    for (auto& t : workers_) t.join();
    server_.reset();
  }
  // Waits until the handler has been entered `count` times in all.
  void wait_handled(int count) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (handled_.load() < count && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    ASSERT_GE(handled_.load(), count);
  }
  void stop_and_wait() {
    std::promise<void> done;
    server_->stop([&] { done.set_value(); });
    ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
    stopped_ = true;
  }

  void handle(HttpRequest r, Responder respond) {
    ++handled_;
    const std::string path(r.path());
    if (path == "/echo") {
      std::string headers;
      for (const auto& h : r.headers) headers += h.name + "=" + h.value + ";";
      HttpResponse out = HttpResponse::json(200, r.method + "|" + r.target + "|" + headers + "|" + r.body);
      out.set_header("X-Test", "1");
      return respond(std::move(out));
    }
    if (path == "/later") {  // answered from another thread
      workers_.emplace_back([respond] {
        std::this_thread::sleep_for(30ms);
        respond(HttpResponse::json(202, "later"));
      });
      return;
    }
    if (path == "/slow") {
      workers_.emplace_back([respond] {
        std::this_thread::sleep_for(300ms);
        respond(HttpResponse::json(200, "slow"));
      });
      return;
    }
    if (path == "/never") {
      kept_.push_back(std::move(respond));
      return;
    }
    if (path == "/drop") return;  // drops the responder unanswered
    if (path == "/twice") {
      respond(HttpResponse::json(200, "first"));
      respond(HttpResponse::json(500, "second"));
      return;
    }
    if (path == "/close") {
      HttpResponse out = HttpResponse::json(200, "bye");
      out.set_header("Connection", "close");
      return respond(std::move(out));
    }
    if (path == "/throw") throw std::runtime_error("boom");
    respond(HttpResponse::json(404, "none"));
  }

  boost::asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::vector<std::thread> workers_;  // only touched on the io thread, joined after it stops
  std::vector<Responder> kept_;
  std::atomic<int> handled_{0};
  bool stopped_ = false;
};

TEST_F(HttpServerTest, KeepAliveRequestsWithLowerCasedHeaders) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send("POST /echo?q=1 HTTP/1.1\r\nHost: x\r\nX-Mixed-Case: Value\r\nContent-Length: 5\r\n\r\nhello"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers["content-type"], "application/json");
  EXPECT_EQ(r->headers["x-test"], "1");
  EXPECT_EQ(r->headers["server"], "switchboard");
  EXPECT_NE(r->body.find("POST|/echo?q=1|"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("x-mixed-case=Value;"), std::string::npos) << r->body;
  EXPECT_TRUE(r->body.ends_with("|hello"));
  // Same connection, twice more; the second pipelined right behind the first.
  ASSERT_TRUE(c.send(get("/echo") + get("/later")));
  auto a = c.read();
  auto b = c.read();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 202);
  EXPECT_EQ(server_->stats().connections_accepted, 1u);
  EXPECT_EQ(server_->stats().requests, 3u);
}

TEST_F(HttpServerTest, OversizedBodyIs413WithoutCallingTheHandler) {
  HttpServerOptions o;
  o.max_body_bytes = 1000;
  start(o);
  Client c(port_);
  const std::string body(5000, 'x');
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + body));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("\"statusCode\":413"), std::string::npos);
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(c.closed_by_server());
  // Chunked: caught while reading.
  Client d(port_);
  ASSERT_TRUE(d.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" +
                     std::string(1000, 'y') + "\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"));
  auto chunked = d.read();
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 413);
  // Exactly at the limit is fine.
  Client e(port_);
  ASSERT_TRUE(e.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'z')));
  auto ok = e.read();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(handled_.load(), 1);
}

TEST_F(HttpServerTest, HugeHeadersAre431AndGarbageIs400) {
  HttpServerOptions o;
  o.max_header_bytes = 2048;
  start(o);
  Client c(port_);
  ASSERT_TRUE(c.send(get("/echo", "X-Big: " + std::string(4096, 'h') + "\r\n")));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  Client d(port_);
  ASSERT_TRUE(d.send("THIS IS NOT HTTP\r\n\r\n"));
  auto bad = d.read();
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(d.closed_by_server());
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, ExpectContinueGetsA100First) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  auto cont = c.read();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.send("abc"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.ends_with("|abc"));
}

TEST_F(HttpServerTest, HandlerProblemsBecomeAnswers) {
  HttpServerOptions o;
  o.handler_timeout = 200ms;
  start(o);
  Client c(port_);
  ASSERT_TRUE(c.send(get("/never")));
  auto timeout = c.read();
  ASSERT_TRUE(timeout);
  EXPECT_EQ(timeout->status, 503);
  EXPECT_EQ(timeout->headers["retry-after"], "1");
  ASSERT_TRUE(c.send(get("/drop")));
  auto dropped = c.read();
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->status, 500);
  ASSERT_TRUE(c.send(get("/twice")));
  auto twice = c.read();
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->body, "first");
  ASSERT_TRUE(c.send(get("/throw")));
  auto thrown = c.read();
  ASSERT_TRUE(thrown);
  EXPECT_EQ(thrown->status, 500);
  // The connection survived all of it.
  ASSERT_TRUE(c.send(get("/echo")));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // A late answer to the timed-out request is ignored.
  boost::asio::post(io_, [this] {
    for (auto& respond : kept_) respond(HttpResponse::json(299, "late"));
  });
  ASSERT_TRUE(c.send(get("/echo")));
  auto after = c.read();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send(get("/close")));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(c.closed_by_server());
  Client d(port_);
  ASSERT_TRUE(d.send("GET /echo HTTP/1.0\r\n\r\n"));
  auto old = d.read();
  ASSERT_TRUE(old);
  EXPECT_EQ(old->status, 200);
  EXPECT_TRUE(d.closed_by_server());
}

TEST_F(HttpServerTest, IdleAndSlowClientsAreDisconnected) {
  HttpServerOptions o;
  o.idle_timeout = 200ms;
  o.read_timeout = 300ms;
  start(o);
  Client idle(port_);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  Client slow(port_);
  ASSERT_TRUE(slow.send("GET /echo HTTP/1.1\r\nHost: x\r\n"));  // never finishes its header
  EXPECT_TRUE(slow.closed_by_server());
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, GracefulStopFinishesBusyRequestsAndClosesIdleOnes) {
  start();
  Client idle(port_);
  Client busy(port_);
  ASSERT_TRUE(idle.send(get("/echo")));
  ASSERT_TRUE(idle.read());
  ASSERT_TRUE(busy.send(get("/slow")));
  wait_handled(2);  // the slow request is in the handler
  std::promise<void> done;
  server_->stop([&] { done.set_value(); });
  EXPECT_TRUE(idle.closed_by_server());
  auto r = busy.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(busy.closed_by_server());
  ASSERT_EQ(done.get_future().wait_for(3s), std::future_status::ready);
  stopped_ = true;
  Client late(port_);
  EXPECT_FALSE(late.connected());
  EXPECT_EQ(server_->stats().connections_open, 0u);
}

TEST_F(HttpServerTest, StopGivesUpOnConnectionsAfterTheDrainTimeout) {
  HttpServerOptions o;
  o.drain_timeout = 200ms;
  o.handler_timeout = 5s;
  start(o);
  Client c(port_);
  ASSERT_TRUE(c.send(get("/never")));
  wait_handled(1);
  const auto t0 = std::chrono::steady_clock::now();
  stop_and_wait();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(HttpServerTest, ListenFailsOnATakenPort) {
  start();
  boost::asio::io_context other;
  HttpServerOptions o;
  o.port = port_;
  HttpServer second(other, o, [](HttpRequest, Responder respond) { respond(HttpResponse::json(200, "{}")); });
  EXPECT_THROW(second.listen(), std::runtime_error);
}

}  // namespace
}  // namespace switchboard::http
