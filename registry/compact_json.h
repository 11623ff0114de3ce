#pragma once
// A reader for compact JSON as our own writers produce it (nlohmann's dump(-1) and Redis'
// cjson: no whitespace), for the fast read paths of the stores (integration_codec's
// decode_stored_fast, redis_layout's flags record).
//
// It accepts a strict subset of JSON and never more: every string it returns was valid
// JSON (escapes decoded, UTF-8 checked), every number a valid JSON number. What it does
// not handle (whitespace, \u escapes of surrogates, ...) makes the read fail, and the
// caller then falls back to a full parser, which accepts the text or reports it. A failed
// read may leave the position anywhere: give up on the reader after one. Never throws.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace switchboard::registry {

class CompactJsonReader {
 public:
  explicit CompactJsonReader(std::string_view text) noexcept : text_(text) {}

  bool at_end() const noexcept { return pos_ == text_.size(); }
  bool peek(char c) const noexcept { return pos_ < text_.size() && text_[pos_] == c; }
  // Consumes `c` when it is next.
  bool consume(char c) noexcept;
  // Consumes `"key":` (`,"key":` when after_comma) when it is next, exactly (`key` is
  // plain ASCII needing no escape); consumes nothing otherwise.
  bool consume_key(std::string_view key, bool after_comma = false) noexcept;

  // A string value into `out` (unescaped).
  bool read_string(std::string& out);
  bool read_bool(bool& out) noexcept;
  bool consume_null() noexcept;
  // An integer literal (no fraction or exponent) that fits int64.
  bool read_int64(std::int64_t& out) noexcept;
  // Any JSON number within double range.
  bool read_double(double& out) noexcept;

 private:
  // The end of the JSON number starting at pos_, or npos when there is none; `integral`
  // tells whether it has neither fraction nor exponent.
  std::size_t number_end(bool& integral) const noexcept;

  std::string_view text_;
  std::size_t pos_ = 0;
};

// RFC 3629 UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), as nlohmann's
// parser demands of strings.
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace switchboard::registry
