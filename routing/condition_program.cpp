#include "routing/condition_program.h"

#include <algorithm>

#include "routing/value_template.h"

namespace switchboard::routing {

namespace {

const FieldValue kMissingValue{};

bool needs_elements(Operator op) noexcept {
  return op == Operator::kIn || op == Operator::kNotIn || op == Operator::kAnyIn || op == Operator::kAllIn;
}
bool needs_list(Operator op) noexcept {
  return op == Operator::kAnyIn || op == Operator::kAllIn || op == Operator::kBetween || op == Operator::kNotBetween;
}
bool needs_like(Operator op) noexcept { return op == Operator::kLike || op == Operator::kNotLike; }

// A rough cost rank of a child: cheap ones go first in their group, so that the
// short-circuit (an AND child that fails, an OR child that passes) skips the dear ones.
// Children are pure, so the order never changes a result.
int cost_rank(Operator op, bool templated) noexcept {
  int rank = 0;
  switch (op) {
    case Operator::kIsDefined: rank = 0; break;
    case Operator::kEqual:
    case Operator::kNotEqual: rank = 1; break;
    case Operator::kLarger:
    case Operator::kSmaller:
    case Operator::kLargerEqual:
    case Operator::kSmallerEqual: rank = 2; break;
    case Operator::kIn:
    case Operator::kNotIn: rank = 3; break;
    case Operator::kBetween:
    case Operator::kNotBetween: rank = 4; break;
    case Operator::kAnyIn:
    case Operator::kAllIn: rank = 5; break;
    case Operator::kLike:
    case Operator::kNotLike: rank = 6; break;
  }
  return templated ? rank + 10 : rank;
}

// The expected value after rendering, in the forms the operators read.
struct Expected {
  std::string_view text;
  const std::optional<Number>* number = nullptr;
  const ValueList* list = nullptr;
  std::span<const LikeToken> like;
  bool like_valid = false;
};

bool equals(const FieldValue& a, std::string_view text, const std::optional<Number>& number) noexcept {
  switch (a.kind) {
    case ValueKind::kString: return a.text == text;
    case ValueKind::kNumber: return number.has_value() && compare_numbers(a.number, a.text, *number, text) == 0;
    case ValueKind::kBool: return a.boolean ? text == "true" : text == "false";
    default: return false;
  }
}

// The order of a against v, or nullopt when the contract says ordering does not apply.
std::optional<int> order(const FieldValue& a, std::string_view text, const std::optional<Number>& number) noexcept {
  if (a.kind == ValueKind::kNumber) {
    if (!number) return std::nullopt;
    return compare_numbers(a.number, a.text, *number, text);
  }
  if (a.kind == ValueKind::kString) {
    if (number) {
      if (auto a_number = parse_number_literal(a.text)) return compare_numbers(*a_number, a.text, *number, text);
    }
    const int c = a.text.compare(text);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

bool ordered(Operator op, const FieldValue& a, const Expected& v) noexcept {
  auto c = order(a, v.text, *v.number);
  if (!c) return false;
  switch (op) {
    case Operator::kLarger: return *c > 0;
    case Operator::kSmaller: return *c < 0;
    case Operator::kLargerEqual: return *c >= 0;
    case Operator::kSmallerEqual: return *c <= 0;
    default: return false;
  }
}

bool any_element_equals(const FieldValue& a, const EventView& event, std::string_view text,
                        const std::optional<Number>& number) noexcept {
  for (std::uint32_t i = a.elements_begin; i < a.elements_end && i < event.elements.size(); ++i) {
    if (equals(event.elements[i], text, number)) return true;
  }
  return false;
}

bool contains(const FieldValue& a, const EventView& event, const Expected& v) noexcept {
  if (a.kind == ValueKind::kString) return a.text.find(v.text) != std::string_view::npos;
  if (a.kind == ValueKind::kArray) return any_element_equals(a, event, v.text, *v.number);
  return false;
}

bool any_in(const FieldValue& a, const EventView& event, const ValueList& list) noexcept {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (a.kind == ValueKind::kArray ? any_element_equals(a, event, list.text(i), list.number(i))
                                    : equals(a, list.text(i), list.number(i))) {
      return true;
    }
  }
  return false;
}

bool all_in(const FieldValue& a, const EventView& event, const ValueList& list) noexcept {
  if (!a.defined()) return false;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const bool found = a.kind == ValueKind::kArray ? any_element_equals(a, event, list.text(i), list.number(i))
                                                   : equals(a, list.text(i), list.number(i));
    if (!found) return false;
  }
  return true;
}

bool between(const FieldValue& a, const ValueList& list) noexcept {
  if (list.size() != 2) return false;
  auto low = order(a, list.text(0), list.number(0));
  auto high = order(a, list.text(1), list.number(1));
  return low && high && *low >= 0 && *high <= 0;
}

bool apply(Operator op, const FieldValue& a, const EventView& event, const Expected& v) noexcept {
  switch (op) {
    case Operator::kEqual: return equals(a, v.text, *v.number);
    case Operator::kNotEqual: return !equals(a, v.text, *v.number);
    case Operator::kLarger:
    case Operator::kSmaller:
    case Operator::kLargerEqual:
    case Operator::kSmallerEqual: return ordered(op, a, v);
    case Operator::kIn: return contains(a, event, v);
    case Operator::kNotIn: return !contains(a, event, v);
    case Operator::kAnyIn: return any_in(a, event, *v.list);
    case Operator::kAllIn: return all_in(a, event, *v.list);
    case Operator::kBetween: return between(a, *v.list);
    case Operator::kNotBetween: return !between(a, *v.list);
    case Operator::kLike: return a.kind == ValueKind::kString && v.like_valid && like_matches(v.like, a.text);
    case Operator::kNotLike: return !(a.kind == ValueKind::kString && v.like_valid && like_matches(v.like, a.text));
    case Operator::kIsDefined: return a.defined();
  }
  return false;
}

void render_field(std::string& out, const FieldValue& f) {
  // Missing and null render as the empty string (contract 3.3).
  if (f.kind == ValueKind::kMissing || f.kind == ValueKind::kNull) return;
  out.append(f.text);
}

}  // namespace

ConditionProgram ConditionProgram::compile(const std::vector<ConditionGroup>& groups, FieldTable& fields,
                                           ListScratch& scratch) {
  ConditionProgram program;
  for (const ConditionGroup& g : groups) {
    Group group;
    group.negated = g.is_negated;
    group.logic = g.logic;
    group.begin = static_cast<std::uint32_t>(program.children_.size());
    for (const ConditionChild& c : g.children) {
      Child child;
      child.op = c.op;
      if (auto path = parse_field_path(c.field)) {
        child.slot = fields.intern(c.on, *path, {.elements = needs_elements(c.op), .rendered = false});
      }
      Value value;
      if (c.op != Operator::kIsDefined) {
        const std::string& raw = c.value ? *c.value : std::string();
        ValueTemplate tmpl = parse_value_template(raw);
        if (tmpl.has_references()) {
          value.templated = true;
          for (TemplatePart& part : tmpl.parts) {
            Piece piece;
            if (part.is_reference) {
              piece.slot = fields.intern(part.on, part.path, {.elements = false, .rendered = true});
            } else {
              piece.literal = std::move(part.literal);
            }
            value.pieces.push_back(std::move(piece));
          }
        } else {
          value.text = raw;
          value.number = parse_number_literal(raw);
          if (needs_list(c.op)) value.list.assign(raw, scratch);
          if (needs_like(c.op)) value.like_valid = compile_like(raw, value.like);
        }
      }
      child.value = static_cast<std::uint32_t>(program.values_.size());
      program.values_.push_back(std::move(value));
      program.children_.push_back(child);
    }
    group.end = static_cast<std::uint32_t>(program.children_.size());
    std::stable_sort(program.children_.begin() + group.begin, program.children_.end(),
                     [&](const Child& a, const Child& b) {
                       return cost_rank(a.op, program.values_[a.value].templated) <
                              cost_rank(b.op, program.values_[b.value].templated);
                     });
    program.groups_.push_back(group);
  }
  return program;
}

bool ConditionProgram::evaluate_child(const Child& child, const EventView& event, EvalScratch& scratch) const noexcept {
  const FieldValue& a = child.slot < event.fields.size() ? event.fields[child.slot] : kMissingValue;
  if (child.op == Operator::kIsDefined) return a.defined();
  const Value& value = values_[child.value];
  if (!value.templated) {
    Expected v{value.text, &value.number, &value.list, value.like, value.like_valid};
    return apply(child.op, a, event, v);
  }
  scratch.rendered.clear();
  for (const Piece& piece : value.pieces) {
    if (piece.slot == kNoSlot) {
      scratch.rendered.append(piece.literal);
    } else if (piece.slot < event.fields.size()) {
      render_field(scratch.rendered, event.fields[piece.slot]);
    }
  }
  const std::optional<Number> number = parse_number_literal(scratch.rendered);
  Expected v{scratch.rendered, &number, &scratch.list, {}, false};
  if (needs_list(child.op)) scratch.list.assign(scratch.rendered, scratch.list_scratch);
  if (needs_like(child.op)) {
    v.like_valid = compile_like(scratch.rendered, scratch.like);
    v.like = scratch.like;
  }
  return apply(child.op, a, event, v);
}

bool ConditionProgram::evaluate(const EventView& event, EvalScratch& scratch) const noexcept {
  for (const Group& group : groups_) {
    bool passed = group.logic == GroupLogic::kAnd;
    for (std::uint32_t i = group.begin; i < group.end; ++i) {
      const bool child_passed = evaluate_child(children_[i], event, scratch);
      if (group.logic == GroupLogic::kAnd && !child_passed) {
        passed = false;
        break;
      }
      if (group.logic == GroupLogic::kOr && child_passed) {
        passed = true;
        break;
      }
    }
    // An OR group with no children passes too (contract 3.1).
    if (group.begin == group.end) passed = true;
    if (passed != group.negated) return true;
  }
  return false;
}

}  // namespace switchboard::routing
