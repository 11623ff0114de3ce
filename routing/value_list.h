#pragma once
// A condition value read as a list (contract 3.3): a JSON array text (non-string items as
// their JSON text), else comma-separated items trimmed of ASCII whitespace (empty items
// kept); a value that is blank after trimming is the empty list.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "routing/number_literal.h"

namespace switchboard::routing {

// Reusable scratch for parsing list values at evaluation time without heap traffic
// once warmed up. Not thread-safe: one per thread.
struct ListScratch {
  simdjson::ondemand::parser parser;
  std::string padded;
};

class ValueList {
 public:
  void assign(std::string_view value, ListScratch& scratch);

  std::size_t size() const noexcept { return items_.size(); }
  std::string_view text(std::size_t i) const noexcept {
    return std::string_view(storage_).substr(items_[i].offset, items_[i].length);
  }
  const std::optional<Number>& number(std::size_t i) const noexcept { return items_[i].number; }

 private:
  struct Item {
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
    std::optional<Number> number;  // set when the item is a number literal
  };
  bool assign_json_array(std::string_view trimmed, ListScratch& scratch);
  void push(std::size_t offset);

  std::string storage_;
  std::vector<Item> items_;
};

}  // namespace switchboard::routing
