#include "routing/explain_json.h"

#include "routing/json_text.h"

namespace switchboard::routing {

namespace {

void append_candidate(std::string& out, const Candidate& c, const IntegrationSnapshot& snapshot) {
  const Integration& i = snapshot.entry(c.entry).integration;
  out.append("{\"_id\":");
  append_json_string(out, i.id);
  out.append(",\"identifier\":");
  append_json_string(out, i.identifier);
  out.append(",\"providerId\":");
  append_json_string(out, i.provider_id);
  out.append(",\"reason\":\"");
  out.append(route_reason_name(c.reason));
  out.append("\"}");
}

void append_target(std::string& out, const TargetDecision& t, const IntegrationSnapshot& snapshot) {
  out.append("{\"target\":");
  append_json_string(out, t.name);
  out.append(",\"chosen\":");
  if (t.candidates.empty()) {
    out.append("null");
  } else {
    append_candidate(out, t.candidates.front(), snapshot);
  }
  out.append(",\"failover\":[");
  for (std::size_t k = 1; k < t.candidates.size(); ++k) {
    if (k > 1) out.push_back(',');
    append_candidate(out, t.candidates[k], snapshot);
  }
  out.append("],\"rejected\":[");
  for (std::size_t k = 0; k < t.rejected.size(); ++k) {
    if (k > 0) out.push_back(',');
    out.append("{\"identifier\":");
    append_json_string(out, snapshot.entry(t.rejected[k].entry).integration.identifier);
    out.append(",\"why\":\"");
    out.append(reject_why_name(t.rejected[k].why));
    out.append("\"}");
  }
  out.append("],\"reason\":\"");
  out.append(route_reason_name(t.reason));
  out.append("\",\"status\":\"");
  out.append(target_status_name(t.status));
  out.append("\"}");
}

}  // namespace

void append_explain_json(std::string& out, const EventView& event, const Decision& decision,
                         const IntegrationSnapshot& snapshot) {
  out.append("{\"eventId\":");
  append_json_string(out, event.id);
  out.append(",\"channel\":\"");
  out.append(channel_name(event.channel));
  out.append("\",\"targets\":[");
  for (std::size_t k = 0; k < decision.size(); ++k) {
    if (k > 0) out.push_back(',');
    append_target(out, decision[k], snapshot);
  }
  out.append("]}");
}

void append_line_error_json(std::string& out, std::size_t line, std::string_view message) {
  out.append("{\"line\":");
  out.append(std::to_string(line));
  out.append(",\"error\":");
  append_json_string(out, message);
  out.push_back('}');
}

}  // namespace switchboard::routing
