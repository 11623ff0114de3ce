#pragma once
// Conditions compiled once, when an integration is loaded (contract section 3): paths
// resolved to field slots, number literals parsed, LIKE patterns and lists pre-split,
// templates tokenized. Evaluation allocates nothing once its scratch is warm.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "routing/condition.h"
#include "routing/event_view.h"
#include "routing/field_table.h"
#include "routing/like_pattern.h"
#include "routing/number_literal.h"
#include "routing/value_list.h"

namespace switchboard::routing {

// Per-thread buffers for values that contain templates.
struct EvalScratch {
  std::string rendered;
  ValueList list;
  ListScratch list_scratch;
  std::vector<LikeToken> like;
};

class ConditionProgram {
 public:
  // Interns every field the conditions read into `fields`. Invalid parts (which
  // validation rejects before this point) compile to children that read a missing field.
  static ConditionProgram compile(const std::vector<ConditionGroup>& groups, FieldTable& fields, ListScratch& scratch);

  // True when there are no groups: the integration is "unconditioned" (contract 4).
  bool empty() const noexcept { return groups_.empty(); }

  // The list passes when any group passes. Never throws; thread-safe on a const program
  // with a scratch per thread.
  bool evaluate(const EventView& event, EvalScratch& scratch) const noexcept;

 private:
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;

  struct Piece {
    std::string literal;
    std::uint32_t slot = kNoSlot;  // a reference when set
  };
  struct Value {
    bool templated = false;
    std::vector<Piece> pieces;  // when templated
    // Static forms, when not templated:
    std::string text;
    std::optional<Number> number;
    ValueList list;
    std::vector<LikeToken> like;
    bool like_valid = false;
  };
  struct Child {
    std::uint32_t slot = kNoSlot;
    Operator op = Operator::kEqual;
    std::uint32_t value = 0;  // index into values_
  };
  struct Group {
    bool negated = false;
    GroupLogic logic = GroupLogic::kAnd;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
  };

  bool evaluate_child(const Child& child, const EventView& event, EvalScratch& scratch) const noexcept;

  std::vector<Group> groups_;
  std::vector<Child> children_;
  std::vector<Value> values_;
};

}  // namespace switchboard::routing
