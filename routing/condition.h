#pragma once
// Integration conditions as written (contract section 3): StepFilterDto groups.
// This is the data model; condition_program.h compiles it for evaluation.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::routing {

enum class ConditionOn : std::uint8_t { kPayload = 0, kSubscriber, kTenant };

enum class Operator : std::uint8_t {
  kLarger, kSmaller, kLargerEqual, kSmallerEqual, kEqual, kNotEqual, kAllIn, kAnyIn,
  kNotIn, kBetween, kNotBetween, kLike, kNotLike, kIn, kIsDefined,
};

enum class GroupLogic : std::uint8_t { kAnd, kOr };

struct ConditionChild {
  ConditionOn on = ConditionOn::kPayload;
  std::string field;
  Operator op = Operator::kEqual;
  std::optional<std::string> value;  // absent only for IS_DEFINED

  bool operator==(const ConditionChild&) const = default;
};

struct ConditionGroup {
  bool is_negated = false;
  std::optional<std::string> type;  // informational, any string
  GroupLogic logic = GroupLogic::kAnd;
  std::vector<ConditionChild> children;

  bool operator==(const ConditionGroup&) const = default;
};

std::optional<ConditionOn> parse_condition_on(std::string_view) noexcept;
std::string_view condition_on_name(ConditionOn) noexcept;
std::optional<Operator> parse_operator(std::string_view) noexcept;
std::string_view operator_name(Operator) noexcept;
std::optional<GroupLogic> parse_group_logic(std::string_view) noexcept;
std::string_view group_logic_name(GroupLogic) noexcept;

}  // namespace switchboard::routing
