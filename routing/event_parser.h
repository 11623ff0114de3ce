#pragma once
// Validates an event (contract section 2) and captures the fields its conditions need.
// Two passes over a padded copy of the bytes: JsonSyntaxCheck proves the whole text is
// well-formed JSON, then simdjson On-Demand reads only what routing needs (the contract's
// fields and the paths in the bucket's FieldTable) and steps over everything else.
// Not thread-safe: one parser per thread. Allocation-free once its buffers are warm.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "routing/event_view.h"
#include "routing/field_table.h"
#include "routing/json_syntax_check.h"
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

// Objects and arrays nested deeper than this inside the event object make it invalid
// (an empty innermost container is not counted).
inline constexpr int kMaxEventNesting = 64;
// The JsonSyntaxCheck depth that enforces it: + the event object, + 1 as its limit is exclusive.
inline constexpr std::size_t kEventSyntaxDepth = kMaxEventNesting + 2;

class EventParser {
 public:
  EventParser();

  // Parses `json`. On success fills `out` and returns true; on failure sets `error`
  // (code and one-line message naming the field) and returns false. Never throws.
  bool parse(std::string_view json, const FieldTableSource* tables, EventView& out, Error& error);

  // The same without the syntax check, for text that has already passed one (the second
  // pass alone, as benchmarked by BM_ParseEvent). Shapes and types of the fields read are
  // still checked; malformed JSON in values nothing reads goes unnoticed.
  bool parse_well_formed(std::string_view json, const FieldTableSource* tables, EventView& out, Error& error);

 private:
  struct Capture;
  simdjson::error_code walk(simdjson::ondemand::value value, const FieldTable::Node* node, bool render,
                            FieldValue& out, Capture* members);
  bool raw_string(const char* begin, std::string_view& text) const noexcept;
  simdjson::error_code key_of(simdjson::ondemand::field& field, std::string_view& key) noexcept;
  simdjson::error_code string_of(simdjson::ondemand::value& value, std::string_view& text) noexcept;
  simdjson::error_code walk_scalar(simdjson::ondemand::value value, simdjson::ondemand::json_type type,
                                   bool render, FieldValue& out);
  void copy_padded(std::string_view json);
  bool read(std::size_t length, const FieldTableSource* tables, EventView& out, Error& error);
  bool parse_root(simdjson::ondemand::document& doc, EventView& out, Error& error, bool& restart);
  bool parse_subscriber(simdjson::ondemand::value value, Error& error);
  bool parse_channels(simdjson::ondemand::value value, const FieldTable::Node* node, Error& error);
  bool resolve_table(simdjson::ondemand::document& doc);
  void store_slot(const FieldTable::Node* node, const FieldValue& value);
  void reset_captures();

  JsonSyntaxCheck syntax_;
  simdjson::ondemand::parser parser_;
  std::vector<char> buffer_;                 // padded copy of the event
  std::size_t length_ = 0;                   // of the event in buffer_
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
  std::string message_;
};

}  // namespace switchboard::routing
