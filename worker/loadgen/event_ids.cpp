#include "worker/loadgen/event_ids.h"

#include <charconv>

namespace switchboard::loadgen {

void EventIds::append(std::string& out, std::uint64_t sequence) const {
  out += prefix_;
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, sequence).ptr;
  out.append(digits, end);
}

std::string EventIds::make(std::uint64_t sequence) const {
  std::string out;
  append(out, sequence);
  return out;
}

std::optional<std::uint64_t> EventIds::parse(std::string_view id) const noexcept {
  if (!ours(id) || id.size() == prefix_.size()) return std::nullopt;
  const std::string_view tail = id.substr(prefix_.size());
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), value);
  if (ec != std::errc() || end != tail.data() + tail.size()) return std::nullopt;
  return value;
}

}  // namespace switchboard::loadgen
