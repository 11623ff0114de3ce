// libFuzzer target: integrations files (contract sections 1 and 3.5).
//
// Feeds the bytes to routing::parse_integrations_file. When they are valid, builds a
// snapshot, writes every integration back with integration_to_json (credentials
// included), and parses the written array again: the round trip must give equal
// integrations, in order (abort() otherwise). A valid file is then routed against with
// one event per (organization, environment, channel) seen, with explain on, so that the
// fuzzed conditions are compiled and evaluated too.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include <nlohmann/json.hpp>

#include "routing/explain_json.h"
#include "routing/integration_json.h"
#include "routing/integration_snapshot.h"
#include "routing/router.h"

namespace {

namespace routing = switchboard::routing;

[[noreturn]] void fail(const char* what, std::size_t index) {
  std::fprintf(stderr, "fuzz_integration_parse: %s (integration %zu)\n", what, index);
  std::abort();
}

// An event of that bucket whose payload, subscriber and tenant carry a few typical fields.
std::string event_for(const routing::Integration& i) {
  nlohmann::json event = {
      {"id", "evt-fuzz"},
      {"organizationId", i.organization_id},
      {"environmentId", i.environment_id},
      {"channel", routing::channel_name(*i.channel)},
      {"subscriber",
       {{"subscriberId", "sub-1"},
        {"email", "a@b.c"},
        {"data", {{"tier", "gold"}, {"n", 3}, {"tags", {"a", "b"}}}},
        {"channels", {{{"providerId", i.provider_id}, {"integrationIdentifier", i.identifier}}}}}},
      {"tenant", {{"identifier", "acme"}, {"data", {{"plan", "pro"}}}}},
      {"payload", {{"amount", 42}, {"country", "DE"}, {"order", {{"total", 10.5}, {"codes", {1, 2, 3}}}}}},
  };
  return event.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  routing::IntegrationFile file = routing::parse_integrations_file(text);
  if (!file.errors.empty()) {
    if (!file.integrations.empty()) fail("integrations returned beside errors", 0);
    return 0;
  }
  const auto snapshot = routing::IntegrationSnapshot::build(file.integrations);
  if (snapshot->size() != file.integrations.size()) fail("snapshot size differs from the file", snapshot->size());

  // Round trip, one integration at a time and as a whole file.
  nlohmann::ordered_json written = nlohmann::ordered_json::array();
  for (std::size_t k = 0; k < file.integrations.size(); ++k) {
    const routing::Integration& original = file.integrations[k];
    nlohmann::ordered_json json = routing::integration_to_json(original, /*include_credentials=*/true);
    routing::ValidationErrors errors;
    auto again = routing::integration_from_json(json, "", {}, errors);
    if (!again || !errors.empty()) fail("a written integration does not read back", k);
    if (!(*again == original)) fail("a written integration reads back different", k);
    written.push_back(std::move(json));
  }
  const routing::IntegrationFile reread = routing::parse_integrations_file(written.dump());
  if (!reread.errors.empty()) fail("the written file does not read back", 0);
  if (reread.integrations != file.integrations) fail("the written file reads back different", 0);

  // Route once per bucket (bounded, so huge files stay fast).
  std::set<std::tuple<std::string, std::string, routing::Channel>> seen;
  routing::Router router;
  routing::Decision decision;
  switchboard::Error error;
  std::string out;
  for (std::size_t k = 0; k < file.integrations.size() && seen.size() < 8; ++k) {
    const routing::Integration& i = file.integrations[k];
    if (!i.channel || !seen.emplace(i.organization_id, i.environment_id, *i.channel).second) continue;
    if (!router.route(event_for(i), *snapshot, {.max_failover = 2, .explain = true}, decision, error)) {
      fail("a well-formed event does not route", k);
    }
    out.clear();
    routing::append_explain_json(out, router.event(), decision, *snapshot);
  }
  return 0;
}
