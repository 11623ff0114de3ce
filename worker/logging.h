#pragma once
// spdlog as JSON lines on stdout with stable keys. Messages are written as JSON members:
//   spdlog::warn(R"("msg":"redis down","error":{})", log_quote(error));
// log_quote() escapes a value; never pass credentials or full payloads.

#include <string>
#include <string_view>

namespace switchboard::worker {

// Installs the JSON-lines logger as spdlog's default. `level`: trace|debug|info|warn|error.
void init_logging(const std::string& level);

// The value as a JSON string literal, quotes included.
std::string log_quote(std::string_view value);

}  // namespace switchboard::worker
