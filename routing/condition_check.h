#pragma once
// Write-time validation of conditions (contract 3.5) beyond JSON shape: field paths that
// parse, BETWEEN values of two items, LIKE patterns without a trailing lone `\`.
// Used by the integration parser, the API and `switchboard validate`.

#include <string_view>

#include "routing/condition.h"
#include "routing/validation_error.h"

namespace switchboard::routing {

// Appends one error per problem to `errors`; `path` is the child's JSON path,
// e.g. "[3].conditions[0].children[1]" (errors name ".field" or ".value" below it).
void check_condition_child(const ConditionChild& child, std::string_view path, ValidationErrors& errors);

}  // namespace switchboard::routing
