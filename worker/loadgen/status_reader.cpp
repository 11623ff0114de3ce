// StatusReader (status_matcher.h): the only simdjson of the load generator.

#include <vector>

#include <simdjson.h>

#include "worker/loadgen/status_matcher.h"

namespace switchboard::loadgen {

namespace od = simdjson::ondemand;

struct StatusReader::Impl {
  od::parser parser;
  std::vector<char> scratch;  // the message copied with simdjson's padding after it
  // Copies of the strings, so the views outlive the document's string buffer.
  std::string event_id, status, target, provider_id;
};

StatusReader::StatusReader() : impl_(std::make_unique<Impl>()) {}
StatusReader::~StatusReader() = default;

namespace {

// A string field copied into `into`; "" for null or missing.
bool read_string(od::object& object, std::string_view key, std::string& into) {
  into.clear();
  od::value value;
  if (object.find_field_unordered(key).get(value) != simdjson::SUCCESS) return false;
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return false;
  into.assign(text);
  return true;
}

}  // namespace

bool StatusReader::parse(std::string_view json, StatusFields& out) {
  Impl& s = *impl_;
  if (s.scratch.size() < json.size() + simdjson::SIMDJSON_PADDING) s.scratch.resize(json.size() + simdjson::SIMDJSON_PADDING);
  std::copy(json.begin(), json.end(), s.scratch.begin());
  od::document doc;
  if (s.parser.iterate(s.scratch.data(), json.size(), s.scratch.size()).get(doc) != simdjson::SUCCESS) return false;
  od::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return false;
  if (!read_string(object, "eventId", s.event_id) || !read_string(object, "status", s.status)) return false;
  if (!read_string(object, "target", s.target)) s.target = "default";
  read_string(object, "providerId", s.provider_id);
  out.failed_over = false;
  od::array failed_over;
  if (object.find_field_unordered("failedOver").get_array().get(failed_over) == simdjson::SUCCESS) {
    std::size_t n = 0;
    out.failed_over = failed_over.count_elements().get(n) == simdjson::SUCCESS && n > 0;
  }
  out.event_id = s.event_id;
  out.status = s.status;
  out.target = s.target;
  out.provider_id = s.provider_id;
  return true;
}

}  // namespace switchboard::loadgen
