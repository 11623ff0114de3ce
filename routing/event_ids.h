#pragma once
// Best-effort reading of an invalid event's ids, so its `invalid` status event can name
// it (contract section 2: "a status event invalid is emitted when the ids needed for it
// are readable"). Never throws; fields that cannot be read stay empty.

#include <string>
#include <string_view>

namespace switchboard::routing {

struct EventIds {
  std::string id;  // empty: not readable, no status event can be emitted
  std::string organization_id;
  std::string environment_id;
  std::string channel;
  std::string transaction_id;
};

EventIds read_event_ids(std::string_view json);

}  // namespace switchboard::routing
