#pragma once
// Event ids of one loadgen run: "<prefix><sequence>", the prefix unique per run
// ("lg-<random>-"), so a status can be matched to its event by parsing the id, and statuses
// of other runs on the same topic are told apart from unknown ids of this run.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::loadgen {

class EventIds {
 public:
  explicit EventIds(std::string prefix) : prefix_(std::move(prefix)) {}

  const std::string& prefix() const noexcept { return prefix_; }
  void append(std::string& out, std::uint64_t sequence) const;
  std::string make(std::uint64_t sequence) const;
  bool ours(std::string_view id) const noexcept { return id.starts_with(prefix_); }
  // The sequence of one of our ids; nullopt for other ids or a malformed tail.
  std::optional<std::uint64_t> parse(std::string_view id) const noexcept;

 private:
  std::string prefix_;
};

}  // namespace switchboard::loadgen
