#pragma once
// The JSON of `switchboard explain` (contract section 7), one object per event, minified.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "routing/decision.h"
#include "routing/event_view.h"
#include "routing/integration_snapshot.h"

namespace switchboard::routing {

// Writes explain objects for decisions made against one snapshot. The parts that depend
// only on an integration (its escaped _id, identifier and providerId; a rejection of it
// with a given why) are rendered the first time they appear and reused: a batch writes
// them for every event. Not thread-safe.
class ExplainJsonWriter {
 public:
  explicit ExplainJsonWriter(const IntegrationSnapshot& snapshot);

  // Appends the explain object of `decision` for `event` to `out` (no trailing newline).
  void append(std::string& out, const EventView& event, const Decision& decision);

 private:
  void append_target(std::string& out, const TargetDecision& target);
  const std::string& candidate_prefix(std::uint32_t entry);
  const std::string& rejection(std::uint32_t entry, RejectWhy why);

  const IntegrationSnapshot& snapshot_;
  std::vector<std::string> candidate_prefixes_;  // by snapshot entry; empty until first use
  std::vector<std::string> rejections_;  // by entry * kRejectWhyCount + why
};

// One explain object, for callers with a single decision.
void append_explain_json(std::string& out, const EventView& event, const Decision& decision,
                         const IntegrationSnapshot& snapshot);

// Appends {"line": N, "error": "..."} for a batch line that is not a valid event.
void append_line_error_json(std::string& out, std::size_t line, std::string_view message);

}  // namespace switchboard::routing
