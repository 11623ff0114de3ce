#pragma once
// What routing reads from one event (contract section 2), valid until the parser that
// produced it parses again.

#include <cstdint>
#include <span>
#include <string_view>

#include "routing/channel.h"
#include "routing/field_value.h"

namespace switchboard::routing {

struct SubscriberChannelEntry {
  std::uint32_t index = 0;                      // position in subscriber.channels, counting every entry
  std::string_view provider_id;
  std::string_view integration_identifier;      // empty when absent
  std::string_view json;                        // the entry, minified
};

// The five named override fields; an empty view means "not given" (contract 4).
struct EventOverrides {
  std::string_view integration_identifier;
  std::string_view provider_id;
  std::string_view from;
  std::string_view sender_name;
  std::string_view reply_to;
};

struct EventView {
  std::string_view id;
  std::string_view organization_id;
  std::string_view environment_id;
  Channel channel = Channel::kEmail;
  std::string_view transaction_id;  // empty when absent
  std::string_view created_at;      // empty when absent
  std::string_view subscriber_id;
  EventOverrides overrides;
  std::span<const SubscriberChannelEntry> subscriber_channels;
  // Indexed by the slots of the FieldTable the parser was given.
  std::span<const FieldValue> fields;
  std::span<const FieldValue> elements;
};

}  // namespace switchboard::routing
