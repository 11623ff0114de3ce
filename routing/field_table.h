#pragma once
// The distinct fields that the conditions of one snapshot bucket read, as a trie over
// path segments. The event parser walks the event once and fills one slot per field, so
// each distinct path is looked up at most once per decision.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/condition.h"
#include "routing/field_path.h"

namespace switchboard::routing {

class FieldTable {
 public:
  static constexpr std::uint32_t kNoNode = UINT32_MAX;
  static constexpr std::int32_t kNoSlot = -1;

  struct Edge {
    std::string key;
    std::optional<std::uint32_t> index;  // the key read as an array index, when it is one
    std::uint32_t node = kNoNode;
  };
  struct Node {
    std::vector<Edge> edges;  // sorted by key
    std::int32_t slot = kNoSlot;
  };
  struct SlotUse {
    bool elements = false;  // an operator looks inside arrays
    bool rendered = false;  // a template needs the value's text, containers included
  };

  FieldTable();

  // Returns the slot of (on, path), adding it on first use; `use` accumulates.
  std::uint32_t intern(ConditionOn on, const FieldPath& path, SlotUse use);
  // Sorts edges for lookup. Call once after the last intern().
  void finalize();

  std::uint32_t slot_count() const noexcept { return static_cast<std::uint32_t>(slot_uses_.size()); }
  const SlotUse& slot_use(std::uint32_t slot) const noexcept { return slot_uses_[slot]; }
  const Node* root(ConditionOn on) const noexcept;
  const Node* child(const Node* node, std::string_view key) const noexcept;
  const Node* child_at(const Node* node, std::uint32_t index) const noexcept;

 private:
  std::vector<Node> nodes_;  // nodes_[0..2] are the roots of payload, subscriber, tenant
  std::vector<SlotUse> slot_uses_;
};

}  // namespace switchboard::routing
