#include "worker/loadgen/mix.h"

#include <array>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

namespace switchboard::loadgen {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 5> kChannels = {"in_app", "email", "sms", "chat", "push"};

// A parse problem; caught once in parse_mix and turned into MixResult::error.
struct MixError {
  std::string message;
};

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw MixError{path + ": " + what}; }

// Keys starting with '_' are comments (JSON has none of its own).
void check_keys(const json& object, const std::string& path, std::initializer_list<std::string_view> allowed) {
  if (!object.is_object()) fail(path, "expected an object");
  for (const auto& [key, value] : object.items()) {
    if (key.starts_with('_')) continue;
    bool known = false;
    for (const auto k : allowed) known = known || k == key;
    if (!known) {
      std::string list;
      for (const auto k : allowed) list += (list.empty() ? "" : ", ") + std::string(k);
      fail(path + "." + key, "unknown key (known: " + list + ")");
    }
  }
}

double weight_of(const json& value, const std::string& path) {
  if (!value.is_number()) fail(path, "expected a number (a weight >= 0)");
  const double w = value.get<double>();
  if (!(w >= 0)) fail(path, "a weight must be >= 0");
  return w;
}

std::string string_of(const json& value, const std::string& path) {
  if (!value.is_string()) fail(path, "expected a string");
  return value.get<std::string>();
}

int int_of(const json& value, const std::string& path, long long lo, long long hi) {
  if (!value.is_number_integer()) fail(path, "expected an integer");
  const auto v = value.get<long long>();
  if (v < lo || v > hi) fail(path, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<int>(v);
}

std::string object_json(const json& value, const std::string& path) {
  if (!value.is_object()) fail(path, "expected an object");
  return value.dump();
}

// {"name": weight, ...}, at least one weight > 0.
std::vector<Weighted> weights_of(const json& value, const std::string& path) {
  if (!value.is_object() || value.empty()) fail(path, "expected an object of name: weight");
  std::vector<Weighted> out;
  double total = 0;
  for (const auto& [key, w] : value.items()) {
    out.push_back({key, weight_of(w, path + "." + key)});
    total += out.back().weight;
  }
  if (total <= 0) fail(path, "at least one weight must be > 0");
  return out;
}

FanOut fan_out_of(const json& value, const std::string& path) {
  check_keys(value, path, {"minTargets", "maxTargets", "providers"});
  FanOut out;
  if (value.contains("minTargets")) out.min_targets = int_of(value["minTargets"], path + ".minTargets", 0, 64);
  if (value.contains("maxTargets")) out.max_targets = int_of(value["maxTargets"], path + ".maxTargets", 0, 64);
  if (out.max_targets < out.min_targets) fail(path + ".maxTargets", "must be >= minTargets");
  if (value.contains("providers")) out.providers = weights_of(value["providers"], path + ".providers");
  if (out.max_targets > 0 && out.providers.empty()) fail(path + ".providers", "required when maxTargets > 0");
  return out;
}

Mix mix_of(const json& root) {
  check_keys(root, "mix", {"organizationId", "environmentId", "channels", "tenants", "payloads", "subscribers",
                           "chat", "push", "invalidShare"});
  Mix mix;
  if (root.contains("organizationId")) mix.organization_id = string_of(root["organizationId"], "mix.organizationId");
  if (root.contains("environmentId")) mix.environment_id = string_of(root["environmentId"], "mix.environmentId");
  if (!root.contains("channels")) fail("mix.channels", "required: {\"email\": 60, \"sms\": 20, ...}");
  mix.channels = weights_of(root["channels"], "mix.channels");
  for (const auto& c : mix.channels) {
    bool known = false;
    for (const auto k : kChannels) known = known || k == c.value;
    if (!known) fail("mix.channels." + c.value, "unknown channel (in_app, email, sms, chat, push)");
  }
  if (root.contains("tenants")) {
    const json& tenants = root["tenants"];
    if (!tenants.is_array()) fail("mix.tenants", "expected an array");
    for (std::size_t i = 0; i < tenants.size(); ++i) {
      const std::string path = "mix.tenants[" + std::to_string(i) + "]";
      check_keys(tenants[i], path, {"identifier", "data", "weight"});
      TenantShape t;
      if (tenants[i].contains("identifier")) t.identifier = string_of(tenants[i]["identifier"], path + ".identifier");
      if (tenants[i].contains("data")) t.data_json = object_json(tenants[i]["data"], path + ".data");
      if (tenants[i].contains("weight")) t.weight = weight_of(tenants[i]["weight"], path + ".weight");
      mix.tenants.push_back(std::move(t));
    }
  }
  if (root.contains("payloads")) {
    const json& payloads = root["payloads"];
    if (!payloads.is_array()) fail("mix.payloads", "expected an array");
    for (std::size_t i = 0; i < payloads.size(); ++i) {
      const std::string path = "mix.payloads[" + std::to_string(i) + "]";
      check_keys(payloads[i], path, {"name", "payload", "bodyBytes", "weight"});
      PayloadShape p;
      p.name = payloads[i].contains("name") ? string_of(payloads[i]["name"], path + ".name") : std::to_string(i);
      if (payloads[i].contains("payload")) p.payload_json = object_json(payloads[i]["payload"], path + ".payload");
      if (payloads[i].contains("bodyBytes")) {
        p.body_bytes = static_cast<std::size_t>(int_of(payloads[i]["bodyBytes"], path + ".bodyBytes", 0, 200000));
      }
      if (payloads[i].contains("weight")) p.weight = weight_of(payloads[i]["weight"], path + ".weight");
      mix.payloads.push_back(std::move(p));
    }
  }
  if (root.contains("subscribers")) {
    const json& s = root["subscribers"];
    check_keys(s, "mix.subscribers", {"count", "locales", "tiers", "phones"});
    if (s.contains("count")) {
      mix.subscribers = static_cast<std::size_t>(int_of(s["count"], "mix.subscribers.count", 1, 100000000));
    }
    if (s.contains("locales")) mix.locales = weights_of(s["locales"], "mix.subscribers.locales");
    if (s.contains("tiers")) mix.tiers = weights_of(s["tiers"], "mix.subscribers.tiers");
    if (s.contains("phones")) {
      if (!s["phones"].is_array()) fail("mix.subscribers.phones", "expected an array of strings");
      for (std::size_t i = 0; i < s["phones"].size(); ++i) {
        mix.phones.push_back(string_of(s["phones"][i], "mix.subscribers.phones[" + std::to_string(i) + "]"));
      }
    }
  }
  if (root.contains("chat")) mix.chat = fan_out_of(root["chat"], "mix.chat");
  if (root.contains("push")) mix.push = fan_out_of(root["push"], "mix.push");
  if (root.contains("invalidShare")) {
    const json& v = root["invalidShare"];
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
      fail("mix.invalidShare", "expected a number in [0, 1]");
    }
    mix.invalid_share = v.get<double>();
  }
  return mix;
}

json from_toml(const toml::node& node) {
  if (const auto* table = node.as_table()) {
    json out = json::object();
    for (const auto& [key, value] : *table) out[std::string(key.str())] = from_toml(value);
    return out;
  }
  if (const auto* array = node.as_array()) {
    json out = json::array();
    for (const auto& value : *array) out.push_back(from_toml(value));
    return out;
  }
  if (const auto* v = node.as_string()) return v->get();
  if (const auto* v = node.as_integer()) return v->get();
  if (const auto* v = node.as_floating_point()) return v->get();
  if (const auto* v = node.as_boolean()) return v->get();
  return nullptr;  // dates and times: no mix key takes them, so they fail the type checks
}

}  // namespace

MixResult parse_mix(std::string_view text, MixFormat format) {
  MixResult result;
  try {
    json root;
    if (format == MixFormat::kToml) {
      root = from_toml(toml::parse(text));
    } else {
      root = json::parse(text);
    }
    result.mix = mix_of(root);
  } catch (const MixError& e) {
    result.error = e.message;
  } catch (const json::parse_error& e) {
    result.error = std::string("not valid JSON: ") + e.what();
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << e.source().begin;
    result.error = "not valid TOML at " + where.str() + ": " + std::string(e.description());
  }
  return result;
}

MixResult read_mix_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {{}, "cannot read the mix file " + path};
  std::ostringstream text;
  text << in.rdbuf();
  const MixFormat format = path.ends_with(".toml") ? MixFormat::kToml : MixFormat::kJson;
  MixResult result = parse_mix(text.str(), format);
  if (!result.error.empty()) result.error = path + ": " + result.error;
  return result;
}

}  // namespace switchboard::loadgen
