#pragma once
// Field paths of conditions and templates (contract 3.2):
//   path := first rest*, first := name | bracket, rest := "." name | bracket,
//   name := [^.\[\]]+, bracket := "[" (digits | quoted) "]", quoted := '"' chars '"' | "'" chars "'"
// with `\` escaping the next character inside a quoted key.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::routing {

struct PathSegment {
  std::string key;
  // Set when the segment can index an array: it is of the form 0|[1-9][0-9]* (and fits).
  std::optional<std::uint32_t> index;

  bool operator==(const PathSegment&) const = default;
};

using FieldPath = std::vector<PathSegment>;

// nullopt when the path does not parse (empty, empty segment, unclosed bracket or quote, ...).
std::optional<FieldPath> parse_field_path(std::string_view text);

}  // namespace switchboard::routing
