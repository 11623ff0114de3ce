// `switchboard broker`: runs librdkafka's mock Kafka cluster as a standalone process for
// local runs and tests. Prints the bootstrap servers on stdout (one line) and writes them to
// --bootstrap-file (atomically: temp file + rename), then serves until SIGTERM or SIGINT.
// The file is removed again on a clean shutdown: the ports die with the process.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "worker/cli/commands.h"
#include "worker/kafka/mock_broker.h"

namespace switchboard::cli {

namespace {

struct BrokerOptions {
  int partitions = 6;
  std::string bootstrap_file;
  std::vector<std::string> topics;
  int brokers = 3;
};

// "name" or "name:partitions".
bool parse_topic(const std::string& spec, int default_partitions, kafka::MockTopic& out, std::string& error) {
  const auto colon = spec.rfind(':');
  out.name = spec.substr(0, colon);
  out.partitions = default_partitions;
  if (colon != std::string::npos) {
    try {
      std::size_t used = 0;
      out.partitions = std::stoi(spec.substr(colon + 1), &used);
      if (used != spec.size() - colon - 1) throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      error = "bad topic `" + spec + "`: expected NAME or NAME:PARTITIONS";
      return false;
    }
  }
  if (out.name.empty() || out.partitions < 1) {
    error = "bad topic `" + spec + "`: expected NAME or NAME:PARTITIONS with PARTITIONS >= 1";
    return false;
  }
  return true;
}

bool write_atomically(const std::string& path, const std::string& text, std::string& error) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      error = "cannot write " + tmp;
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot rename " + tmp + " to " + path;
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

int run_broker(const BrokerOptions& options) {
  std::vector<kafka::MockTopic> topics;
  const std::vector<std::string> names = options.topics.empty()
                                             ? std::vector<std::string>{"notifications.events", "notifications.status",
                                                                        "notifications.dlq"}
                                             : options.topics;
  for (const auto& spec : names) {
    kafka::MockTopic topic;
    std::string error;
    if (!parse_topic(spec, options.partitions, topic, error)) {
      std::cerr << "switchboard broker: " << error << "\n";
      return kExitUsage;
    }
    topics.push_back(std::move(topic));
  }

  try {
    // Before any librdkafka thread exists, so that SIGTERM/SIGINT reach only the signalfd.
    kafka::TerminationSignals signals;
    kafka::MockCluster cluster(options.brokers, topics);
    const std::string& bootstrap = cluster.bootstrap_servers();

    std::string error;
    if (!write_atomically(options.bootstrap_file, bootstrap + "\n", error)) {
      std::cerr << "switchboard broker: " << error << "\n";
      return 1;
    }
    std::cout << bootstrap << std::endl;
    std::string described;
    for (const auto& t : topics) {
      if (!described.empty()) described += ", ";
      described += t.name + " (" + std::to_string(t.partitions) + " partitions)";
    }
    std::cerr << "switchboard broker: mock Kafka cluster up: " << options.brokers << " brokers at " << bootstrap
              << "; topics " << described << "; bootstrap written to " << options.bootstrap_file
              << "; pid " << ::getpid() << ", stop with SIGTERM or Ctrl-C" << std::endl;

    const int signo = kafka::serve_until_signal(cluster, signals);
    std::cerr << "switchboard broker: signal " << signo << ", shutting down (all topic data is discarded)"
              << std::endl;
    std::remove(options.bootstrap_file.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "switchboard broker: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_broker_command(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<BrokerOptions>();
  CLI::App* cmd = app.add_subcommand(
      "broker", "Run an in-memory mock Kafka cluster (librdkafka's) on 127.0.0.1 until SIGTERM/SIGINT");
  cmd->add_option("--partitions", options->partitions, "Partitions per topic (unless NAME:PARTITIONS is given)")
      ->required()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--bootstrap-file", options->bootstrap_file,
                  "Where to write the bootstrap servers (host:port,...); removed on shutdown")
      ->required();
  cmd->add_option("--topics", options->topics,
                  "Topics to create, comma-separated NAME or NAME:PARTITIONS "
                  "(default: notifications.events,notifications.status,notifications.dlq)")
      ->delimiter(',');
  cmd->add_option("--brokers", options->brokers, "Number of mock brokers")->check(CLI::Range(1, 16));
  cmd->callback([&runner, options] {
    runner = [options]() -> int { return run_broker(*options); };
  });
}

}  // namespace switchboard::cli
