#include "routing/json_canonical.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "routing/json_text.h"
#include "routing/number_literal.h"

namespace switchboard::routing {

namespace {

namespace od = simdjson::ondemand;

// sign, significant digits and exponent: "-0.123e5"; zero is "0".
void append_canonical_number(std::string& out, std::string_view token) {
  std::string_view s = trim_ascii_whitespace(token);
  bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  std::string digits;
  std::int64_t point = -1;  // digits before the decimal point
  std::size_t i = 0;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.') {
      point = static_cast<std::int64_t>(digits.size());
    } else {
      digits.push_back(s[i]);
    }
  }
  if (point < 0) point = static_cast<std::int64_t>(digits.size());
  std::int64_t exponent = 0;
  if (i < s.size()) {
    std::string_view e = s.substr(i + 1);
    bool e_negative = false;
    if (!e.empty() && (e.front() == '+' || e.front() == '-')) {
      e_negative = e.front() == '-';
      e.remove_prefix(1);
    }
    for (char c : e) exponent = std::min<std::int64_t>(exponent * 10 + (c - '0'), std::int64_t{1} << 40);
    if (e_negative) exponent = -exponent;
  }
  std::size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  std::size_t end = digits.size();
  while (end > lead && digits[end - 1] == '0') --end;
  if (lead == end) {
    out += '0';
    return;
  }
  if (negative) out += '-';
  out += "0.";
  out.append(digits, lead, end - lead);
  out += 'e';
  out += std::to_string(point - static_cast<std::int64_t>(lead) + exponent);
}

simdjson::error_code append_canonical(std::string& out, od::value value, int depth) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  if ((type == od::json_type::object || type == od::json_type::array) && depth <= 0) return simdjson::DEPTH_ERROR;
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto e = value.get_object().get(object)) return e;
      std::vector<std::pair<std::string, std::string>> members;
      for (auto field : object) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return e;
        std::pair<std::string, std::string> member{std::string(key), {}};
        od::value v;
        if (auto e = field.value().get(v)) return e;
        if (auto e = append_canonical(member.second, v, depth - 1)) return e;
        members.push_back(std::move(member));
      }
      std::stable_sort(members.begin(), members.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      for (std::size_t k = 0; k < members.size(); ++k) {
        if (k > 0) out += ',';
        append_json_string(out, members[k].first);
        out += ':';
        out += members[k].second;
      }
      out += '}';
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array array;
      if (auto e = value.get_array().get(array)) return e;
      out += '[';
      bool first = true;
      for (auto element : array) {
        od::value v;
        if (auto e = element.get(v)) return e;
        if (!first) out += ',';
        first = false;
        if (auto e = append_canonical(out, v, depth - 1)) return e;
      }
      out += ']';
      return simdjson::SUCCESS;
    }
    case od::json_type::number:
      append_canonical_number(out, value.raw_json_token());
      return simdjson::SUCCESS;
    default:
      return append_minified(out, value);
  }
}

}  // namespace

bool JsonCanonicalizer::canonicalize(std::string_view json, std::string& out) {
  out.clear();
  padded_.assign(json);
  padded_.resize(json.size() + simdjson::SIMDJSON_PADDING);
  od::document doc;
  if (parser_.iterate(padded_.data(), json.size(), padded_.size()).get(doc)) return false;
  od::value root;
  if (doc.get_value().get(root)) return false;
  return !append_canonical(out, root, 64);
}

}  // namespace switchboard::routing
