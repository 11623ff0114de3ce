#pragma once
// A canonical text of a JSON value, for deep equality with key order ignored (fan-out
// entries, contract 4.2): object members sorted by key, numbers by exact decimal value
// (1, 1.0 and 10e-1 are the same; 12345678901234567890123 and …124 are not), strings
// re-escaped minimally. Allocates: not for per-field hot paths.

#include <string>
#include <string_view>

#include <simdjson.h>

namespace switchboard::routing {

class JsonCanonicalizer {
 public:
  // The canonical text of `json`, or nullopt-like false when it does not parse.
  bool canonicalize(std::string_view json, std::string& out);

 private:
  simdjson::ondemand::parser parser_;
  std::string padded_;
};

}  // namespace switchboard::routing
