#include "routing/condition.h"

#include <array>

namespace switchboard::routing {

namespace {
constexpr std::array<std::string_view, 3> kOnNames = {"payload", "subscriber", "tenant"};
constexpr std::array<std::string_view, 15> kOperatorNames = {
    "LARGER", "SMALLER", "LARGER_EQUAL", "SMALLER_EQUAL", "EQUAL",   "NOT_EQUAL",   "ALL_IN",    "ANY_IN",
    "NOT_IN", "BETWEEN", "NOT_BETWEEN",  "LIKE",          "NOT_LIKE", "IN",         "IS_DEFINED"};
constexpr std::array<std::string_view, 2> kLogicNames = {"AND", "OR"};

template <typename Enum, std::size_t N>
std::optional<Enum> find_name(const std::array<std::string_view, N>& names, std::string_view name) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}
}  // namespace

std::optional<ConditionOn> parse_condition_on(std::string_view s) noexcept { return find_name<ConditionOn>(kOnNames, s); }
std::string_view condition_on_name(ConditionOn on) noexcept { return kOnNames[static_cast<std::size_t>(on)]; }
std::optional<Operator> parse_operator(std::string_view s) noexcept { return find_name<Operator>(kOperatorNames, s); }
std::string_view operator_name(Operator op) noexcept { return kOperatorNames[static_cast<std::size_t>(op)]; }
std::optional<GroupLogic> parse_group_logic(std::string_view s) noexcept { return find_name<GroupLogic>(kLogicNames, s); }
std::string_view group_logic_name(GroupLogic l) noexcept { return kLogicNames[static_cast<std::size_t>(l)]; }

}  // namespace switchboard::routing
