#include "routing/value_list.h"

#include "routing/json_text.h"

namespace switchboard::routing {

void ValueList::push(std::size_t offset) {
  Item item;
  item.offset = static_cast<std::uint32_t>(offset);
  item.length = static_cast<std::uint32_t>(storage_.size() - offset);
  item.number = parse_number_literal(std::string_view(storage_).substr(offset));
  items_.push_back(item);
}

bool ValueList::assign_json_array(std::string_view trimmed, ListScratch& scratch) {
  scratch.padded.assign(trimmed);
  scratch.padded.resize(trimmed.size() + simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::document doc;
  if (scratch.parser.iterate(scratch.padded.data(), trimmed.size(), scratch.padded.size()).get(doc)) return false;
  simdjson::ondemand::array array;
  if (doc.get_array().get(array)) return false;
  for (auto element : array) {
    simdjson::ondemand::value v;
    if (element.get(v)) return false;
    const std::size_t offset = storage_.size();
    simdjson::ondemand::json_type type;
    if (v.type().get(type)) return false;
    if (type == simdjson::ondemand::json_type::string) {
      std::string_view s;
      if (v.get_string().get(s)) return false;
      storage_.append(s);
    } else if (append_minified(storage_, v)) {
      return false;
    }
    push(offset);
  }
  // Trailing content after the array means the text was not one JSON array.
  return doc.current_location().error() != simdjson::SUCCESS;
}

void ValueList::assign(std::string_view value, ListScratch& scratch) {
  storage_.clear();
  items_.clear();
  std::string_view trimmed = trim_ascii_whitespace(value);
  if (trimmed.empty()) return;
  if (trimmed.front() == '[') {
    if (assign_json_array(trimmed, scratch)) return;
    storage_.clear();
    items_.clear();
  }
  std::size_t start = 0;
  while (true) {
    std::size_t comma = value.find(',', start);
    std::string_view item = value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const std::size_t offset = storage_.size();
    storage_.append(trim_ascii_whitespace(item));
    push(offset);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

}  // namespace switchboard::routing
