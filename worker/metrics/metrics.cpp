#include "worker/metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace switchboard::metrics {

namespace {

void atomic_add(std::atomic<double>& target, double d) noexcept {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + d, std::memory_order_relaxed)) {
  }
}

std::string format_number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void append_escaped_label(std::string& out, const std::string& value) {
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

void append_labels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const char* extra_name = nullptr, const std::string& extra_value = {}) {
  if (names.empty() && extra_name == nullptr) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    append_escaped_label(out, values[i]);
    out += '"';
  }
  if (extra_name != nullptr) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void append_header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void Gauge::add(double d) noexcept { atomic_add(value_, d); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::observe(double v) noexcept {
  const std::size_t i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
}

std::vector<double> duration_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  counters_.push_back(std::make_unique<Family<Counter>>(name, help, std::move(labels),
                                                        [] { return std::make_unique<Counter>(); }));
  return *counters_.back();
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  gauges_.push_back(
      std::make_unique<Family<Gauge>>(name, help, std::move(labels), [] { return std::make_unique<Gauge>(); }));
  return *gauges_.back();
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                                       std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  histograms_.push_back(std::make_unique<Family<Histogram>>(
      name, help, std::move(labels), [bounds] { return std::make_unique<Histogram>(bounds); }));
  return *histograms_.back();
}

void Registry::collect(const std::string& name, const std::string& help, std::vector<std::string> labels,
                       Collector fn) {
  std::lock_guard lock(mutex_);
  collected_.push_back(Collected{
      std::make_unique<Family<Gauge>>(name, help, std::move(labels), [] { return std::make_unique<Gauge>(); }),
      std::move(fn)});
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& family : counters_) {
    append_header(out, family->name(), family->help(), "counter");
    family->for_each([&](const std::vector<std::string>& labels, const Counter& c) {
      out += family->name();
      append_labels(out, family->label_names(), labels);
      out += ' ' + std::to_string(c.value()) + '\n';
    });
  }
  auto render_gauges = [&](const Family<Gauge>& family) {
    append_header(out, family.name(), family.help(), "gauge");
    family.for_each([&](const std::vector<std::string>& labels, const Gauge& g) {
      out += family.name();
      append_labels(out, family.label_names(), labels);
      out += ' ' + format_number(g.value()) + '\n';
    });
  };
  for (const auto& family : gauges_) render_gauges(*family);
  for (const auto& c : collected_) {
    c.family->clear();
    c.fn(*c.family);
    render_gauges(*c.family);
  }
  for (const auto& family : histograms_) {
    append_header(out, family->name(), family->help(), "histogram");
    family->for_each([&](const std::vector<std::string>& labels, const Histogram& h) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i <= h.bounds().size(); ++i) {
        cumulative += h.bucket_count(i);
        out += family->name() + "_bucket";
        append_labels(out, family->label_names(), labels, "le",
                      i < h.bounds().size() ? format_number(h.bounds()[i]) : "+Inf");
        out += ' ' + std::to_string(cumulative) + '\n';
      }
      out += family->name() + "_sum";
      append_labels(out, family->label_names(), labels);
      out += ' ' + format_number(h.sum()) + '\n';
      out += family->name() + "_count";
      append_labels(out, family->label_names(), labels);
      out += ' ' + std::to_string(h.count()) + '\n';
    });
  }
  return out;
}

}  // namespace switchboard::metrics
