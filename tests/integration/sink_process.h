#pragma once
// A real `switchboard sink` process for socket tests: started on free loopback ports (plain
// and TLS, with a fresh self-signed certificate), stopped with SIGTERM by the destructor.
// Needs SWITCHBOARD_BINARY (the switchboard executable). Throws std::runtime_error when the
// sink does not start within 20 s, with what it printed.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#ifndef SWITCHBOARD_BINARY
#error "SWITCHBOARD_BINARY must name the switchboard executable"
#endif

extern char** environ;

namespace switchboard::integration {

class SinkProcess {
 public:
  explicit SinkProcess(std::vector<std::string> extra = {}) {
    char dir_template[] = "/tmp/sb-sink-test-XXXXXX";
    if (!::mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    std::vector<std::string> args = {SWITCHBOARD_BINARY, "sink", "--port", "0", "--tls-port", "0",
                                     "--cert-dir", dir_ + "/certs"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string err_path = dir_ + "/sink.stderr";
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (rc != 0) {
      ::close(out[0]);
      throw std::runtime_error(std::string("cannot start ") + argv[0] + ": " + std::strerror(rc));
    }
    stdout_fd_ = out[0];
    // The sink's first stdout line: {"event":"sink_listening","http_port":..,"https_port":..,"cert":..}
    const std::string line = read_line(std::chrono::seconds(20));
    const nlohmann::json started = nlohmann::json::parse(line, nullptr, false);
    if (started.is_discarded() || !started.contains("http_port")) {
      std::ifstream err(err_path);
      const std::string reason((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
      stop();
      throw std::runtime_error("sink did not start; it printed: '" + line + "' and on stderr: '" + reason + "'");
    }
    http_port_ = started["http_port"].get<int>();
    https_port_ = started.value("https_port", 0);
    cert_ = started.value("cert", "");
  }

  ~SinkProcess() { stop(); }
  SinkProcess(const SinkProcess&) = delete;
  SinkProcess& operator=(const SinkProcess&) = delete;

  std::string url(std::string_view path = "") const {
    return "http://127.0.0.1:" + std::to_string(http_port_) + std::string(path);
  }
  // `host` other than 127.0.0.1 (e.g. "localhost") exercises host-name verification.
  std::string tls_url(std::string_view path = "", std::string_view host = "127.0.0.1") const {
    return "https://" + std::string(host) + ":" + std::to_string(https_port_) + std::string(path);
  }
  // The sink's self-signed certificate (PEM file): the CA a verifying client needs.
  const std::string& cert() const { return cert_; }
  const std::string& dir() const { return dir_; }  // holds certs/ and sink.stderr
  int http_port() const { return http_port_; }

 private:
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    stdout_fd_ = -1;
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string read_line(std::chrono::milliseconds timeout) {
    using Clock = std::chrono::steady_clock;
    std::string line;
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      pollfd p{stdout_fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(left, 1))) <= 0) break;
      char c = 0;
      if (::read(stdout_fd_, &c, 1) != 1) break;
      if (c == '\n') return line;
      line.push_back(c);
    }
    return line;
  }

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string dir_;
  int http_port_ = 0;
  int https_port_ = 0;
  std::string cert_;
};

}  // namespace switchboard::integration
