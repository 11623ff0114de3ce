#include "registry/compact_json.h"

#include <charconv>
#include <cmath>

namespace switchboard::registry {
namespace {

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3f)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3f)));
  }
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace

bool CompactJsonReader::consume(char c) noexcept {
  if (!peek(c)) return false;
  ++pos_;
  return true;
}

bool CompactJsonReader::consume_key(std::string_view key, bool after_comma) noexcept {
  std::string_view rest = text_.substr(pos_);
  const std::size_t comma = after_comma ? 1 : 0;
  if (rest.size() < comma + key.size() + 3 || (after_comma && rest[0] != ',')) return false;
  rest.remove_prefix(comma);
  if (rest[0] != '"' || rest.substr(1, key.size()) != key || rest[key.size() + 1] != '"' ||
      rest[key.size() + 2] != ':') {
    return false;
  }
  pos_ += comma + key.size() + 3;
  return true;
}

bool CompactJsonReader::read_string(std::string& out) {
  if (!consume('"')) return false;
  out.clear();
  bool high_bytes = false;
  std::size_t run = pos_;  // start of the bytes not yet copied
  while (pos_ < text_.size()) {
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      out.append(text_.data() + run, pos_ - run);
      ++pos_;
      return !high_bytes || is_valid_utf8(out);
    }
    if (c < 0x20) return false;  // raw control characters are not JSON
    if (c >= 0x80) high_bytes = true;
    if (c != '\\') {
      ++pos_;
      continue;
    }
    out.append(text_.data() + run, pos_ - run);
    if (pos_ + 1 >= text_.size()) return false;
    const char escape = text_[pos_ + 1];
    pos_ += 2;
    switch (escape) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '/': out.push_back('/'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        if (pos_ + 4 > text_.size()) return false;
        std::uint32_t code_point = 0;
        for (std::size_t i = 0; i < 4; ++i) {
          const int digit = hex_digit(text_[pos_ + i]);
          if (digit < 0) return false;
          code_point = code_point * 16 + static_cast<std::uint32_t>(digit);
        }
        pos_ += 4;
        // Surrogates (pairs or lone) are left to the full parser.
        if (code_point >= 0xd800 && code_point <= 0xdfff) return false;
        append_utf8(out, code_point);
        break;
      }
      default:
        return false;
    }
    run = pos_;
  }
  return false;  // unterminated
}

bool CompactJsonReader::read_bool(bool& out) noexcept {
  const std::string_view rest = text_.substr(pos_);
  if (rest.starts_with("true")) {
    out = true;
    pos_ += 4;
    return true;
  }
  if (rest.starts_with("false")) {
    out = false;
    pos_ += 5;
    return true;
  }
  return false;
}

bool CompactJsonReader::consume_null() noexcept {
  if (!text_.substr(pos_).starts_with("null")) return false;
  pos_ += 4;
  return true;
}

std::size_t CompactJsonReader::number_end(bool& integral) const noexcept {
  std::size_t i = pos_;
  const std::size_t n = text_.size();
  if (i < n && text_[i] == '-') ++i;
  if (i >= n || !is_digit(text_[i])) return std::string_view::npos;
  if (text_[i] == '0') {
    ++i;  // no leading zeros: "01" is not JSON
  } else {
    while (i < n && is_digit(text_[i])) ++i;
  }
  integral = true;
  if (i < n && text_[i] == '.') {
    integral = false;
    ++i;
    if (i >= n || !is_digit(text_[i])) return std::string_view::npos;
    while (i < n && is_digit(text_[i])) ++i;
  }
  if (i < n && (text_[i] == 'e' || text_[i] == 'E')) {
    integral = false;
    ++i;
    if (i < n && (text_[i] == '+' || text_[i] == '-')) ++i;
    if (i >= n || !is_digit(text_[i])) return std::string_view::npos;
    while (i < n && is_digit(text_[i])) ++i;
  }
  return i;
}

bool CompactJsonReader::read_int64(std::int64_t& out) noexcept {
  bool integral = false;
  const std::size_t end = number_end(integral);
  if (end == std::string_view::npos || !integral) return false;
  const char* first = text_.data() + pos_;
  const char* last = text_.data() + end;
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || ptr != last) return false;
  out = value;
  pos_ = end;
  return true;
}

bool CompactJsonReader::read_double(double& out) noexcept {
  bool integral = false;
  const std::size_t end = number_end(integral);
  if (end == std::string_view::npos) return false;
  const char* first = text_.data() + pos_;
  const char* last = text_.data() + end;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || ptr != last || !std::isfinite(value)) return false;
  out = value;
  pos_ = end;
  return true;
}

bool is_valid_utf8(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t extra = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) <= extra) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t i = 2; i <= extra; ++i) {
      if (p[i] < 0x80 || p[i] > 0xbf) return false;
    }
    p += extra + 1;
  }
  return true;
}

}  // namespace switchboard::registry
