#pragma once
// Validates an event (contract section 2) and captures the fields its conditions need,
// in one pass of simdjson On-Demand over a padded copy of the bytes.
// Not thread-safe: one parser per thread. Allocation-free once its buffers are warm.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "routing/event_view.h"
#include "routing/field_table.h"
#include "routing/result.h"

namespace switchboard::routing {

// Tells the parser which fields to capture once it knows the event's bucket.
class FieldTableSource {
 public:
  virtual ~FieldTableSource() = default;
  // nullptr when no condition of that bucket reads any field.
  virtual const FieldTable* field_table_for(std::string_view organization_id, std::string_view environment_id,
                                            Channel channel) const noexcept = 0;
};

// Error codes (Error::code) of invalid events, also used as dead-letter reasons.
inline constexpr std::string_view kInvalidJson = "invalid_json";
inline constexpr std::string_view kMissingField = "missing_field";
inline constexpr std::string_view kWrongType = "wrong_type";

// Objects and arrays nested deeper than this make an event invalid (the walk recurses).
inline constexpr int kMaxEventNesting = 64;

class EventParser {
 public:
  EventParser();

  // Parses `json`. On success fills `out` and returns true; on failure sets `error`
  // (code and one-line message naming the field) and returns false. Never throws.
  bool parse(std::string_view json, const FieldTableSource* tables, EventView& out, Error& error);

 private:
  struct Capture;
  simdjson::error_code walk(simdjson::ondemand::value value, const FieldTable::Node* node, bool render,
                            FieldValue& out, Capture* members);
  simdjson::error_code skip(simdjson::ondemand::value value);
  simdjson::error_code walk_scalar(simdjson::ondemand::value value, simdjson::ondemand::json_type type,
                                   bool render, FieldValue& out);
  bool parse_root(simdjson::ondemand::document& doc, EventView& out, Error& error, bool& restart);
  bool parse_subscriber(simdjson::ondemand::value value, Error& error);
  bool parse_channels(simdjson::ondemand::value value, const FieldTable::Node* node, Error& error);
  bool resolve_table(simdjson::ondemand::document& doc);
  void store_slot(const FieldTable::Node* node, const FieldValue& value);
  void reset_captures();

  simdjson::ondemand::parser parser_;
  std::vector<char> buffer_;                 // padded copy of the event
  std::string arena_;                        // rendered JSON of fields used in templates
  std::vector<FieldValue> slots_;
  std::vector<FieldValue> elements_;
  std::vector<FieldValue> pending_elements_;  // a stack, so nested arrays stay contiguous
  std::vector<std::uint32_t> slot_render_begin_;
  std::vector<std::uint32_t> slot_render_end_;
  std::vector<SubscriberChannelEntry> channels_;
  std::vector<std::uint32_t> channel_json_begin_;
  std::vector<std::uint32_t> channel_json_end_;
  const FieldTableSource* tables_ = nullptr;
  const FieldTable* table_ = nullptr;
  bool table_resolved_ = false;
  std::string_view subscriber_id_;
  bool subscriber_id_seen_ = false;
  int depth_ = 0;  // containers open in the current walk
  std::string message_;
};

}  // namespace switchboard::routing
