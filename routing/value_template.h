#pragma once
// `{{payload.x}}`, `{{subscriber.x}}`, `{{tenant.x}}` references inside a condition value
// (contract 3.3), tokenized once when the integration is loaded.

#include <string>
#include <string_view>
#include <vector>

#include "routing/condition.h"
#include "routing/field_path.h"

namespace switchboard::routing {

struct TemplatePart {
  bool is_reference = false;
  std::string literal;  // when !is_reference: text copied as written
  ConditionOn on = ConditionOn::kPayload;
  FieldPath path;       // when is_reference
};

struct ValueTemplate {
  std::vector<TemplatePart> parts;
  bool has_references() const noexcept;
};

// Never fails: anything between `{{` and `}}` that is not a reference stays literal text.
ValueTemplate parse_value_template(std::string_view value);

}  // namespace switchboard::routing
