#pragma once
// What the sink answers, counts and records: everything but the sockets. No Beast types,
// so it compiles fast. Not thread-safe: the sink serves on one thread.

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "worker/sink/sink.h"

namespace switchboard::sink {

struct SinkHeader {
  std::string name;  // lower-case
  std::string value;
};

struct SinkRequest {
  std::string method;
  std::string target;
  std::vector<SinkHeader> headers;
  std::string body;

  // The first value of header `lower_name`, or nullptr.
  const std::string* header(std::string_view lower_name) const noexcept;
  std::string_view path() const noexcept;
};

struct SinkResponse {
  int status = 200;
  std::vector<SinkHeader> headers;  // Content-Type etc.; Content-Length is added by the server
  std::string body;
  bool drop = false;                // close the connection without answering
  std::chrono::milliseconds delay{0};
};

// Per connection, kept by the server.
struct SinkConnection {
  std::uint64_t id = 0;
  bool tls = false;
  std::uint64_t requests = 0;  // requests received on it so far (all paths)
  bool counted = false;        // carried a request other than /_sink/*
};

// Request-shape checks of some endpoints (sink_endpoints_*.cpp): empty when the request is
// fine, else the reason. Exposed for tests.
std::string check_sendgrid_request(const SinkRequest& request);
std::string check_twilio_request(const SinkRequest& request, std::string_view account_sid);
std::string check_webhook_request(const SinkRequest& request);

// Random ids for success bodies; deterministic under --seed.
class SinkIds {
 public:
  explicit SinkIds(std::uint64_t seed) : random_(seed) {}
  std::string next(std::string_view prefix, std::size_t hex_digits);
  std::mt19937_64& random() { return random_; }

 private:
  std::mt19937_64 random_;
};

class SinkApp {
 public:
  // Opens the record file (append). Throws std::runtime_error when it cannot.
  explicit SinkApp(const SinkOptions& options);

  void on_accept(bool tls);
  SinkResponse handle(const SinkRequest& request, SinkConnection& connection);
  std::string stats_json() const;

 private:
  void record(const SinkRequest& request, const SinkConnection& connection, const SinkResponse& response);

  SinkOptions options_;
  std::ofstream record_;
  SinkIds ids_;
  std::uint64_t requests_ = 0;
  std::uint64_t accepted_ = 0;
  std::uint64_t accepted_tls_ = 0;
  std::uint64_t connections_ = 0;  // connections that carried a request other than /_sink/*
  std::uint64_t dropped_ = 0;
  std::map<std::string, std::uint64_t> by_endpoint_;
  std::map<int, std::uint64_t> by_status_;
};

}  // namespace switchboard::sink
