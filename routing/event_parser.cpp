#include "routing/event_parser.h"

#include <array>
#include <bit>
#include <cstring>

#include "routing/json_text.h"

namespace switchboard::routing {

namespace od = simdjson::ondemand;
using simdjson::error_code;

namespace {

constexpr std::size_t kMaxIdBytes = 128;

enum RootKey : std::uint32_t {
  kId, kOrganizationId, kEnvironmentId, kChannel, kTransactionId, kCreatedAt,
  kSubscriber, kTenant, kPayload, kContent, kOverrides, kRootKeyCount,
};
constexpr std::array<std::string_view, kRootKeyCount> kRootKeys = {
    "id", "organizationId", "environmentId", "channel", "transactionId", "createdAt",
    "subscriber", "tenant", "payload", "content", "overrides"};

constexpr std::array<std::string_view, 5> kOverrideKeys = {"integrationIdentifier", "providerId", "from",
                                                           "senderName", "replyTo"};
constexpr std::array<std::string_view, 3> kChannelEntryKeys = {"providerId", "integrationIdentifier",
                                                               "credentials"};

bool fail(Error& error, std::string_view code, std::string message) {
  error.code = std::string(code);
  error.message = std::move(message);
  return false;
}

bool fail_json(Error& error, error_code e) {
  return fail(error, kInvalidJson, std::string("not valid JSON: ") + simdjson::error_message(e));
}

std::string index_path(std::string_view base, std::uint32_t i, std::string_view rest = {}) {
  std::string s(base);
  s += '[';
  s += std::to_string(i);
  s += ']';
  if (!rest.empty()) {
    s += '.';
    s += rest;
  }
  return s;
}

}  // namespace

// Named members of the object being walked, captured for schema checks.
struct EventParser::Capture {
  std::span<const std::string_view> keys;
  FieldValue* values;

  bool wants(std::string_view key) const noexcept {
    for (std::string_view k : keys) {
      if (k == key) return true;
    }
    return false;
  }
  void store(std::string_view key, const FieldValue& value) noexcept {
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (keys[k] == key) values[k] = value;
    }
  }
};

EventParser::EventParser() : syntax_(kEventSyntaxDepth) {}

void EventParser::reset_captures() {
  const std::uint32_t n = table_ ? table_->slot_count() : 0;
  slots_.assign(n, FieldValue{});
  slot_render_begin_.assign(n, 0);
  slot_render_end_.assign(n, 0);
  elements_.clear();
  pending_elements_.clear();
  arena_.clear();
  channels_.clear();
  channel_json_begin_.clear();
  channel_json_end_.clear();
  subscriber_id_ = {};
  subscriber_id_seen_ = false;
}

void EventParser::store_slot(const FieldTable::Node* node, const FieldValue& value) {
  if (node == nullptr || node->slot == FieldTable::kNoSlot) return;
  slots_[static_cast<std::size_t>(node->slot)] = value;
}

namespace {

// Bytes of `word` equal to `byte` have their high bit set; the lowest flagged byte is
// exact (the borrow of the subtraction only spreads upwards).
constexpr std::uint64_t flag_bytes(std::uint64_t word, std::uint8_t byte) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  const std::uint64_t x = word ^ (kOnes * byte);
  return (x - kOnes) & ~x & (kOnes << 7);
}

}  // namespace

// The text of a string whose opening quote is just before `begin`: its raw bytes when it
// holds no backslash (no copy into On-Demand's string buffer), else false.
bool EventParser::raw_string(const char* begin, std::string_view& text) const noexcept {
  // Well-formed input (the syntax check passed) closes every string before its end; the
  // padding after the end makes 8-byte reads past it safe.
  const char* end = buffer_.data() + length_;
  for (const char* p = begin; p < end;) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    if constexpr (std::endian::native != std::endian::little) word = __builtin_bswap64(word);
    const std::uint64_t stops = flag_bytes(word, '"') | flag_bytes(word, '\\');
    if (stops == 0) {
      p += sizeof word;
      continue;
    }
    p += std::countr_zero(stops) / 8;
    if (p >= end || *p != '"') return false;  // a backslash first: the caller unescapes
    text = std::string_view(begin, static_cast<std::size_t>(p - begin));
    return true;
  }
  return false;
}

error_code EventParser::key_of(od::field& field, std::string_view& key) noexcept {
  if (raw_string(reinterpret_cast<const char*>(field.key().raw()), key)) return simdjson::SUCCESS;
  return field.unescaped_key().get(key);
}

error_code EventParser::string_of(od::value& value, std::string_view& text) noexcept {
  od::raw_json_string raw;
  if (auto e = value.get_raw_json_string().get(raw)) return e;
  if (raw_string(reinterpret_cast<const char*>(raw.raw()), text)) return simdjson::SUCCESS;
  return value.get_string().get(text);
}

error_code EventParser::walk_scalar(od::value value, od::json_type type, bool render, FieldValue& out) {
  switch (type) {
    case od::json_type::string: {
      if (auto e = string_of(value, out.text)) return e;
      out.kind = ValueKind::kString;
      if (render) append_json_string(arena_, out.text);
      return simdjson::SUCCESS;
    }
    case od::json_type::number: {
      out.text = trim_number_token(value.raw_json_token());
      auto number = parse_json_number(out.text);
      if (!number) return simdjson::NUMBER_ERROR;
      out.kind = ValueKind::kNumber;
      out.number = *number;
      if (render) arena_.append(out.text);
      return simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
      if (auto e = value.get_bool().get(out.boolean)) return e;
      out.kind = ValueKind::kBool;
      out.text = out.boolean ? "true" : "false";
      if (render) arena_.append(out.text);
      return simdjson::SUCCESS;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto e = value.is_null().get(is_null)) return e;
      if (!is_null) return simdjson::N_ATOM_ERROR;
      out.kind = ValueKind::kNull;
      out.text = "null";
      if (render) arena_.append(out.text);
      return simdjson::SUCCESS;
    }
    default:
      return simdjson::INCORRECT_TYPE;
  }
}

error_code EventParser::walk(od::value value, const FieldTable::Node* node, bool render, FieldValue& out,
                             Capture* members) {
  out = FieldValue{};
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  const bool has_slot = node != nullptr && node->slot != FieldTable::kNoSlot;
  const FieldTable::SlotUse use = has_slot ? table_->slot_use(static_cast<std::uint32_t>(node->slot))
                                           : FieldTable::SlotUse{};

  if (type == od::json_type::object) {
    const bool render_here = render || use.rendered;
    const auto begin = static_cast<std::uint32_t>(arena_.size());
    od::object object;
    if (auto e = value.get_object().get(object)) return e;
    if (render_here) arena_.push_back('{');
    bool first = true;
    for (auto member : object) {
      od::field field;
      if (auto e = std::move(member).get(field)) return e;
      std::string_view key;
      if (auto e = key_of(field, key)) return e;
      if (render_here) {
        if (!first) arena_.push_back(',');
        append_json_string(arena_, key);
        arena_.push_back(':');
      }
      first = false;
      const FieldTable::Node* child_node = node ? table_->child(node, key) : nullptr;
      // A value nothing reads is left untouched: On-Demand steps over it (the syntax
      // check has already seen it).
      if (child_node == nullptr && !render_here && !(members && members->wants(key))) continue;
      FieldValue child;
      if (auto e = walk(field.value(), child_node, render_here, child, nullptr)) return e;
      if (members != nullptr) members->store(key, child);
    }
    if (render_here) arena_.push_back('}');
    out.kind = ValueKind::kObject;
    if (has_slot && use.rendered) {
      slot_render_begin_[static_cast<std::size_t>(node->slot)] = begin;
      slot_render_end_[static_cast<std::size_t>(node->slot)] = static_cast<std::uint32_t>(arena_.size());
    }
    store_slot(node, out);
    return simdjson::SUCCESS;
  }

  if (type == od::json_type::array) {
    const bool render_here = render || use.rendered;
    const auto begin = static_cast<std::uint32_t>(arena_.size());
    od::array array;
    if (auto e = value.get_array().get(array)) return e;
    const std::size_t mark = pending_elements_.size();
    if (render_here) arena_.push_back('[');
    std::uint32_t index = 0;
    for (auto element : array) {
      od::value element_value;
      if (auto e = element.get(element_value)) return e;
      if (render_here && index > 0) arena_.push_back(',');
      const FieldTable::Node* child_node = node ? table_->child_at(node, index) : nullptr;
      if (child_node == nullptr && !render_here && !use.elements) {
        ++index;
        continue;
      }
      FieldValue child;
      if (auto e = walk(element_value, child_node, render_here, child, nullptr)) return e;
      if (use.elements) pending_elements_.push_back(child);
      ++index;
    }
    if (render_here) arena_.push_back(']');
    out.kind = ValueKind::kArray;
    if (use.elements) {
      out.elements_begin = static_cast<std::uint32_t>(elements_.size());
      elements_.insert(elements_.end(), pending_elements_.begin() + static_cast<std::ptrdiff_t>(mark),
                       pending_elements_.end());
      out.elements_end = static_cast<std::uint32_t>(elements_.size());
      pending_elements_.resize(mark);
    }
    if (has_slot && use.rendered) {
      slot_render_begin_[static_cast<std::size_t>(node->slot)] = begin;
      slot_render_end_[static_cast<std::size_t>(node->slot)] = static_cast<std::uint32_t>(arena_.size());
    }
    store_slot(node, out);
    return simdjson::SUCCESS;
  }

  if (auto e = walk_scalar(value, type, render, out)) return e;
  store_slot(node, out);
  return simdjson::SUCCESS;
}

bool EventParser::parse_channels(od::value value, const FieldTable::Node* node, Error& error) {
  od::json_type type;
  if (auto e = value.type().get(type)) return fail_json(error, e);
  if (type != od::json_type::array) return fail(error, kWrongType, "field \"subscriber.channels\" must be an array");
  od::array array;
  if (auto e = value.get_array().get(array)) return fail_json(error, e);
  const bool has_slot = node != nullptr && node->slot != FieldTable::kNoSlot;
  const auto begin = static_cast<std::uint32_t>(arena_.size());
  arena_.push_back('[');
  FieldValue whole;
  whole.kind = ValueKind::kArray;
  std::uint32_t index = 0;
  for (auto element : array) {
    od::value entry;
    if (auto e = element.get(entry)) return fail_json(error, e);
    if (index > 0) arena_.push_back(',');
    const auto entry_begin = static_cast<std::uint32_t>(arena_.size());
    std::array<FieldValue, kChannelEntryKeys.size()> members{};
    Capture capture{kChannelEntryKeys, members.data()};
    FieldValue entry_value;
    if (auto e = walk(entry, node ? table_->child_at(node, index) : nullptr, true, entry_value, &capture)) {
      return fail_json(error, e);
    }
    if (entry_value.kind != ValueKind::kObject) {
      return fail(error, kWrongType, "field \"" + index_path("subscriber.channels", index) + "\" must be an object");
    }
    if (members[0].kind != ValueKind::kString) {
      return fail(error, members[0].defined() ? kWrongType : kMissingField,
                  "field \"" + index_path("subscriber.channels", index, "providerId") + "\" must be a string");
    }
    if (members[1].defined() && members[1].kind != ValueKind::kString) {
      return fail(error, kWrongType,
                  "field \"" + index_path("subscriber.channels", index, "integrationIdentifier") + "\" must be a string");
    }
    if (members[2].defined() && members[2].kind != ValueKind::kObject) {
      return fail(error, kWrongType,
                  "field \"" + index_path("subscriber.channels", index, "credentials") + "\" must be an object");
    }
    channels_.push_back(SubscriberChannelEntry{index, members[0].text, members[1].text, {}});
    channel_json_begin_.push_back(entry_begin);
    channel_json_end_.push_back(static_cast<std::uint32_t>(arena_.size()));
    ++index;
  }
  arena_.push_back(']');
  if (has_slot) {
    const auto slot = static_cast<std::size_t>(node->slot);
    // Entries are objects, which no operator compares equal to anything: only their
    // count matters to the element-wise operators.
    if (table_->slot_use(static_cast<std::uint32_t>(slot)).elements) {
      whole.elements_begin = static_cast<std::uint32_t>(elements_.size());
      FieldValue object_element;
      object_element.kind = ValueKind::kObject;
      elements_.insert(elements_.end(), index, object_element);
      whole.elements_end = static_cast<std::uint32_t>(elements_.size());
    }
    slot_render_begin_[slot] = begin;
    slot_render_end_[slot] = static_cast<std::uint32_t>(arena_.size());
    slots_[slot] = whole;
  }
  return true;
}

bool EventParser::parse_subscriber(od::value value, Error& error) {
  od::json_type type;
  if (auto e = value.type().get(type)) return fail_json(error, e);
  if (type != od::json_type::object) return fail(error, kWrongType, "field \"subscriber\" must be an object");
  od::object object;
  if (auto e = value.get_object().get(object)) return fail_json(error, e);
  const FieldTable::Node* root = table_ ? table_->root(ConditionOn::kSubscriber) : nullptr;
  bool channels_seen = false;
  for (auto member_field : object) {
    od::field field;
    if (auto e = std::move(member_field).get(field)) return fail_json(error, e);
    std::string_view key;
    if (auto e = key_of(field, key)) return fail_json(error, e);
    if ((key == "channels" && channels_seen) || (key == "subscriberId" && subscriber_id_seen_)) {
      return fail(error, kInvalidJson, "duplicate field \"subscriber." + std::string(key) + "\"");
    }
    channels_seen = channels_seen || key == "channels";
    od::value member = field.value();
    const FieldTable::Node* node = root ? table_->child(root, key) : nullptr;
    if (key == "channels") {
      if (!parse_channels(member, node, error)) return false;
      continue;
    }
    if (node == nullptr && key != "subscriberId") continue;
    FieldValue v;
    if (auto e = walk(member, node, false, v, nullptr)) return fail_json(error, e);
    if (key == "subscriberId") {
      if (v.kind != ValueKind::kString) {
        return fail(error, kWrongType, "field \"subscriber.subscriberId\" must be a string");
      }
      subscriber_id_ = v.text;
      subscriber_id_seen_ = true;
    }
  }
  if (!subscriber_id_seen_) return fail(error, kMissingField, "missing required field \"subscriber.subscriberId\"");
  return true;
}

bool EventParser::resolve_table(od::document& doc) {
  table_resolved_ = true;
  table_ = nullptr;
  od::object root;
  if (doc.get_object().get(root)) return false;
  // Keys are compared unescaped ("organization\u0049d" is organizationId), so no
  // find_field shortcut: it matches raw key text.
  std::string_view org, env, channel_name;
  bool have_org = false, have_env = false, have_channel = false;
  for (auto member : root) {
    od::field field;
    if (std::move(member).get(field)) return false;
    std::string_view key;
    if (key_of(field, key)) return false;
    std::string_view* target = key == "organizationId" ? &org
                               : key == "environmentId" ? &env
                               : key == "channel"       ? &channel_name
                                                        : nullptr;
    if (target == nullptr) continue;
    std::string_view value;
    od::value member_value = field.value();
    if (string_of(member_value, value)) return false;
    *target = value;
    (target == &org ? have_org : target == &env ? have_env : have_channel) = true;
  }
  if (!have_org || !have_env || !have_channel) return false;
  auto channel = parse_channel(channel_name);
  if (!channel) return false;
  table_ = tables_->field_table_for(org, env, *channel);
  return true;
}

bool EventParser::parse_root(od::document& doc, EventView& out, Error& error, bool& restart) {
  od::object root;
  if (auto e = doc.get_object().get(root)) {
    if (e == simdjson::INCORRECT_TYPE) return fail(error, kWrongType, "the event must be a JSON object");
    return fail_json(error, e);
  }
  std::uint32_t seen = 0;
  std::array<FieldValue, kOverrideKeys.size()> overrides{};
  for (auto root_field : root) {
    od::field field;
    if (auto e = std::move(root_field).get(field)) return fail_json(error, e);
    std::string_view key;
    if (auto e = key_of(field, key)) return fail_json(error, e);
    od::value member = field.value();
    std::uint32_t which = kRootKeyCount;
    for (std::uint32_t k = 0; k < kRootKeyCount; ++k) {
      if (kRootKeys[k] == key) which = k;
    }
    if (which != kRootKeyCount) {
      if (seen & (1u << which)) return fail(error, kInvalidJson, "duplicate field \"" + std::string(key) + "\"");
      seen |= 1u << which;
    }
    const bool needs_table = which == kSubscriber || which == kTenant || which == kPayload;
    if (needs_table && !table_resolved_) {
      constexpr std::uint32_t kBucketKeys = (1u << kOrganizationId) | (1u << kEnvironmentId) | (1u << kChannel);
      if ((seen & kBucketKeys) != kBucketKeys) {
        restart = true;  // the bucket is named after this object: read it first, then walk again
        return false;
      }
      table_resolved_ = true;
      table_ = tables_->field_table_for(out.organization_id, out.environment_id, out.channel);
      const std::uint32_t n = table_ ? table_->slot_count() : 0;
      slots_.assign(n, FieldValue{});
      slot_render_begin_.assign(n, 0);
      slot_render_end_.assign(n, 0);
    }
    if (which == kSubscriber) {
      if (!parse_subscriber(member, error)) return false;
      continue;
    }
    if (which == kRootKeyCount) continue;  // unknown top-level fields are ignored (the syntax check saw them)
    FieldValue v;
    const FieldTable::Node* node = nullptr;
    if (table_ && which == kTenant) node = table_->root(ConditionOn::kTenant);
    if (table_ && which == kPayload) node = table_->root(ConditionOn::kPayload);
    if (node == nullptr && (which == kTenant || which == kPayload || which == kContent)) {
      // Only the type matters: the first byte says it without reading further.
      od::json_type type;
      if (auto e = member.type().get(type)) return fail_json(error, e);
      v.kind = type == od::json_type::object ? ValueKind::kObject : ValueKind::kMissing;
    } else {
      Capture capture{kOverrideKeys, overrides.data()};
      if (auto e = walk(member, node, false, v, which == kOverrides ? &capture : nullptr)) return fail_json(error, e);
    }
    switch (which) {
      case kId:
        if (v.kind != ValueKind::kString || v.text.empty() || v.text.size() > kMaxIdBytes) {
          return fail(error, kWrongType, "field \"id\" must be a non-empty string of at most 128 bytes");
        }
        out.id = v.text;
        break;
      case kOrganizationId:
      case kEnvironmentId:
        if (v.kind != ValueKind::kString || v.text.empty()) {
          return fail(error, kWrongType, "field \"" + std::string(key) + "\" must be a non-empty string");
        }
        (which == kOrganizationId ? out.organization_id : out.environment_id) = v.text;
        break;
      case kChannel: {
        auto channel = v.kind == ValueKind::kString ? parse_channel(v.text) : std::nullopt;
        if (!channel) {
          return fail(error, kWrongType, "field \"channel\" must be one of in_app, email, sms, chat, push");
        }
        out.channel = *channel;
        break;
      }
      case kTransactionId:
      case kCreatedAt:
        if (v.kind != ValueKind::kString) {
          return fail(error, kWrongType, "field \"" + std::string(key) + "\" must be a string");
        }
        (which == kTransactionId ? out.transaction_id : out.created_at) = v.text;
        break;
      case kTenant:
      case kPayload:
      case kContent:
      case kOverrides:
        if (v.kind != ValueKind::kObject) {
          return fail(error, kWrongType, "field \"" + std::string(key) + "\" must be an object");
        }
        break;
      default:
        break;
    }
  }
  if (!doc.current_location().error()) return fail(error, kInvalidJson, "not valid JSON: trailing content after the event object");
  for (std::uint32_t k : {kId, kOrganizationId, kEnvironmentId, kChannel, kSubscriber}) {
    if (!(seen & (1u << k))) {
      return fail(error, kMissingField, "missing required field \"" + std::string(kRootKeys[k]) + "\"");
    }
  }
  for (std::size_t k = 0; k < kOverrideKeys.size(); ++k) {
    if (overrides[k].defined() && overrides[k].kind != ValueKind::kString) {
      return fail(error, kWrongType, "field \"overrides." + std::string(kOverrideKeys[k]) + "\" must be a string");
    }
  }
  out.overrides = EventOverrides{overrides[0].text, overrides[1].text, overrides[2].text, overrides[3].text,
                                 overrides[4].text};
  out.subscriber_id = subscriber_id_;
  return true;
}

void EventParser::copy_padded(std::string_view json) {
  buffer_.resize(json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buffer_.data(), json.data(), json.size());
}

bool EventParser::parse(std::string_view json, const FieldTableSource* tables, EventView& out, Error& error) {
  copy_padded(json);
  if (auto e = syntax_.check(buffer_.data(), json.size())) {
    out = EventView{};
    return fail_json(error, e);
  }
  return read(json.size(), tables, out, error);
}

bool EventParser::parse_well_formed(std::string_view json, const FieldTableSource* tables, EventView& out,
                                    Error& error) {
  copy_padded(json);
  return read(json.size(), tables, out, error);
}

bool EventParser::read(std::size_t length, const FieldTableSource* tables, EventView& out, Error& error) {
  tables_ = tables;
  table_ = nullptr;
  table_resolved_ = tables == nullptr;
  out = EventView{};
  length_ = length;
  od::document doc;
  if (auto e = parser_.iterate(buffer_.data(), length, buffer_.size()).get(doc)) return fail_json(error, e);
  reset_captures();
  bool restart = false;
  if (!parse_root(doc, out, error, restart)) {
    if (!restart) return false;
    // Each pass starts from a fresh iterate: On-Demand documents are not safe to rewind
    // once a lookup has failed on malformed input.
    if (auto e = parser_.iterate(buffer_.data(), length, buffer_.size()).get(doc)) return fail_json(error, e);
    resolve_table(doc);
    if (auto e = parser_.iterate(buffer_.data(), length, buffer_.size()).get(doc)) return fail_json(error, e);
    reset_captures();
    out = EventView{};
    if (!parse_root(doc, out, error, restart)) return false;
  }
  // The arena may have grown during the walk: views into it are made only now.
  const std::string_view arena(arena_);
  for (std::size_t s = 0; s < slots_.size(); ++s) {
    if (slot_render_end_[s] > slot_render_begin_[s]) {
      slots_[s].text = arena.substr(slot_render_begin_[s], slot_render_end_[s] - slot_render_begin_[s]);
    }
  }
  for (std::size_t c = 0; c < channels_.size(); ++c) {
    channels_[c].json = arena.substr(channel_json_begin_[c], channel_json_end_[c] - channel_json_begin_[c]);
  }
  out.subscriber_channels = channels_;
  out.fields = slots_;
  out.elements = elements_;
  return true;
}

}  // namespace switchboard::routing
