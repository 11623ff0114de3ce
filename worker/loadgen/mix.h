#pragma once
// The mix file of `switchboard loadgen`: what the generated events look like (JSON or TOML,
// same keys; bench/scenarios/mix.json is the documented example). Every key is optional
// except `channels`; unknown keys are errors, so a typo does not silently change a run.
//
// Pure: parse_mix() does no I/O; read_mix_file() reads the file and picks the format by its
// extension (.toml, else JSON).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::loadgen {

struct Weighted {
  std::string value;
  double weight = 1;
};

// A tenant; an empty identifier sends the event without a `tenant` object.
struct TenantShape {
  std::string identifier;
  std::string data_json = "{}";  // the tenant's `data`, compact JSON
  double weight = 1;
};

// A payload shape: the `payload` object and the size of the content body.
struct PayloadShape {
  std::string name;
  std::string payload_json = "{}";  // compact JSON object
  std::size_t body_bytes = 64;
  double weight = 1;
};

// subscriber.channels entries of chat or push events: between min and max entries per
// event, each naming a provider drawn by weight.
struct FanOut {
  int min_targets = 0;
  int max_targets = 0;
  std::vector<Weighted> providers;
};

struct Mix {
  std::string organization_id = "org-e2e";
  std::string environment_id = "env-e2e";
  std::vector<Weighted> channels;  // in_app | email | sms | chat | push
  std::vector<TenantShape> tenants;  // empty: no tenant
  std::vector<PayloadShape> payloads;  // empty: one shape, `{}` with a 64-byte body
  std::size_t subscribers = 1000;  // distinct subscriber ids; attributes fixed per id
  std::vector<Weighted> locales;  // empty: "en"
  std::vector<Weighted> tiers;    // subscriber.data.tier; empty: none
  std::vector<std::string> phones;  // empty: "+15550123"
  FanOut chat;
  FanOut push;
  double invalid_share = 0;  // share of events that fail validation (status `invalid`)
};

struct MixResult {
  Mix mix;
  std::string error;  // non-empty: what is wrong, with the key path; `mix` is then unusable
};

enum class MixFormat { kJson, kToml };

MixResult parse_mix(std::string_view text, MixFormat format);
// Reads and parses `path`; I/O errors are reported in `error` too.
MixResult read_mix_file(const std::string& path);

}  // namespace switchboard::loadgen
