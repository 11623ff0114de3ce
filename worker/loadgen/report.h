#pragma once
// The result of a loadgen run and its renderings: report.json (every figure) and
// report.html (the same with SVG charts, self-contained: no script, no external resource).
// Pure: rendering returns text, the caller writes the files.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "worker/loadgen/slo.h"
#include "worker/loadgen/status_matcher.h"

namespace switchboard::loadgen {

// A value sampled once per second (e.g. the RSS of a process); NaN where no sample.
struct GaugeSeries {
  std::string name;
  std::string unit;
  std::vector<double> values;  // index: second of the run
};

struct RunReport {
  std::string started_at;  // ISO, UTC
  std::string brokers, events_topic, status_topic, mix_file;
  double offered_rate = 0;       // events/s; 0: as fast as possible (--rate max)
  double produce_seconds = 0;    // from the first to the last event produced
  double elapsed_seconds = 0;    // from the start to the end of the drain
  double last_done_seconds = 0;  // from the start to the last event done
  std::uint64_t produced = 0;    // produce() calls
  std::uint64_t produce_errors = 0;
  std::uint64_t lost = 0;        // expected events without any status at the end
  std::uint64_t malformed_statuses = 0;  // records on the status topic that are not status events
  std::vector<std::string> lost_ids;  // a sample
  Accounting accounting;
  std::vector<GaugeSeries> gauges;
  std::vector<SloVerdict> slo;
};

// The values --slo clauses are checked against (latencies in ms; see slo.h).
std::map<std::string, double> report_metrics(const RunReport& report);

std::string render_report_json(const RunReport& report);
std::string render_report_html(const RunReport& report);

}  // namespace switchboard::loadgen
