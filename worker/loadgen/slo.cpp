#include "worker/loadgen/slo.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace switchboard::loadgen {
namespace {

bool is_latency(std::string_view metric) {
  return metric == "p50" || metric == "p90" || metric == "p99" || metric == "p99.9" || metric == "max";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Longest operators first, so "<=" is not read as "<".
constexpr std::pair<std::string_view, SloOp> kOps[] = {{"<=", SloOp::kLe}, {">=", SloOp::kGe}, {"==", SloOp::kEq},
                                                      {"!=", SloOp::kNe}, {"<", SloOp::kLt},  {">", SloOp::kGt}};

std::string parse_clause(std::string_view text, SloClause& out) {
  out.text = std::string(text);
  std::size_t at = std::string_view::npos;
  std::size_t op_len = 0;
  for (const auto& [symbol, op] : kOps) {
    const std::size_t pos = text.find(symbol);
    if (pos != std::string_view::npos && (pos < at || (pos == at && symbol.size() > op_len))) {
      at = pos;
      op_len = symbol.size();
      out.op = op;
    }
  }
  if (at == std::string_view::npos) return "no operator (use <= < >= > == !=)";
  std::string metric(trim(text.substr(0, at)));
  if (metric == "p999") metric = "p99.9";
  const auto& names = slo_metric_names();
  if (std::find(names.begin(), names.end(), metric) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : " ") + n;
    return "unknown metric `" + metric + "` (known: " + list + ")";
  }
  out.metric = metric;
  std::string_view rest = trim(text.substr(at + op_len));
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), out.value);
  if (ec != std::errc() || !std::isfinite(out.value)) return "expected a number after the operator";
  const std::string_view unit = trim(rest.substr(static_cast<std::size_t>(end - rest.data())));
  if (is_latency(metric)) {
    if (unit == "us") {
      out.value /= 1000.0;
    } else if (unit == "s") {
      out.value *= 1000.0;
    } else if (!unit.empty() && unit != "ms") {
      return "unknown unit `" + std::string(unit) + "` (us, ms, s)";
    }
  } else if (!unit.empty()) {
    return "`" + metric + "` takes no unit";
  }
  return "";
}

bool holds(SloOp op, double actual, double want) {
  switch (op) {
    case SloOp::kLe: return actual <= want;
    case SloOp::kLt: return actual < want;
    case SloOp::kGe: return actual >= want;
    case SloOp::kGt: return actual > want;
    case SloOp::kEq: return actual == want;
    case SloOp::kNe: return actual != want;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& slo_metric_names() {
  static const std::vector<std::string> names = {
      "p50",     "p90",    "p99",    "p99.9",          "max",     "throughput", "deliveries", "lost",
      "sent",    "failed", "no_integration", "invalid", "duplicate", "repeated", "unknown",    "mismatched",
      "produce_errors"};
  return names;
}

SloParse parse_slo(std::string_view text) {
  SloParse result;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = trim(text.substr(start, comma - start));
    start = comma + 1;
    if (item.empty()) continue;
    SloClause clause;
    if (std::string problem = parse_clause(item, clause); !problem.empty()) {
      result.error = "--slo clause `" + std::string(item) + "`: " + problem;
      result.clauses.clear();
      return result;
    }
    result.clauses.push_back(std::move(clause));
  }
  if (result.clauses.empty()) result.error = "--slo is empty (example: 'p99<=50ms,lost==0')";
  return result;
}

std::vector<SloVerdict> evaluate_slo(const std::vector<SloClause>& clauses, const std::map<std::string, double>& metrics) {
  std::vector<SloVerdict> out;
  for (const auto& clause : clauses) {
    SloVerdict v{clause, std::numeric_limits<double>::quiet_NaN(), false};
    if (const auto it = metrics.find(clause.metric); it != metrics.end()) {
      v.actual = it->second;
      v.met = holds(clause.op, v.actual, clause.value);
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace switchboard::loadgen
