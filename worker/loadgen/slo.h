#pragma once
// Service-level objectives of a loadgen run: `--slo 'p99<=50ms,lost==0'`. A comma-separated
// list of clauses METRIC OP VALUE[UNIT]; OP is one of <= < >= > == !=.
//   latency metrics (UNIT us, ms (default) or s): p50 p90 p99 p99.9 max
//   rates (per second, no unit): throughput (events done), deliveries (statuses)
//   counts (no unit): lost sent failed no_integration invalid duplicate repeated unknown
//     mismatched produce_errors
// Pure: no I/O.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::loadgen {

enum class SloOp { kLe, kLt, kGe, kGt, kEq, kNe };

struct SloClause {
  std::string text;    // as written, for messages
  std::string metric;  // canonical name, e.g. "p99.9" (p999 is accepted for it)
  SloOp op = SloOp::kLe;
  double value = 0;    // latency clauses in milliseconds
};

struct SloParse {
  std::vector<SloClause> clauses;
  std::string error;  // non-empty: which clause is wrong and why
};

SloParse parse_slo(std::string_view text);

struct SloVerdict {
  SloClause clause;
  double actual = 0;
  bool met = false;
};

// `metrics`: the run's values by canonical metric name (latencies in ms). A metric missing
// from the map fails its clause (actual NaN).
std::vector<SloVerdict> evaluate_slo(const std::vector<SloClause>& clauses, const std::map<std::string, double>& metrics);

// The metric names parse_slo accepts (canonical).
const std::vector<std::string>& slo_metric_names();

}  // namespace switchboard::loadgen
