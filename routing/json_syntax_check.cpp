#include "routing/json_syntax_check.h"

#include <cstring>
#include <new>
#include <string_view>

#include "routing/json_text.h"
#include "routing/number_literal.h"

namespace switchboard::routing {

namespace od = simdjson::ondemand;
using simdjson::error_code;

namespace {
constexpr std::size_t kInitialCapacity = 4096;
}

JsonSyntaxCheck::JsonSyntaxCheck(std::size_t max_depth) : max_depth_(max_depth) {
  // The depth limit is fixed here; parse() grows the capacity but keeps it.
  if (dom_.allocate(kInitialCapacity, max_depth) != simdjson::SUCCESS) throw std::bad_alloc();
}

error_code JsonSyntaxCheck::check(const char* padded, std::size_t length) noexcept {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(padded);
  const error_code e = dom_.parse(bytes, length, false).error();
  if (e == simdjson::NUMBER_ERROR) return check_exactly(padded, length);
  return e;
}

error_code JsonSyntaxCheck::check(std::string_view text) {
  padded_.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(padded_.data(), text.data(), text.size());
  return check(padded_.data(), text.size());
}

error_code JsonSyntaxCheck::check_exactly(const char* padded, std::size_t length) noexcept {
  od::document doc;
  if (auto e = exact_.iterate(padded, length, length + simdjson::SIMDJSON_PADDING).get(doc)) return e;
  od::json_type type;
  if (auto e = doc.type().get(type)) return e;
  if (type == od::json_type::object || type == od::json_type::array) {
    od::value root;
    if (auto e = doc.get_value().get(root)) return e;
    if (auto e = walk(root, 1)) return e;
    // A location left after the root means bytes after it.
    return doc.current_location().error() ? simdjson::SUCCESS : simdjson::TRAILING_CONTENT;
  }
  // A scalar document: the DOM parser found a number it could not represent, so the
  // whole text, less JSON whitespace around it, must be that number.
  std::string_view text(padded, length);
  constexpr std::string_view kWhitespace = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return simdjson::EMPTY;
  text = text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
  return is_json_number(text) ? simdjson::SUCCESS : simdjson::NUMBER_ERROR;
}

error_code JsonSyntaxCheck::walk(od::value value, std::size_t depth) noexcept {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto e = value.get_object().get(object)) return e;
      for (auto member : object) {
        if (depth >= max_depth_) return simdjson::DEPTH_ERROR;
        od::field field;
        if (auto e = std::move(member).get(field)) return e;
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return e;
        if (auto e = walk(field.value(), depth + 1)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array array;
      if (auto e = value.get_array().get(array)) return e;
      for (auto element : array) {
        if (depth >= max_depth_) return simdjson::DEPTH_ERROR;
        od::value element_value;
        if (auto e = element.get(element_value)) return e;
        if (auto e = walk(element_value, depth + 1)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      // Unescaping is what validates escapes; strings without a backslash need none.
      const std::string_view token = value.raw_json_token();
      if (std::memchr(token.data(), '\\', token.size()) == nullptr) return simdjson::SUCCESS;
      std::string_view text;
      return value.get_string().get(text);
    }
    case od::json_type::number:
      return is_json_number(trim_number_token(value.raw_json_token())) ? simdjson::SUCCESS : simdjson::NUMBER_ERROR;
    case od::json_type::boolean: {
      bool b = false;
      return value.get_bool().get(b);
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto e = value.is_null().get(is_null)) return e;
      return is_null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

}  // namespace switchboard::routing
