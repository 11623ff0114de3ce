// api_load: load generator for `switchboard api` (bench/api_load.sh runs the whole setup).
// N keep-alive connections on loopback, one request in flight each, driven by one epoll
// thread (so the client takes as little of the shared cores as possible). Two phases:
//   1. creates: POST /v1/integrations with unique identifiers, for --create-seconds;
//   2. gets:    GET /v1/integrations/{id} over the created ids, for --get-seconds.
// Prints one JSON object: per phase the answered requests, rate, errors and latency
// percentiles (from sending the request to reading the whole answer).
//
// Raw sockets and a minimal HTTP/1.1 parser (Content-Length answers only), no Beast:
// this compiles in seconds and measures the server, not a client library.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string key;
  int connections = 8;
  double create_seconds = 3;
  double get_seconds = 5;
  double warmup_seconds = 0.5;  // of the get phase, not counted
};

struct PhaseStats {
  std::uint64_t ok = 0;
  std::uint64_t errors = 0;
  std::vector<double> latencies_us;
  double seconds = 0;
};

struct Connection {
  int fd = -1;
  std::string out;
  std::size_t sent = 0;
  std::string in;
  Clock::time_point started;
  bool busy = false;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "api_load: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

int connect_to(const Options& o) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(o.port));
  if (::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1) die("bad --host (an IPv4 address)");
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("connect");
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// A complete answer at the front of `in`: its status and body; consumed from `in`.
bool take_response(std::string& in, int& status, std::string& body) {
  const std::size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  std::size_t length = 0;
  for (std::size_t pos = in.find("\r\n"); pos < head_end; pos = in.find("\r\n", pos + 2)) {
    static constexpr std::string_view kName = "content-length:";
    if (head_end - pos - 2 < kName.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < kName.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(in[pos + 2 + i])) == kName[i];
    }
    if (match) length = std::strtoul(in.c_str() + pos + 2 + kName.size(), nullptr, 10);
  }
  if (in.size() < head_end + 4 + length) return false;
  status = std::atoi(in.c_str() + 9);
  body.assign(in, head_end + 4, length);
  in.erase(0, head_end + 4 + length);
  return true;
}

// Runs one phase: every connection sends make_request(conn index), gets the answer, and
// again, until `seconds` pass. `on_answer` sees every answer.
PhaseStats run_phase(const Options& o, std::vector<Connection>& conns, int epoll_fd, double seconds,
                     double warmup_seconds, const std::function<std::string(int)>& make_request,
                     const std::function<bool(int status, const std::string& body)>& on_answer) {
  PhaseStats stats;
  const auto begin = Clock::now();
  const auto counted_from = begin + std::chrono::duration<double>(warmup_seconds);
  const auto end = counted_from + std::chrono::duration<double>(seconds);
  auto send_next = [&](int i) {
    Connection& c = conns[static_cast<std::size_t>(i)];
    c.out = make_request(i);
    c.sent = 0;
    c.busy = true;
    c.started = Clock::now();
    const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n > 0)
      c.sent = static_cast<std::size_t>(n);
    else if (errno != EAGAIN)
      die("send");
    epoll_event ev{};
    ev.events = EPOLLIN | (c.sent < c.out.size() ? EPOLLOUT : 0u);
    ev.data.u32 = static_cast<std::uint32_t>(i);
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev);
  };
  for (int i = 0; i < o.connections; ++i) send_next(i);
  std::vector<epoll_event> events(static_cast<std::size_t>(o.connections));
  char buffer[65536];
  std::string body;
  std::size_t busy = static_cast<std::size_t>(o.connections);
  while (busy > 0) {
    const int n = ::epoll_wait(epoll_fd, events.data(), o.connections, 1000);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int e = 0; e < n; ++e) {
      const int i = static_cast<int>(events[static_cast<std::size_t>(e)].data.u32);
      Connection& c = conns[static_cast<std::size_t>(i)];
      if (events[static_cast<std::size_t>(e)].events & EPOLLOUT && c.sent < c.out.size()) {
        const ssize_t w = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
        if (w > 0) c.sent += static_cast<std::size_t>(w);
        if (c.sent == c.out.size()) {
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.u32 = static_cast<std::uint32_t>(i);
          ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev);
        }
      }
      for (;;) {
        const ssize_t r = ::recv(c.fd, buffer, sizeof buffer, 0);
        if (r > 0) {
          c.in.append(buffer, static_cast<std::size_t>(r));
          continue;
        }
        if (r == 0) die("the server closed a connection");
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        die("recv");
      }
      int status = 0;
      while (c.busy && take_response(c.in, status, body)) {
        const auto now = Clock::now();
        c.busy = false;
        if (c.started >= counted_from && now <= end) {
          if (on_answer(status, body)) {
            ++stats.ok;
          } else {
            ++stats.errors;
          }
          stats.latencies_us.push_back(std::chrono::duration<double, std::micro>(now - c.started).count());
        } else {
          on_answer(status, body);
        }
        if (now < end) {
          send_next(i);
        } else {
          --busy;
        }
      }
    }
  }
  stats.seconds = seconds;
  return stats;
}

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

std::string phase_json(const char* name, PhaseStats& s) {
  std::sort(s.latencies_us.begin(), s.latencies_us.end());
  char line[512];
  std::snprintf(line, sizeof line,
                "\"%s\":{\"ok\":%llu,\"errors\":%llu,\"seconds\":%.2f,\"per_second\":%.0f,\"p50_ms\":%.3f,"
                "\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}",
                name, static_cast<unsigned long long>(s.ok), static_cast<unsigned long long>(s.errors), s.seconds,
                static_cast<double>(s.ok) / s.seconds, percentile(s.latencies_us, 0.50) / 1000,
                percentile(s.latencies_us, 0.90) / 1000, percentile(s.latencies_us, 0.99) / 1000,
                s.latencies_us.empty() ? 0.0 : s.latencies_us.back() / 1000);
  return line;
}

void usage() {
  std::fprintf(stderr,
               "usage: api_load --port P --key API_KEY [--host 127.0.0.1] [--connections 8]\n"
               "                [--create-seconds 3] [--get-seconds 5] [--warmup-seconds 0.5]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage();
    const std::string value = argv[++i];
    if (arg == "--port")
      o.port = std::atoi(value.c_str());
    else if (arg == "--host")
      o.host = value;
    else if (arg == "--key")
      o.key = value;
    else if (arg == "--connections")
      o.connections = std::max(1, std::atoi(value.c_str()));
    else if (arg == "--create-seconds")
      o.create_seconds = std::atof(value.c_str());
    else if (arg == "--get-seconds")
      o.get_seconds = std::atof(value.c_str());
    else if (arg == "--warmup-seconds")
      o.warmup_seconds = std::atof(value.c_str());
    else
      usage();
  }
  if (o.key.empty()) usage();

  std::vector<Connection> conns(static_cast<std::size_t>(o.connections));
  const int epoll_fd = ::epoll_create1(0);
  for (int i = 0; i < o.connections; ++i) {
    conns[static_cast<std::size_t>(i)].fd = connect_to(o);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, conns[static_cast<std::size_t>(i)].fd, &ev);
  }
  const std::string auth = "Authorization: ApiKey " + o.key + "\r\n";
  std::mt19937_64 rng(std::random_device{}());
  char run[17];
  std::snprintf(run, sizeof run, "%016llx", static_cast<unsigned long long>(rng()));

  // Phase 1: creates (chat integrations: no primary bookkeeping, unique identifiers).
  std::uint64_t sequence = 0;
  std::vector<std::string> ids;
  auto create_request = [&](int) {
    const std::string body = std::string(R"({"name":"Load test","identifier":"load-)") + run + "-" +
                             std::to_string(sequence++) +
                             R"(","providerId":"slack","channel":"chat","credentials":{"webhookUrl":)"
                             R"("https://hooks.example.test/load"},"active":true,"priority":1})";
    return "POST /v1/integrations HTTP/1.1\r\nHost: " + o.host + "\r\n" + auth +
           "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  auto on_created = [&](int status, const std::string& body) {
    if (status != 201) return false;
    const std::size_t at = body.find("\"_id\":\"");
    if (at != std::string::npos) ids.push_back(body.substr(at + 7, 24));
    return true;
  };
  PhaseStats creates = run_phase(o, conns, epoll_fd, o.create_seconds, 0, create_request, on_created);
  if (ids.empty()) {
    std::fprintf(stderr, "api_load: no integration was created (wrong --key or port?)\n");
    return 1;
  }

  // Phase 2: gets of random created ids.
  std::uniform_int_distribution<std::size_t> pick(0, ids.size() - 1);
  auto get_request = [&](int) {
    return "GET /v1/integrations/" + ids[pick(rng)] + " HTTP/1.1\r\nHost: " + o.host + "\r\n" + auth + "\r\n";
  };
  auto on_got = [](int status, const std::string&) { return status == 200; };
  PhaseStats gets = run_phase(o, conns, epoll_fd, o.get_seconds, o.warmup_seconds, get_request, on_got);

  std::printf("{\"connections\":%d,\"integrations\":%zu,%s,%s}\n", o.connections, ids.size(),
              phase_json("create", creates).c_str(), phase_json("get", gets).c_str());
  for (auto& c : conns) ::close(c.fd);
  ::close(epoll_fd);
  return (creates.errors || gets.errors) ? 1 : 0;
}
