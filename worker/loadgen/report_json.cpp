#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "worker/loadgen/report.h"

namespace switchboard::loadgen {
namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

double ms(double micros) { return std::round(micros) / 1000.0; }

ordered latency_json(const LatencyHistogram& h) {
  ordered out;
  out["count"] = h.count();
  out["p50"] = ms(h.percentile(50));
  out["p90"] = ms(h.percentile(90));
  out["p99"] = ms(h.percentile(99));
  out["p99.9"] = ms(h.percentile(99.9));
  out["max"] = ms(static_cast<double>(h.max()));
  return out;
}

double rate(std::uint64_t n, double seconds) { return seconds > 0 ? std::round(n / seconds * 10) / 10 : 0; }

}  // namespace

std::map<std::string, double> report_metrics(const RunReport& r) {
  const Accounting& a = r.accounting;
  const auto by = [&](const char* status) {
    const auto it = a.statuses_by_status.find(status);
    return it == a.statuses_by_status.end() ? 0.0 : static_cast<double>(it->second);
  };
  return {{"p50", a.latency.percentile(50) / 1000.0},
          {"p90", a.latency.percentile(90) / 1000.0},
          {"p99", a.latency.percentile(99) / 1000.0},
          {"p99.9", a.latency.percentile(99.9) / 1000.0},
          {"max", static_cast<double>(a.latency.max()) / 1000.0},
          {"throughput", rate(a.done, r.last_done_seconds)},
          {"deliveries", rate(a.statuses, r.last_done_seconds)},
          {"lost", static_cast<double>(r.lost)},
          {"sent", by("sent")},
          {"failed", by("failed")},
          {"no_integration", by("no_integration")},
          {"invalid", by("invalid")},
          {"duplicate", by("duplicate")},
          {"repeated", static_cast<double>(a.repeated_statuses)},
          {"unknown", static_cast<double>(a.unknown)},
          {"mismatched", static_cast<double>(a.mismatched)},
          {"produce_errors", static_cast<double>(r.produce_errors)}};
}

std::string render_report_json(const RunReport& r) {
  const Accounting& a = r.accounting;
  const auto metrics = report_metrics(r);
  ordered out;
  out["startedAt"] = r.started_at;
  out["brokers"] = r.brokers;
  out["eventsTopic"] = r.events_topic;
  out["statusTopic"] = r.status_topic;
  out["mixFile"] = r.mix_file;
  out["offeredRate"] = r.offered_rate > 0 ? json(r.offered_rate) : json("max");
  out["produceSeconds"] = std::round(r.produce_seconds * 1000) / 1000;
  out["elapsedSeconds"] = std::round(r.elapsed_seconds * 1000) / 1000;
  ordered throughput;
  throughput["sentPerSecond"] = rate(r.produced, r.produce_seconds);
  throughput["eventsPerSecond"] = metrics.at("throughput");
  throughput["deliveriesPerSecond"] = metrics.at("deliveries");
  throughput["window"] = "start to the last event done (" + std::to_string(r.last_done_seconds) + " s)";
  out["throughput"] = throughput;
  ordered counts;
  counts["produced"] = r.produced;
  counts["produceErrors"] = r.produce_errors;
  counts["expected"] = a.expected;
  counts["done"] = a.done;
  counts["lost"] = r.lost;
  counts["statuses"] = a.statuses;
  for (const char* s : {"sent", "failed", "no_integration", "invalid", "duplicate"}) {
    const auto it = a.statuses_by_status.find(s);
    counts[s] = it == a.statuses_by_status.end() ? 0 : it->second;
  }
  counts["extraTargetStatuses"] = a.extra_target_statuses;
  counts["repeatedStatuses"] = a.repeated_statuses;
  counts["failedOver"] = a.failed_over;
  counts["mismatched"] = a.mismatched;
  counts["unknown"] = a.unknown;
  counts["foreign"] = a.foreign;
  counts["malformedStatuses"] = r.malformed_statuses;
  out["counts"] = counts;
  out["statusesByStatus"] = a.statuses_by_status;
  out["eventsByFirstStatus"] = a.events_by_status;
  out["completionRule"] =
      "an event is done at its first status; further statuses of other targets are extraTargetStatuses, "
      "statuses repeating an (eventId, target) are repeatedStatuses; latency = createdAt stamp to the first "
      "status read back";
  out["latencyMs"] = latency_json(a.latency);
  ordered channels = ordered::object();
  for (const auto& [name, h] : a.by_channel) channels[name] = latency_json(h);
  out["latencyMsByChannel"] = channels;
  ordered providers = ordered::object();
  for (const auto& [name, h] : a.by_provider) providers[name] = latency_json(h);
  out["latencyMsByProvider"] = providers;
  out["lostIdsSample"] = r.lost_ids;
  ordered slo = ordered::array();
  for (const auto& v : r.slo) {
    slo.push_back({{"clause", v.clause.text}, {"actual", std::isnan(v.actual) ? json(nullptr) : json(v.actual)},
                   {"met", v.met}});
  }
  out["slo"] = slo;
  ordered series = ordered::array();
  std::size_t seconds = a.seconds.size();
  for (const auto& g : r.gauges) seconds = std::max(seconds, g.values.size());
  const SecondStats empty;
  for (std::size_t i = 0; i < seconds; ++i) {
    const SecondStats& s = i < a.seconds.size() ? a.seconds[i] : empty;
    ordered row;
    row["second"] = i;
    row["sent"] = s.sent;
    row["statuses"] = s.statuses;
    row["done"] = s.done;
    row["p50"] = ms(s.latency.percentile(50));
    row["p90"] = ms(s.latency.percentile(90));
    row["p99"] = ms(s.latency.percentile(99));
    row["max"] = ms(static_cast<double>(s.latency.max()));
    for (const auto& g : r.gauges) {
      row[g.name] = i < g.values.size() && !std::isnan(g.values[i]) ? json(g.values[i]) : json(nullptr);
    }
    series.push_back(row);
  }
  out["perSecond"] = series;
  return out.dump(1) + "\n";
}

}  // namespace switchboard::loadgen
