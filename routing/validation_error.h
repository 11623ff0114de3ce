#pragma once
// An error found while validating input that people wrote (integration files, API bodies).

#include <string>
#include <vector>

namespace switchboard::routing {

struct ValidationError {
  std::string path;     // JSON path of the offending element, e.g. "[3].conditions[0].children[1].operator"
  std::string message;  // what is wrong and, when useful, what is accepted

  bool operator==(const ValidationError&) const = default;
};

using ValidationErrors = std::vector<ValidationError>;

}  // namespace switchboard::routing
