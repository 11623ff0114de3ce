#pragma once
// Whether a text is exactly one well-formed JSON value (RFC 8259) whose containers nest
// less than `max_depth` deep (the outermost is at depth 1). simdjson's counting: only a
// container that holds something counts, so an empty one may sit at `max_depth`.
//
// Routing reads events lazily with On-Demand, which touches only the fields a decision
// needs and so cannot see a malformed value elsewhere; the contract makes such an event
// invalid. This check is that separate, complete pass: simdjson's DOM parser validates
// every byte in one go (~0.5 µs per KB, a third of an On-Demand walk of every value).
// DOM refuses numbers it cannot represent (integers beyond 64 bits, 1e400) although they
// are valid JSON, so those documents are re-checked by an exact On-Demand walk.
// Not thread-safe: one per thread.

#include <cstddef>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace switchboard::routing {

class JsonSyntaxCheck {
 public:
  explicit JsonSyntaxCheck(std::size_t max_depth);

  // `padded` holds `length` bytes followed by at least simdjson::SIMDJSON_PADDING readable
  // bytes. SUCCESS when well-formed, else the first problem found.
  simdjson::error_code check(const char* padded, std::size_t length) noexcept;
  // The same for text without padding: copied into a buffer the checker keeps.
  simdjson::error_code check(std::string_view text);

 private:
  simdjson::error_code check_exactly(const char* padded, std::size_t length) noexcept;
  simdjson::error_code walk(simdjson::ondemand::value value, std::size_t depth) noexcept;

  std::vector<char> padded_;  // for check(std::string_view)
  simdjson::dom::parser dom_;
  simdjson::ondemand::parser exact_;
  std::size_t max_depth_;
};

}  // namespace switchboard::routing
