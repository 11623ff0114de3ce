#pragma once
// The JSON of `switchboard explain` (contract section 7), one object per event, minified.

#include <string>
#include <string_view>

#include "routing/decision.h"
#include "routing/event_view.h"
#include "routing/integration_snapshot.h"

namespace switchboard::routing {

// Appends the explain object of `decision` for `event` to `out` (no trailing newline).
void append_explain_json(std::string& out, const EventView& event, const Decision& decision,
                         const IntegrationSnapshot& snapshot);

// Appends {"line": N, "error": "..."} for a batch line that is not a valid event.
void append_line_error_json(std::string& out, std::size_t line, std::string_view message);

}  // namespace switchboard::routing
