#pragma once
// A field of the event as a condition sees it: missing, null, or a typed JSON value.
// Views point into the EventParser's buffers and live until its next parse.

#include <cstdint>
#include <string_view>

#include "routing/number_literal.h"

namespace switchboard::routing {

enum class ValueKind : std::uint8_t { kMissing = 0, kNull, kBool, kNumber, kString, kArray, kObject };

struct FieldValue {
  ValueKind kind = ValueKind::kMissing;
  bool boolean = false;
  Number number;
  // kString: the unescaped string; kNumber: the token as written; kBool/kNull: the literal;
  // kArray/kObject: the minified JSON when the field is used in a template, else empty.
  std::string_view text;
  // kArray: its elements in EventView::elements (only when an operator needs them).
  std::uint32_t elements_begin = 0;
  std::uint32_t elements_end = 0;

  bool defined() const noexcept { return kind != ValueKind::kMissing; }
  bool is_scalar() const noexcept {
    return kind == ValueKind::kString || kind == ValueKind::kNumber || kind == ValueKind::kBool;
  }
};

}  // namespace switchboard::routing
