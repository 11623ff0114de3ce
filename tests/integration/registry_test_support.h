#pragma once
// Helpers of the registry integration suites: an io_context loop that runs until a
// condition holds, a synchronous wrapper around the stores' callbacks, and access to the
// Redis that scripts/with_redis.sh started (SWITCHBOARD_TEST_REDIS_URL, _PORT, _SERVER).
// Without that environment the tests FAIL (a missing Redis must never turn green).
//
// Only registry_test_support.cpp includes Asio; tests see a forward-declared io_context.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "registry/credential_cipher.h"
#include "registry/integration_store.h"
#include "registry/redis_reply.h"

namespace boost::asio {
class io_context;
}

namespace switchboard::registry::testing {

using namespace std::chrono_literals;

inline constexpr const char* kTestTimeout = "test_timeout";
inline constexpr std::string_view kKeyA = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";
inline constexpr std::string_view kKeyB = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

class TestLoop {
 public:
  TestLoop();
  ~TestLoop();
  boost::asio::io_context& io() { return *io_; }
  // Runs handlers until `done()` or the timeout; true when `done()` held.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  // Runs handlers for that long.
  void run_for(std::chrono::milliseconds duration);

  // Starts an operation and runs the loop until its callback came (or kTestTimeout).
  template <typename T, typename Start>
  Result<T> await(Start start, std::chrono::milliseconds timeout = 5s) {
    std::optional<Result<T>> out;
    start([&out](Result<T> result) { out.emplace(std::move(result)); });
    run_until([&] { return out.has_value(); }, timeout);
    if (!out) return Error{kTestTimeout, "no callback within " + std::to_string(timeout.count()) + " ms"};
    return std::move(*out);
  }

 private:
  std::unique_ptr<boost::asio::io_context> io_;
};

// The Redis of scripts/with_redis.sh. Each records a test failure when the environment is
// missing (and returns an empty value).
std::string redis_url();
int redis_port();
RedisEndpoint redis_endpoint();
bool redis_available();  // all three variables set; records a failure otherwise

// A key prefix no other test (or process) uses: "t:<pid>:<n>:".
std::string unique_prefix();
// A fresh temporary directory, removed by the caller or at exit.
std::filesystem::path temp_dir();

// Runs redis-cli against the test Redis; returns its stdout (trailing newline removed).
std::string redis_cli(const std::string& arguments);
// SHUTDOWN NOSAVE and wait until the port refuses connections.
bool stop_redis();
// Starts redis-server again on the same port (daemonized) and waits for PING.
bool start_redis();

std::shared_ptr<const CredentialCipher> cipher(std::string_view current, std::string_view previous = {});

// A valid delivery integration of org-1/env-1 (email/sendgrid, active), with string, bool
// and object credentials.
Integration sample_integration(const std::string& id, const std::string& identifier,
                               routing::Channel channel = routing::Channel::kEmail, bool active = true,
                               const std::string& env = "env-1", const std::string& org = "org-1");

inline constexpr std::string_view kSecretApiKey = "SG.top-secret-value-1234";

}  // namespace switchboard::registry::testing
