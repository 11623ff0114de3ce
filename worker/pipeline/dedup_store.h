#pragma once
// Event ids already completed (contract: `duplicate` status). Redis in the worker
// (SET NX EX), a map in tests. Errors are values: the pipeline degrades to "not seen".

#include <cstdint>
#include <functional>
#include <string>

#include "routing/result.h"

namespace switchboard::worker {

class DedupStore {
 public:
  virtual ~DedupStore() = default;
  virtual void seen(const std::string& event_id, std::function<void(Result<bool>)> done) = 0;
  // Records the id for `ttl_s` seconds once the event completed.
  virtual void record(const std::string& event_id, std::uint32_t ttl_s, std::function<void(Result<bool>)> done) = 0;
};

}  // namespace switchboard::worker
