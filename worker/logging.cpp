#include "worker/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "routing/json_text.h"

namespace switchboard::worker {

void init_logging(const std::string& level) {
  auto logger = spdlog::stdout_logger_mt("switchboard");
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

std::string log_quote(std::string_view value) {
  std::string out;
  routing::append_json_string(out, value);
  return out;
}

}  // namespace switchboard::worker
