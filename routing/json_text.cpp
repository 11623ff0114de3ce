#include "routing/json_text.h"

#include "routing/number_literal.h"

namespace switchboard::routing {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(s.data() + run_start, s.size() - run_start);
  out.push_back('"');
}

std::string_view trim_number_token(std::string_view raw_token) noexcept {
  return trim_ascii_whitespace(raw_token);
}

simdjson::error_code append_minified(std::string& out, simdjson::ondemand::value value, int max_depth) {
  using simdjson::ondemand::json_type;
  json_type type;
  if (auto err = value.type().get(type)) return err;
  if ((type == json_type::object || type == json_type::array) && max_depth <= 0) return simdjson::DEPTH_ERROR;
  switch (type) {
    case json_type::object: {
      simdjson::ondemand::object object;
      if (auto err = value.get_object().get(object)) return err;
      out.push_back('{');
      bool first = true;
      for (auto field : object) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, key);
        out.push_back(':');
        if (auto err = append_minified(out, field.value(), max_depth - 1)) return err;
      }
      out.push_back('}');
      return simdjson::SUCCESS;
    }
    case json_type::array: {
      simdjson::ondemand::array array;
      if (auto err = value.get_array().get(array)) return err;
      out.push_back('[');
      bool first = true;
      for (auto element : array) {
        simdjson::ondemand::value v;
        if (auto err = element.get(v)) return err;
        if (!first) out.push_back(',');
        first = false;
        if (auto err = append_minified(out, v, max_depth - 1)) return err;
      }
      out.push_back(']');
      return simdjson::SUCCESS;
    }
    case json_type::string: {
      std::string_view s;
      if (auto err = value.get_string().get(s)) return err;
      append_json_string(out, s);
      return simdjson::SUCCESS;
    }
    case json_type::number: {
      std::string_view token = trim_number_token(value.raw_json_token());
      if (!parse_json_number(token)) return simdjson::NUMBER_ERROR;
      out.append(token);
      return simdjson::SUCCESS;
    }
    case json_type::boolean: {
      bool b;
      if (auto err = value.get_bool().get(b)) return err;
      out.append(b ? "true" : "false");
      return simdjson::SUCCESS;
    }
    case json_type::null: {
      bool is_null;
      if (auto err = value.is_null().get(is_null)) return err;
      if (!is_null) return simdjson::N_ATOM_ERROR;
      out.append("null");
      return simdjson::SUCCESS;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

}  // namespace switchboard::routing
