#include "routing/like_pattern.h"

namespace switchboard::routing {

namespace {

std::size_t code_point_length(unsigned char lead) noexcept {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;  // continuation or invalid byte: step over it alone
}

std::size_t advance_code_point(std::string_view s, std::size_t pos) noexcept {
  std::size_t next = pos + code_point_length(static_cast<unsigned char>(s[pos]));
  return next > s.size() ? s.size() : next;
}

}  // namespace

bool ends_in_lone_backslash(std::string_view pattern) noexcept {
  std::size_t run = 0;
  while (run < pattern.size() && pattern[pattern.size() - 1 - run] == '\\') ++run;
  return run % 2 == 1;
}

bool compile_like(std::string_view pattern, std::vector<LikeToken>& out) {
  out.clear();
  for (std::size_t i = 0; i < pattern.size();) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 >= pattern.size()) return false;
      std::size_t end = advance_code_point(pattern, i + 1);
      for (std::size_t k = i + 1; k < end; ++k) out.push_back({LikeToken::Kind::kByte, pattern[k]});
      i = end;
    } else if (c == '%') {
      // A run of % is one % for matching; keeping one keeps backtracking linear.
      if (out.empty() || out.back().kind != LikeToken::Kind::kAnyRun) out.push_back({LikeToken::Kind::kAnyRun, 0});
      ++i;
    } else if (c == '_') {
      out.push_back({LikeToken::Kind::kOne, 0});
      ++i;
    } else {
      out.push_back({LikeToken::Kind::kByte, c});
      ++i;
    }
  }
  return true;
}

bool like_matches(std::span<const LikeToken> pattern, std::string_view subject) noexcept {
  // Greedy matching that remembers only the last `%`: on a mismatch, the last `%` absorbs
  // one more code point and matching resumes after it. Each resume costs at most
  // len(pattern) steps, and there are at most len(subject) resumes.
  std::size_t p = 0, s = 0;
  std::size_t star_p = SIZE_MAX, star_s = 0;
  while (s < subject.size()) {
    if (p < pattern.size()) {
      const LikeToken& t = pattern[p];
      if (t.kind == LikeToken::Kind::kAnyRun) {
        star_p = p++;
        star_s = s;
        continue;
      }
      if (t.kind == LikeToken::Kind::kOne) {
        s = advance_code_point(subject, s);
        ++p;
        continue;
      }
      if (t.byte == subject[s]) {
        ++s;
        ++p;
        continue;
      }
    }
    if (star_p == SIZE_MAX) return false;
    p = star_p + 1;
    star_s = advance_code_point(subject, star_s);
    s = star_s;
  }
  while (p < pattern.size() && pattern[p].kind == LikeToken::Kind::kAnyRun) ++p;
  return p == pattern.size();
}

}  // namespace switchboard::routing
