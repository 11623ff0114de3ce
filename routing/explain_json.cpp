#include "routing/explain_json.h"

#include "routing/json_text.h"

namespace switchboard::routing {

ExplainJsonWriter::ExplainJsonWriter(const IntegrationSnapshot& snapshot)
    : snapshot_(snapshot), candidate_prefixes_(snapshot.size()), rejections_(snapshot.size() * kRejectWhyCount) {}

// {"_id":"..","identifier":"..","providerId":"..","reason":"
const std::string& ExplainJsonWriter::candidate_prefix(std::uint32_t entry) {
  std::string& prefix = candidate_prefixes_[entry];
  if (prefix.empty()) {
    const Integration& i = snapshot_.entry(entry).integration;
    prefix.append("{\"_id\":");
    append_json_string(prefix, i.id);
    prefix.append(",\"identifier\":");
    append_json_string(prefix, i.identifier);
    prefix.append(",\"providerId\":");
    append_json_string(prefix, i.provider_id);
    prefix.append(",\"reason\":\"");
  }
  return prefix;
}

// {"identifier":"..","why":"..."}
const std::string& ExplainJsonWriter::rejection(std::uint32_t entry, RejectWhy why) {
  std::string& text = rejections_[entry * kRejectWhyCount + static_cast<std::size_t>(why)];
  if (text.empty()) {
    text.append("{\"identifier\":");
    append_json_string(text, snapshot_.entry(entry).integration.identifier);
    text.append(",\"why\":\"");
    text.append(reject_why_name(why));
    text.append("\"}");
  }
  return text;
}

void ExplainJsonWriter::append_target(std::string& out, const TargetDecision& t) {
  auto append_candidate = [&](const Candidate& c) {
    out.append(candidate_prefix(c.entry));
    out.append(route_reason_name(c.reason));
    out.append("\"}");
  };
  out.append("{\"target\":");
  append_json_string(out, t.name);
  out.append(",\"chosen\":");
  if (t.candidates.empty()) {
    out.append("null");
  } else {
    append_candidate(t.candidates.front());
  }
  out.append(",\"failover\":[");
  for (std::size_t k = 1; k < t.candidates.size(); ++k) {
    if (k > 1) out.push_back(',');
    append_candidate(t.candidates[k]);
  }
  out.append("],\"rejected\":[");
  for (std::size_t k = 0; k < t.rejected.size(); ++k) {
    if (k > 0) out.push_back(',');
    out.append(rejection(t.rejected[k].entry, t.rejected[k].why));
  }
  out.append("],\"reason\":\"");
  out.append(route_reason_name(t.reason));
  out.append("\",\"status\":\"");
  out.append(target_status_name(t.status));
  out.append("\"}");
}

void ExplainJsonWriter::append(std::string& out, const EventView& event, const Decision& decision) {
  out.append("{\"eventId\":");
  append_json_string(out, event.id);
  out.append(",\"channel\":\"");
  out.append(channel_name(event.channel));
  out.append("\",\"targets\":[");
  for (std::size_t k = 0; k < decision.size(); ++k) {
    if (k > 0) out.push_back(',');
    append_target(out, decision[k]);
  }
  out.append("]}");
}

void append_explain_json(std::string& out, const EventView& event, const Decision& decision,
                         const IntegrationSnapshot& snapshot) {
  ExplainJsonWriter(snapshot).append(out, event, decision);
}

void append_line_error_json(std::string& out, std::size_t line, std::string_view message) {
  out.append("{\"line\":");
  out.append(std::to_string(line));
  out.append(",\"error\":");
  append_json_string(out, message);
  out.push_back('}');
}

}  // namespace switchboard::routing
