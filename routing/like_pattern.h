#pragma once
// SQL LIKE (contract 3.4): `%` any run, `_` one UTF-8 code point, `\` escapes the next
// code point; case-sensitive. Matching is O(len(subject) * len(pattern)) in the worst
// case, whatever the pattern, and allocates nothing.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace switchboard::routing {

struct LikeToken {
  enum class Kind : std::uint8_t { kByte, kOne, kAnyRun };
  Kind kind = Kind::kByte;
  char byte = 0;
};

// Appends the tokens of `pattern` to `out` (after clearing it). false when the pattern
// ends in a lone `\`; `out` is then unspecified.
bool compile_like(std::string_view pattern, std::vector<LikeToken>& out);

bool like_matches(std::span<const LikeToken> pattern, std::string_view subject) noexcept;

// True when `pattern` ends in an unescaped backslash.
bool ends_in_lone_backslash(std::string_view pattern) noexcept;

}  // namespace switchboard::routing
