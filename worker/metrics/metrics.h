#pragma once
// Prometheus metrics: counters, gauges and histograms with labels, rendered in the text
// exposition format. Updating a metric is a relaxed atomic operation, safe from any
// thread; creating a labelled child takes a mutex, so hot paths look a child up once and
// keep the reference (children live as long as the registry).

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace switchboard::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept;
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v) noexcept;
  const std::vector<double>& bounds() const noexcept { return bounds_; }
  std::uint64_t bucket_count(std::size_t i) const noexcept { return counts_[i].load(std::memory_order_relaxed); }
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Buckets in seconds from 100 µs to 10 s, for durations.
std::vector<double> duration_buckets();

template <typename Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<Metric>()> make)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), make_(std::move(make)) {}

  // The child for these label values (in label_names order); created on first use.
  Metric& with(const std::vector<std::string>& label_values);

  // Drops every child (collectors rebuild theirs on each scrape, so gone labels vanish).
  void clear() {
    std::lock_guard lock(mutex_);
    children_.clear();
  }

  const std::string& name() const noexcept { return name_; }
  const std::string& help() const noexcept { return help_; }
  const std::vector<std::string>& label_names() const noexcept { return label_names_; }
  // Calls fn(label_values, metric) for every child, in label order.
  template <typename Fn>
  void for_each(Fn fn) const {
    std::lock_guard lock(mutex_);
    for (const auto& [labels, metric] : children_) fn(labels, *metric);
  }

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

template <typename Metric>
Metric& Family<Metric>::with(const std::vector<std::string>& label_values) {
  std::lock_guard lock(mutex_);
  auto& slot = children_[label_values];
  if (!slot) slot = make_();
  return *slot;
}

class Registry {
 public:
  Family<Counter>& counter(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  Family<Gauge>& gauge(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  Family<Histogram>& histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                               std::vector<std::string> labels = {});
  // Gauges computed when scraped (snapshot age, consumer lag): fn appends its samples.
  using Collector = std::function<void(Family<Gauge>&)>;
  void collect(const std::string& name, const std::string& help, std::vector<std::string> labels, Collector fn);

  // The text exposition format (version 0.0.4).
  std::string render() const;

 private:
  struct Collected {
    std::unique_ptr<Family<Gauge>> family;
    Collector fn;
  };
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family<Counter>>> counters_;
  std::vector<std::unique_ptr<Family<Gauge>>> gauges_;
  std::vector<std::unique_ptr<Family<Histogram>>> histograms_;
  std::vector<Collected> collected_;
};

}  // namespace switchboard::metrics
