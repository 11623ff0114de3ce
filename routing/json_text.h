#pragma once
// Writing JSON text: string escaping with only the escapes JSON requires, and a
// minified re-rendering of On-Demand values (members in document order, numbers as
// written, strings re-escaped minimally). Used for templates, list items and output.

#include <string>
#include <string_view>

#include <simdjson.h>

namespace switchboard::routing {

// Appends `"s"` with `"`, `\` and control characters escaped (\b \f \n \r \t, else \u00XX).
void append_json_string(std::string& out, std::string_view s);

// Appends the minified JSON of `value` (consuming it). Returns the first simdjson error;
// nesting deeper than `max_depth` is DEPTH_ERROR (the rendering recurses).
simdjson::error_code append_minified(std::string& out, simdjson::ondemand::value value, int max_depth = 64);

// The raw number token as written, without the whitespace On-Demand leaves behind it.
std::string_view trim_number_token(std::string_view raw_token) noexcept;

}  // namespace switchboard::routing
