#include "worker/loadgen/load_runner.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "worker/kafka/consumer.h"
#include "worker/kafka/producer.h"
#include "worker/loadgen/event_generator.h"
#include "worker/loadgen/status_matcher.h"

namespace switchboard::loadgen {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds kTick{5};
constexpr std::uint64_t kMaxBatch = 5000;         // per tick: the consumer gets its turn between batches
constexpr std::size_t kMaxInFlight = 20000;       // --rate max: unacknowledged events at most
constexpr int kWarmupEvents = 32;

std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// VmRSS of `pid` in MB; NaN when the process is gone.
double rss_mb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::string run_prefix(std::uint64_t seed) {
  std::random_device entropy;
  std::mt19937_64 rng((static_cast<std::uint64_t>(entropy()) << 32) ^ entropy() ^ seed ^
                      static_cast<std::uint64_t>(::getpid()));
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out = "lg-";
  for (int i = 0; i < 8; ++i) out += kAlphabet[rng() % (sizeof kAlphabet - 1)];
  return out + "-";
}

class LoadRun {
 public:
  LoadRun(const LoadOptions& options, std::ostream& progress)
      : options_(options),
        progress_(progress),
        ids_(run_prefix(options.seed)),
        generator_(options.mix, ids_, options.seed),
        tick_(io_),
        second_(io_),
        deadline_(io_),
        signals_(io_, SIGINT, SIGTERM) {}

  RunReport run() {
    std::map<std::string, std::string> common{{"bootstrap.servers", options_.brokers}};
    std::map<std::string, std::string> producer_config = common;
    producer_config["linger.ms"] = "10";
    producer_ = std::make_unique<kafka::KafkaProducer>(io_, producer_config, [this](std::error_code ec, std::string_view m) {
      progress_ << "loadgen: producer: " << ec.message() << ": " << m << "\n";
    });
    std::map<std::string, std::string> consumer_config = common;
    consumer_config["group.id"] = "loadgen-" + ids_.prefix();
    consumer_config["auto.offset.reset"] = "latest";
    consumer_config["fetch.wait.max.ms"] = "5";
    consumer_config["session.timeout.ms"] = "6000";
    consumer_config["heartbeat.interval.ms"] = "500";
    kafka::ConsumerCallbacks callbacks;
    callbacks.on_message = [this](const kafka::ConsumedMessage& m) { on_status(m.payload); };
    callbacks.on_assign = [this](const std::vector<kafka::TopicPartition>&) { on_assigned(); };
    callbacks.on_error = [this](std::error_code ec, std::string_view m) {
      progress_ << "loadgen: status consumer: " << ec.message() << ": " << m << "\n";
    };
    consumer_ = std::make_unique<kafka::KafkaConsumer>(io_, consumer_config, std::move(callbacks));
    if (const auto ec = consumer_->subscribe({options_.status_topic})) {
      throw std::runtime_error("cannot subscribe to " + options_.status_topic + ": " + ec.message());
    }
    warm_up();
    deadline_.expires_after(std::chrono::duration_cast<milliseconds>(std::chrono::duration<double>(options_.join_timeout_s)));
    deadline_.async_wait([this](boost::system::error_code ec) {
      if (ec || started_) return;
      failure_ = "the status consumer got no partitions of " + options_.status_topic + " within " +
                 std::to_string(static_cast<int>(options_.join_timeout_s)) + " s: is the broker at " + options_.brokers +
                 " up?";
      finish();
    });
    signals_.async_wait([this](boost::system::error_code ec, int) { on_signal(ec); });
    io_.run();
    if (!failure_.empty()) throw std::runtime_error(failure_);
    return report();
  }

 private:
  // Events outside the run's id prefix: their statuses are `foreign`, never counted.
  void warm_up() {
    EventGenerator warm(options_.mix, EventIds(ids_.prefix() + "warmup-"), options_.seed + 1);
    std::string buf;
    for (int i = 0; i < kWarmupEvents; ++i) {
      warm.next(static_cast<std::uint64_t>(i), wall_us() / 1000, buf);
      producer_->produce(options_.events_topic, "warm-" + std::to_string(i), buf, std::span<const kafka::HeaderRef>{},
                         [](const kafka::DeliveryResult&) {});
    }
  }

  void on_assigned() {
    if (assigned_) return;
    assigned_ = true;
    // The consumer resolves "latest" after the assignment: give it a moment before producing.
    tick_.expires_after(milliseconds(1000));
    tick_.async_wait([this](boost::system::error_code ec) {
      if (!ec) start();
    });
  }

  void start() {
    started_ = true;
    deadline_.cancel();
    start_us_ = wall_us();
    start_ = steady_clock::now();
    matcher_.emplace(ids_, generator_.channel_names(), start_us_);
    for (const auto& p : options_.sample) gauges_.push_back({"rss_mb_" + p.label, "MB", {}});
    gauges_.push_back({"lag", "events without a status", {}});
    next_tick_ = start_;
    schedule_tick();
    schedule_second(1);
  }

  void schedule_tick() {
    next_tick_ += kTick;
    tick_.expires_at(next_tick_);
    tick_.async_wait([this](boost::system::error_code ec) {
      if (ec || producing_done_) return;
      produce_due();
      if (!producing_done_) schedule_tick();
    });
  }

  void produce_due() {
    const double elapsed = std::chrono::duration<double>(steady_clock::now() - start_).count();
    if (elapsed >= options_.duration_s || stop_requested_) return end_producing();
    std::uint64_t due;
    if (options_.rate > 0) {
      due = static_cast<std::uint64_t>(options_.rate * elapsed);
    } else {
      const std::size_t waiting = producer_->health().awaiting_callback;
      due = produced_ + (waiting < kMaxInFlight ? kMaxInFlight - waiting : 0);
    }
    if (options_.max_events > 0) due = std::min(due, options_.max_events);
    const std::uint64_t batch = std::min(due > produced_ ? due - produced_ : 0, kMaxBatch);
    for (std::uint64_t i = 0; i < batch; ++i) produce_one();
    if (options_.max_events > 0 && produced_ >= options_.max_events) end_producing();
  }

  void produce_one() {
    const std::uint64_t sequence = produced_++;
    const std::int64_t now = wall_us();
    const GeneratedEvent g = generator_.next(sequence, now / 1000, buffer_);
    matcher_->expect(sequence, now, g.channel, g.invalid);
    last_produced_ = steady_clock::now();
    // The id as key spreads the events over the partitions.
    key_.clear();
    ids_.append(key_, sequence);
    producer_->produce(options_.events_topic, key_, buffer_, std::span<const kafka::HeaderRef>{},
                       [this, sequence](const kafka::DeliveryResult& r) {
      if (!r.error) return;
      ++produce_errors_;
      if (!r.possibly_persisted) matcher_->withdraw(sequence);
    });
  }

  void end_producing() {
    if (producing_done_) return;
    producing_done_ = true;
    tick_.cancel();
    producer_->flush(milliseconds(static_cast<long>(options_.drain_timeout_s * 1000)), [](std::error_code) {});
    drain_deadline_ = steady_clock::now() + std::chrono::duration_cast<steady_clock::duration>(
                                                std::chrono::duration<double>(options_.drain_timeout_s));
    progress_ << "loadgen: produced " << produced_ << " events; draining (up to " << options_.drain_timeout_s
              << " s for the remaining " << matcher_->pending() << ")\n";
    check_drained();
  }

  void check_drained() {
    const bool all_done = matcher_->pending() == 0 && producer_->health().awaiting_callback == 0;
    if (all_done || steady_clock::now() >= drain_deadline_ || stop_now_) return finish();
    tick_.expires_after(milliseconds(20));
    tick_.async_wait([this](boost::system::error_code ec) {
      if (!ec) check_drained();
    });
  }

  void schedule_second(std::size_t n) {
    second_.expires_at(start_ + std::chrono::seconds(n));
    second_.async_wait([this, n](boost::system::error_code ec) {
      if (ec || finished_) return;
      on_second(n);
      schedule_second(n + 1);
    });
  }

  void on_second(std::size_t n) {
    const Accounting& a = matcher_->accounting();
    for (std::size_t i = 0; i < options_.sample.size(); ++i) gauges_[i].values.push_back(rss_mb(options_.sample[i].pid));
    gauges_.back().values.push_back(static_cast<double>(matcher_->pending()));
    const std::uint64_t sent_now = produced_ - produced_at_last_second_;
    produced_at_last_second_ = produced_;
    char line[256];
    std::snprintf(line, sizeof line,
                  "loadgen: %3zus sent %llu (%llu/s) statuses %llu done %llu (%llu/s) p99 %.1f ms lag %llu%s\n", n,
                  static_cast<unsigned long long>(produced_), static_cast<unsigned long long>(sent_now),
                  static_cast<unsigned long long>(a.statuses), static_cast<unsigned long long>(a.done),
                  static_cast<unsigned long long>(a.done - done_at_last_second_), a.latency.percentile(99) / 1000.0,
                  static_cast<unsigned long long>(matcher_->pending()), producing_done_ ? " (draining)" : "");
    done_at_last_second_ = a.done;
    progress_ << line << std::flush;
  }

  void on_status(std::string_view payload) {
    if (!matcher_) return;  // before the start: another run's or a warm-up status
    StatusFields fields;
    if (!reader_.parse(payload, fields)) {
      ++malformed_;
      return;
    }
    const std::int64_t now = wall_us();
    if (matcher_->on_status(fields, now) == MatchOutcome::kDone) last_done_us_ = now;
  }

  void on_signal(boost::system::error_code ec) {
    if (ec) return;
    if (!started_ || stop_requested_) {
      stop_now_ = true;
      if (!started_) failure_ = "interrupted before the start";
      if (!started_ || producing_done_) return finish();
    }
    stop_requested_ = true;
    progress_ << "loadgen: signal: stopping production (again to skip the drain)\n";
    signals_.async_wait([this](boost::system::error_code e, int) { on_signal(e); });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    end_us_ = wall_us();
    tick_.cancel();
    second_.cancel();
    deadline_.cancel();
    signals_.cancel();
    consumer_->close({}, milliseconds(3000), [this](std::error_code) {
      // The producer's pending callbacks (if the drain timed out) are dropped with it.
      producer_.reset();
      io_.stop();
    });
  }

  RunReport report() const {
    RunReport r;
    r.started_at.clear();
    append_iso_ms(r.started_at, start_us_ / 1000);
    r.brokers = options_.brokers;
    r.events_topic = options_.events_topic;
    r.status_topic = options_.status_topic;
    r.mix_file = options_.mix_file;
    r.offered_rate = options_.rate;
    r.produce_seconds = produced_ > 0 ? std::chrono::duration<double>(last_produced_ - start_).count() : 0;
    r.elapsed_seconds = static_cast<double>(end_us_ - start_us_) / 1e6;
    r.last_done_seconds = static_cast<double>((last_done_us_ > 0 ? last_done_us_ : end_us_) - start_us_) / 1e6;
    r.produced = produced_;
    r.produce_errors = produce_errors_;
    r.accounting = matcher_->accounting();
    r.lost = matcher_->pending();
    r.lost_ids = matcher_->lost_ids(20);
    r.gauges = gauges_;
    r.malformed_statuses = malformed_;
    return r;
  }

  const LoadOptions& options_;
  std::ostream& progress_;
  EventIds ids_;
  EventGenerator generator_;
  asio::io_context io_;
  asio::steady_timer tick_, second_, deadline_;
  asio::signal_set signals_;
  std::unique_ptr<kafka::KafkaProducer> producer_;
  std::unique_ptr<kafka::KafkaConsumer> consumer_;
  std::optional<StatusMatcher> matcher_;
  StatusReader reader_;
  std::string buffer_, key_;
  std::vector<GaugeSeries> gauges_;
  std::string failure_;
  bool assigned_ = false, started_ = false, producing_done_ = false, finished_ = false;
  bool stop_requested_ = false, stop_now_ = false;
  steady_clock::time_point start_, next_tick_, last_produced_, drain_deadline_;
  std::int64_t start_us_ = 0, end_us_ = 0, last_done_us_ = 0;
  std::uint64_t produced_ = 0, produce_errors_ = 0, malformed_ = 0;
  std::uint64_t produced_at_last_second_ = 0, done_at_last_second_ = 0;
};

}  // namespace

RunReport run_load(const LoadOptions& options, std::ostream& progress) {
  LoadRun run(options, progress);
  return run.run();
}

}  // namespace switchboard::loadgen
