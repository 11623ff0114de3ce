// report.html: the report as one self-contained page (inline CSS and SVG, no script), so it
// opens from a CI artifact or a laptop without a network.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "worker/loadgen/report.h"

namespace switchboard::loadgen {
namespace {

struct Series {
  std::string name;
  std::string color;
  std::vector<double> values;  // NaN: gap
};

std::string escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v, int decimals = 1) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// 1, 2, 5 x 10^n at or above `v`: a readable axis maximum.
double nice_ceiling(double v) {
  if (!(v > 0)) return 1;
  const double base = std::pow(10.0, std::floor(std::log10(v)));
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * base >= v) return m * base;
  }
  return 10 * base;
}

constexpr int kWidth = 860, kHeight = 260, kLeft = 70, kRight = 150, kTop = 30, kBottom = 40;

// A line chart over seconds; each series a polyline (gaps split it), legend on the right.
std::string line_chart(const std::string& title, const std::string& y_label, const std::vector<Series>& series) {
  std::size_t n = 0;
  double top = 0;
  for (const auto& s : series) {
    n = std::max(n, s.values.size());
    for (const double v : s.values) {
      if (!std::isnan(v)) top = std::max(top, v);
    }
  }
  top = nice_ceiling(top);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const auto x_of = [&](std::size_t i) { return kLeft + (n > 1 ? plot_w * i / (n - 1) : 0); };
  const auto y_of = [&](double v) { return kTop + plot_h - plot_h * v / top; };
  std::string svg = "<svg xmlns='http://www.w3.org/2000/svg' width='" + std::to_string(kWidth) + "' height='" +
                    std::to_string(kHeight) + "' role='img'><title>" + escape(title) + "</title>";
  svg += "<text x='" + std::to_string(kLeft) + "' y='18' class='t'>" + escape(title) + "</text>";
  for (int k = 0; k <= 4; ++k) {
    const double v = top * k / 4;
    const double y = y_of(v);
    svg += "<line x1='" + num(kLeft) + "' x2='" + num(kLeft + plot_w) + "' y1='" + num(y) + "' y2='" + num(y) +
           "' class='g'/><text x='" + num(kLeft - 6) + "' y='" + num(y + 4) + "' class='yl'>" +
           num(v, top < 10 ? 2 : 0) + "</text>";
  }
  const std::size_t step = std::max<std::size_t>(1, static_cast<std::size_t>(nice_ceiling(n / 10.0)));
  for (std::size_t i = 0; i < n; i += step) {
    svg += "<text x='" + num(x_of(i)) + "' y='" + num(kTop + plot_h + 16) + "' class='xl'>" + std::to_string(i) +
           "</text>";
  }
  svg += "<text x='" + num(kLeft + plot_w / 2) + "' y='" + num(kHeight - 4) + "' class='xl'>second of the run</text>";
  svg += "<text x='14' y='" + num(kTop + plot_h / 2) + "' class='xl' transform='rotate(-90 14 " +
         num(kTop + plot_h / 2) + ")'>" + escape(y_label) + "</text>";
  for (std::size_t s = 0; s < series.size(); ++s) {
    std::string points;
    const auto flush = [&] {
      if (!points.empty()) {
        svg += "<polyline fill='none' stroke='" + series[s].color + "' stroke-width='1.6' points='" + points + "'/>";
      }
      points.clear();
    };
    for (std::size_t i = 0; i < series[s].values.size(); ++i) {
      const double v = series[s].values[i];
      if (std::isnan(v)) {
        flush();
        continue;
      }
      points += num(x_of(i)) + "," + num(y_of(v)) + " ";
    }
    flush();
    const double ly = kTop + 14.0 + 18.0 * s;
    svg += "<rect x='" + num(kWidth - kRight + 12) + "' y='" + num(ly - 9) + "' width='12' height='3' fill='" +
           series[s].color + "'/><text x='" + num(kWidth - kRight + 30) + "' y='" + num(ly - 4) + "' class='lg'>" +
           escape(series[s].name) + "</text>";
  }
  return svg + "</svg>";
}

// The latency distribution: the histogram's buckets regrouped into bars of equal width on a
// log axis, between the smallest and largest latency.
std::string histogram_chart(const LatencyHistogram& h) {
  if (h.count() == 0) return "<p>No latency recorded.</p>";
  const double lo = std::max(1.0, static_cast<double>(h.min())), hi = std::max(lo * 1.01, static_cast<double>(h.max()) + 1);
  constexpr int kBars = 48;
  std::vector<std::uint64_t> bars(kBars, 0);
  const double span = std::log(hi / lo);
  for (const auto& b : h.buckets()) {
    const double mid = std::max(lo, (static_cast<double>(b.lower) + static_cast<double>(b.upper)) / 2);
    const int i = std::clamp(static_cast<int>(std::log(mid / lo) / span * kBars), 0, kBars - 1);
    bars[static_cast<std::size_t>(i)] += b.count;
  }
  const double top = static_cast<double>(*std::max_element(bars.begin(), bars.end()));
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom, bar_w = plot_w / kBars;
  std::string svg = "<svg xmlns='http://www.w3.org/2000/svg' width='" + std::to_string(kWidth) + "' height='" +
                    std::to_string(kHeight) + "' role='img'><title>Latency histogram</title>";
  svg += "<text x='" + std::to_string(kLeft) + "' y='18' class='t'>Latency histogram (events; log scale of ms)</text>";
  for (int i = 0; i < kBars; ++i) {
    const double height = top > 0 ? plot_h * static_cast<double>(bars[static_cast<std::size_t>(i)]) / top : 0;
    svg += "<rect x='" + num(kLeft + bar_w * i + 0.5) + "' y='" + num(kTop + plot_h - height) + "' width='" +
           num(bar_w - 1) + "' height='" + num(height) + "' fill='#4c78a8'><title>" +
           num(lo * std::exp(span * i / kBars) / 1000, 3) + "-" + num(lo * std::exp(span * (i + 1) / kBars) / 1000, 3) +
           " ms: " + std::to_string(bars[static_cast<std::size_t>(i)]) + "</title></rect>";
  }
  for (int k = 0; k <= 6; ++k) {
    const double v = lo * std::exp(span * k / 6);
    svg += "<text x='" + num(kLeft + plot_w * k / 6) + "' y='" + num(kTop + plot_h + 16) + "' class='xl'>" +
           num(v / 1000, v < 10000 ? 2 : 0) + "</text>";
  }
  svg += "<text x='" + num(kLeft + plot_w / 2) + "' y='" + num(kHeight - 4) + "' class='xl'>latency, ms</text>";
  svg += "<text x='" + num(kLeft - 6) + "' y='" + num(kTop + 4) + "' class='yl'>" + std::to_string(static_cast<std::uint64_t>(top)) +
         "</text>";
  return svg + "</svg>";
}

std::string latency_row(const std::string& name, const LatencyHistogram& h) {
  return "<tr><td>" + escape(name) + "</td><td>" + std::to_string(h.count()) + "</td><td>" +
         num(h.percentile(50) / 1000, 2) + "</td><td>" + num(h.percentile(90) / 1000, 2) + "</td><td>" +
         num(h.percentile(99) / 1000, 2) + "</td><td>" + num(h.percentile(99.9) / 1000, 2) + "</td><td>" +
         num(static_cast<double>(h.max()) / 1000, 2) + "</td></tr>";
}

std::string latency_table(const std::string& title, const std::map<std::string, LatencyHistogram, std::less<>>& by) {
  std::string out = "<h2>" + escape(title) +
                    "</h2><table><tr><th></th><th>count</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th>"
                    "<th>p99.9 ms</th><th>max ms</th></tr>";
  for (const auto& [name, h] : by) out += latency_row(name, h);
  return out + "</table>";
}

}  // namespace

std::string render_report_html(const RunReport& r) {
  const Accounting& a = r.accounting;
  const auto metrics = report_metrics(r);
  std::vector<double> sent, done, statuses, p50, p90, p99, p999;
  for (const auto& s : a.seconds) {
    sent.push_back(static_cast<double>(s.sent));
    done.push_back(static_cast<double>(s.done));
    statuses.push_back(static_cast<double>(s.statuses));
    const bool any = s.latency.count() > 0;
    p50.push_back(any ? s.latency.percentile(50) / 1000 : NAN);
    p90.push_back(any ? s.latency.percentile(90) / 1000 : NAN);
    p99.push_back(any ? s.latency.percentile(99) / 1000 : NAN);
    p999.push_back(any ? s.latency.percentile(99.9) / 1000 : NAN);
  }
  std::string html =
      "<!DOCTYPE html><html><head><meta charset='utf-8'><title>switchboard loadgen report</title><style>"
      "body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 16px}"
      "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
      ".t{font:bold 13px sans-serif}.g{stroke:#e4e4e4}.yl{font:11px sans-serif;text-anchor:end}"
      ".xl{font:11px sans-serif;text-anchor:middle}.lg{font:12px sans-serif}.bad{color:#b00020;font-weight:bold}"
      ".ok{color:#1b7f3b;font-weight:bold}svg{display:block;margin:8px 0 20px}"
      "</style></head><body><h1>switchboard loadgen report</h1>";
  html += "<p>Started " + escape(r.started_at) + " against " + escape(r.brokers) + " (" + escape(r.events_topic) +
          " &rarr; " + escape(r.status_topic) + "), mix " + escape(r.mix_file) + ".</p>";
  const bool lost = r.lost > 0;
  html += "<table><tr><th>offered rate</th><td>" +
          (r.offered_rate > 0 ? num(r.offered_rate, 0) + " events/s" : std::string("max")) +
          "</td></tr><tr><th>produced</th><td>" + std::to_string(r.produced) + " in " + num(r.produce_seconds, 2) +
          " s</td></tr><tr><th>throughput</th><td>" + num(metrics.at("throughput"), 0) + " events/s, " +
          num(metrics.at("deliveries"), 0) + " deliveries (statuses)/s</td></tr><tr><th>latency p50 / p90 / p99 / p99.9 / max</th><td>" +
          num(metrics.at("p50"), 2) + " / " + num(metrics.at("p90"), 2) + " / " + num(metrics.at("p99"), 2) + " / " +
          num(metrics.at("p99.9"), 2) + " / " + num(metrics.at("max"), 2) + " ms</td></tr><tr><th>lost</th><td class='" +
          (lost ? "bad" : "ok") + "'>" + std::to_string(r.lost) + "</td></tr></table>";
  if (!r.slo.empty()) {
    html += "<h2>SLO</h2><table><tr><th>clause</th><th>actual</th><th>result</th></tr>";
    for (const auto& v : r.slo) {
      html += "<tr><td>" + escape(v.clause.text) + "</td><td>" + num(v.actual, 3) + "</td><td class='" +
              (v.met ? "ok'>met" : "bad'>missed") + "</td></tr>";
    }
    html += "</table>";
  }
  html += "<h2>Counts</h2><table><tr><th>status</th><th>statuses</th><th>events (first status)</th></tr>";
  for (const char* s : {"sent", "failed", "no_integration", "invalid", "duplicate"}) {
    const auto all = a.statuses_by_status.find(s);
    const auto first = a.events_by_status.find(s);
    html += "<tr><td>" + std::string(s) + "</td><td>" +
            std::to_string(all == a.statuses_by_status.end() ? 0 : all->second) + "</td><td>" +
            std::to_string(first == a.events_by_status.end() ? 0 : first->second) + "</td></tr>";
  }
  html += "</table><table>";
  const std::pair<const char*, std::uint64_t> extras[] = {
      {"extra target statuses (fan-out)", a.extra_target_statuses}, {"repeated statuses (reprocessed)", a.repeated_statuses},
      {"statuses with failover", a.failed_over}, {"mismatched (invalid expected or not)", a.mismatched},
      {"unknown ids", a.unknown}, {"produce errors", r.produce_errors}};
  for (const auto& [name, value] : extras) {
    html += "<tr><td>" + std::string(name) + "</td><td>" + std::to_string(value) + "</td></tr>";
  }
  html += "</table><p>An event is done at its first status; latency runs from its createdAt stamp to that status "
          "being read back.</p>";
  html += line_chart("Throughput per second", "per second",
                     {{"sent", "#9e9e9e", sent}, {"events done", "#1f77b4", done}, {"statuses", "#2ca02c", statuses}});
  html += line_chart("Latency percentiles per second", "ms",
                     {{"p50", "#1f77b4", p50}, {"p90", "#2ca02c", p90}, {"p99", "#ff7f0e", p99}, {"p99.9", "#d62728", p999}});
  html += histogram_chart(a.latency);
  for (const auto& g : r.gauges) html += line_chart(g.name, g.unit, {{g.name, "#8c564b", g.values}});
  std::map<std::string, LatencyHistogram, std::less<>> overall{{"all events", a.latency}};
  html += latency_table("Latency", overall);
  html += latency_table("Latency by channel (per event)", a.by_channel);
  html += latency_table("Latency by provider (per target)", a.by_provider);
  if (!r.lost_ids.empty()) {
    html += "<h2>Lost (sample)</h2><p>";
    for (const auto& id : r.lost_ids) html += escape(id) + " ";
    html += "</p>";
  }
  return html + "</body></html>\n";
}

}  // namespace switchboard::loadgen
