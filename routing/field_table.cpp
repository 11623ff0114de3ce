#include "routing/field_table.h"

#include <algorithm>

namespace switchboard::routing {

FieldTable::FieldTable() : nodes_(3) {}

std::uint32_t FieldTable::intern(ConditionOn on, const FieldPath& path, SlotUse use) {
  std::uint32_t current = static_cast<std::uint32_t>(on);
  for (const PathSegment& seg : path) {
    auto& edges = nodes_[current].edges;
    auto it = std::find_if(edges.begin(), edges.end(), [&](const Edge& e) { return e.key == seg.key; });
    if (it != edges.end()) {
      current = it->node;
      continue;
    }
    const auto next = static_cast<std::uint32_t>(nodes_.size());
    nodes_[current].edges.push_back(Edge{seg.key, seg.index, next});
    nodes_.emplace_back();  // may reallocate: no references into nodes_ are held here
    current = next;
  }
  Node& leaf = nodes_[current];
  if (leaf.slot == kNoSlot) {
    leaf.slot = static_cast<std::int32_t>(slot_uses_.size());
    slot_uses_.push_back({});
  }
  SlotUse& u = slot_uses_[static_cast<std::size_t>(leaf.slot)];
  u.elements = u.elements || use.elements;
  u.rendered = u.rendered || use.rendered;
  return static_cast<std::uint32_t>(leaf.slot);
}

void FieldTable::finalize() {
  for (Node& n : nodes_) {
    std::sort(n.edges.begin(), n.edges.end(), [](const Edge& a, const Edge& b) { return a.key < b.key; });
  }
}

const FieldTable::Node* FieldTable::root(ConditionOn on) const noexcept {
  const Node& r = nodes_[static_cast<std::size_t>(on)];
  return r.edges.empty() ? nullptr : &r;
}

const FieldTable::Node* FieldTable::child(const Node* node, std::string_view key) const noexcept {
  if (node == nullptr) return nullptr;
  const auto& edges = node->edges;
  // Few edges: a linear scan with a cheap length check beats a binary search.
  if (edges.size() <= 8) {
    for (const Edge& e : edges) {
      if (e.key.size() == key.size() && e.key == key) return &nodes_[e.node];
    }
    return nullptr;
  }
  auto it = std::lower_bound(edges.begin(), edges.end(), key,
                             [](const Edge& e, std::string_view k) { return std::string_view(e.key) < k; });
  return it != edges.end() && it->key == key ? &nodes_[it->node] : nullptr;
}

const FieldTable::Node* FieldTable::child_at(const Node* node, std::uint32_t index) const noexcept {
  if (node == nullptr) return nullptr;
  for (const Edge& e : node->edges) {
    if (e.index == index) return &nodes_[e.node];
  }
  return nullptr;
}

}  // namespace switchboard::routing
