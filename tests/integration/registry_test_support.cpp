#include "registry_test_support.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace switchboard::registry::testing {
namespace {

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// Runs a shell command, returns stdout.
std::string capture(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

TestLoop::TestLoop() : io_(std::make_unique<boost::asio::io_context>()) {}
TestLoop::~TestLoop() = default;

bool TestLoop::run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (io_->stopped()) io_->restart();
    const auto slice = std::min<std::chrono::steady_clock::duration>(deadline - now, 20ms);
    if (io_->run_one_for(slice) == 0 && io_->stopped()) std::this_thread::sleep_for(1ms);  // nothing to run yet
  }
  return true;
}

void TestLoop::run_for(std::chrono::milliseconds duration) {
  run_until([] { return false; }, duration);
}

bool redis_available() {
  const bool ok = env("SWITCHBOARD_TEST_REDIS_URL") && env("SWITCHBOARD_TEST_REDIS_PORT");
  if (!ok) {
    ADD_FAILURE() << "SWITCHBOARD_TEST_REDIS_URL / SWITCHBOARD_TEST_REDIS_PORT are not set: run this suite through "
                     "scripts/with_redis.sh (ctest does), e.g. scripts/with_redis.sh build/registry_integration_tests";
  }
  return ok;
}

std::string redis_url() { return redis_available() ? env("SWITCHBOARD_TEST_REDIS_URL") : ""; }

int redis_port() { return redis_available() ? std::atoi(env("SWITCHBOARD_TEST_REDIS_PORT")) : 0; }

RedisEndpoint redis_endpoint() {
  const auto endpoint = parse_redis_url(redis_url());
  return endpoint.ok() ? endpoint.value() : RedisEndpoint{"127.0.0.1", 1, 0, "", ""};
}

std::string unique_prefix() {
  static std::atomic<int> counter{0};
  return "t:" + std::to_string(::getpid()) + ":" + std::to_string(++counter) + ":";
}

std::filesystem::path temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sb_registry_test.XXXXXX").string();
  const char* made = ::mkdtemp(pattern.data());
  return made != nullptr ? std::filesystem::path(made) : std::filesystem::temp_directory_path();
}

std::string redis_cli(const std::string& arguments) {
  return capture("redis-cli -h 127.0.0.1 -p " + std::to_string(redis_port()) + " " + arguments + " 2>&1");
}

bool stop_redis() {
  redis_cli("shutdown nosave");
  for (int i = 0; i < 100; ++i) {
    if (redis_cli("ping") != "PONG") return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

bool start_redis() {
  const char* server = env("SWITCHBOARD_TEST_REDIS_SERVER");
  const std::string binary = server != nullptr ? server : "redis-server";
  const std::string command = binary + " --port " + std::to_string(redis_port()) +
                              " --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir /tmp"
                              " --logfile '' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) return false;
  for (int i = 0; i < 100; ++i) {
    if (redis_cli("ping") == "PONG") return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

std::shared_ptr<const CredentialCipher> cipher(std::string_view current, std::string_view previous) {
  auto made = CredentialCipher::from_keys(current, previous);
  if (!made.ok()) {
    ADD_FAILURE() << made.error().message;
    return nullptr;
  }
  return std::make_shared<const CredentialCipher>(std::move(made).value());
}

Integration sample_integration(const std::string& id, const std::string& identifier, routing::Channel channel,
                               bool active, const std::string& env, const std::string& org) {
  Integration integration;
  integration.id = id;
  integration.organization_id = org;
  integration.environment_id = env;
  integration.name = "Integration " + id;
  integration.identifier = identifier;
  switch (channel) {
    case routing::Channel::kEmail:
      integration.provider_id = "sendgrid";
      break;
    case routing::Channel::kSms:
      integration.provider_id = "twilio";
      break;
    case routing::Channel::kChat:
      integration.provider_id = "slack";
      break;
    case routing::Channel::kPush:
      integration.provider_id = "fcm";
      break;
    case routing::Channel::kInApp:
      integration.provider_id = "novu";
      break;
  }
  integration.channel = channel;
  integration.active = active;
  integration.credentials = std::vector<routing::Credential>{
      {"apiKey", routing::Credential::Type::kString, std::string(kSecretApiKey)},
      {"secure", routing::Credential::Type::kBool, "true"},
      {"tlsOptions", routing::Credential::Type::kObject, R"({"ciphers":[],"opts":{}})"}};
  integration.created_at = routing::parse_timestamp("2026-11-22T10:00:00.000Z");
  integration.updated_at = integration.created_at;
  return integration;
}

}  // namespace switchboard::registry::testing
