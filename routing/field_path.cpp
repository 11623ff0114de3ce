#include "routing/field_path.h"

#include <charconv>

namespace switchboard::routing {

namespace {

std::optional<std::uint32_t> as_index(std::string_view s) noexcept {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

PathSegment make_segment(std::string key) {
  PathSegment seg;
  seg.index = as_index(key);
  seg.key = std::move(key);
  return seg;
}

// Parses "[...]" starting at text[pos] == '['; advances pos past ']'.
bool parse_bracket(std::string_view text, std::size_t& pos, FieldPath& out) {
  ++pos;  // '['
  if (pos >= text.size()) return false;
  char c = text[pos];
  if (c == '"' || c == '\'') {
    const char quote = c;
    ++pos;
    std::string key;
    while (true) {
      if (pos >= text.size()) return false;
      char k = text[pos];
      if (k == '\\') {
        if (pos + 1 >= text.size()) return false;
        key.push_back(text[pos + 1]);
        pos += 2;
      } else if (k == quote) {
        ++pos;
        break;
      } else {
        key.push_back(k);
        ++pos;
      }
    }
    if (pos >= text.size() || text[pos] != ']') return false;
    ++pos;
    out.push_back(make_segment(std::move(key)));
    return true;
  }
  std::size_t start = pos;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  if (pos == start || pos >= text.size() || text[pos] != ']') return false;
  out.push_back(make_segment(std::string(text.substr(start, pos - start))));
  ++pos;
  return true;
}

bool parse_name(std::string_view text, std::size_t& pos, FieldPath& out) {
  std::size_t start = pos;
  while (pos < text.size() && text[pos] != '.' && text[pos] != '[' && text[pos] != ']') ++pos;
  if (pos == start) return false;
  out.push_back(make_segment(std::string(text.substr(start, pos - start))));
  return true;
}

}  // namespace

std::optional<FieldPath> parse_field_path(std::string_view text) {
  FieldPath path;
  std::size_t pos = 0;
  if (text.empty()) return std::nullopt;
  if (text[0] == '[' ? !parse_bracket(text, pos, path) : !parse_name(text, pos, path)) return std::nullopt;
  while (pos < text.size()) {
    if (text[pos] == '.') {
      ++pos;
      if (!parse_name(text, pos, path)) return std::nullopt;
    } else if (text[pos] == '[') {
      if (!parse_bracket(text, pos, path)) return std::nullopt;
    } else {
      return std::nullopt;  // a stray ']' or a name glued to a bracket, as in a[0]b
    }
  }
  return path;
}

}  // namespace switchboard::routing
