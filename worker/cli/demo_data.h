#pragma once
// The demo's bundled integrations and events (config/examples/), compiled in so the demo
// runs from any directory.

#include <string_view>

namespace switchboard::cli {

std::string_view demo_integrations_json() noexcept;
std::string_view demo_events_jsonl() noexcept;

}  // namespace switchboard::cli
