#include "routing/event_ids.h"

#include <simdjson.h>

namespace switchboard::routing {

EventIds read_event_ids(std::string_view json) {
  EventIds ids;
  // The DOM parser validates the whole document before any lookup, which keeps lookups
  // on malformed input safe; this runs only for events already found invalid.
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(simdjson::padded_string(json)).get_object().get(root)) return ids;
  auto read = [&](const char* key, std::string& out) {
    std::string_view value;
    if (!root[key].get_string().get(value)) out.assign(value);
  };
  read("id", ids.id);
  if (ids.id.size() > 128) ids.id.clear();  // not an id the contract accepts
  read("organizationId", ids.organization_id);
  read("environmentId", ids.environment_id);
  read("channel", ids.channel);
  read("transactionId", ids.transaction_id);
  return ids;
}

}  // namespace switchboard::routing
