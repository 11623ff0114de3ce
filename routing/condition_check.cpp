#include "routing/condition_check.h"

#include <string>

#include "routing/field_path.h"
#include "routing/like_pattern.h"
#include "routing/value_list.h"

namespace switchboard::routing {

void check_condition_child(const ConditionChild& child, std::string_view path, ValidationErrors& errors) {
  const std::string base(path);
  if (!parse_field_path(child.field)) {
    errors.push_back({base + ".field",
                      "field \"" + child.field +
                          "\" is not a valid path: use dot-separated names, [N] indexes or [\"quoted keys\"], "
                          "with no empty segment"});
  }
  if (!child.value) return;
  const std::string& value = *child.value;
  // Values with templates are only known per event; the contract checks them then.
  if (value.find("{{") != std::string::npos) return;
  if (child.op == Operator::kBetween || child.op == Operator::kNotBetween) {
    ListScratch scratch;
    ValueList list;
    list.assign(value, scratch);
    if (list.size() != 2) {
      errors.push_back({base + ".value", std::string(operator_name(child.op)) +
                                             " needs exactly two items (\"low,high\" or a JSON array), got " +
                                             std::to_string(list.size())});
    }
  }
  if ((child.op == Operator::kLike || child.op == Operator::kNotLike) && ends_in_lone_backslash(value)) {
    errors.push_back({base + ".value", std::string(operator_name(child.op)) +
                                           " pattern ends in a lone backslash: escape it as \\\\"});
  }
}

}  // namespace switchboard::routing
