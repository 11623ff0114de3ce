#include "routing/value_template.h"

#include <array>
#include <utility>

namespace switchboard::routing {

namespace {

std::string_view trim_spaces(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

void append_literal(ValueTemplate& t, std::string_view text) {
  if (text.empty()) return;
  if (t.parts.empty() || t.parts.back().is_reference) t.parts.emplace_back();
  t.parts.back().literal.append(text);
}

bool parse_reference(std::string_view inner, TemplatePart& part) {
  static constexpr std::array<std::pair<std::string_view, ConditionOn>, 3> kPrefixes = {{
      {"payload.", ConditionOn::kPayload},
      {"subscriber.", ConditionOn::kSubscriber},
      {"tenant.", ConditionOn::kTenant},
  }};
  for (const auto& [prefix, on] : kPrefixes) {
    if (!inner.starts_with(prefix)) continue;
    auto path = parse_field_path(inner.substr(prefix.size()));
    if (!path) return false;
    part.is_reference = true;
    part.on = on;
    part.path = std::move(*path);
    return true;
  }
  return false;
}

}  // namespace

bool ValueTemplate::has_references() const noexcept {
  for (const auto& p : parts) {
    if (p.is_reference) return true;
  }
  return false;
}

ValueTemplate parse_value_template(std::string_view value) {
  ValueTemplate t;
  std::size_t pos = 0;     // start of text not yet emitted
  std::size_t search = 0;  // where to look for the next `{{`
  while (search < value.size()) {
    std::size_t open = value.find("{{", search);
    if (open == std::string_view::npos) break;
    std::size_t close = value.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    TemplatePart part;
    if (parse_reference(trim_spaces(value.substr(open + 2, close - open - 2)), part)) {
      append_literal(t, value.substr(pos, open - pos));
      t.parts.push_back(std::move(part));
      pos = search = close + 2;
    } else {
      // Not a reference from this `{{`; one starting a brace later may be ("{{{payload.x}}}").
      search = open + 1;
    }
  }
  append_literal(t, value.substr(pos));
  return t;
}

}  // namespace switchboard::routing
