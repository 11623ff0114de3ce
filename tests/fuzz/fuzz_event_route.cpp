// libFuzzer target: one event (contract section 2) routed with explain on (sections 4, 7).
//
// The snapshot is fixed, built once from integrations that use every operator, templates,
// negated/OR/empty groups, every channel (fan-out chat and push included), primaries,
// agent, inactive and deleted integrations and a second environment. For each input:
// Router::route with explain on and append_explain_json (or append_line_error_json when
// the event is invalid); the output must be valid JSON. Routing again with explain off
// must give the same decision (explain only adds the trace). Never crashes otherwise.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "routing/explain_json.h"
#include "routing/integration_json.h"
#include "routing/integration_snapshot.h"
#include "routing/router.h"

namespace {

namespace routing = switchboard::routing;

// Conditions read payload/subscriber/tenant fields that the seed corpus events carry.
constexpr std::string_view kIntegrations = R"([
{"_id":"f01","_environmentId":"env-f","_organizationId":"org-f","name":"ses","identifier":"ses-primary","providerId":"ses","channel":"email","credentials":{"apiKey":"k","region":"eu-central-1","secure":true},"active":true,"deleted":false,"primary":true,"priority":1,"createdAt":"2025-01-15T09:30:00Z","conditions":[]},
{"_id":"f02","_environmentId":"env-f","_organizationId":"org-f","name":"mailgun","identifier":"mailgun-fallback","providerId":"mailgun","channel":"email","active":true,"deleted":false,"primary":false,"conditions":[]},
{"_id":"f03","_environmentId":"env-f","_organizationId":"org-f","name":"cmp","identifier":"sg-compare","providerId":"sendgrid","channel":"email","active":true,"deleted":false,"primary":false,"priority":3,"createdAt":"2025-02-01T00:00:00.5Z","conditions":[
  {"isNegated":false,"type":"GROUP","value":"AND","children":[
    {"on":"payload","field":"amount","operator":"LARGER","value":"100"},
    {"on":"payload","field":"amount","operator":"SMALLER","value":1000},
    {"on":"payload","field":"order.total","operator":"LARGER_EQUAL","value":"10.5"},
    {"on":"payload","field":"order.total","operator":"SMALLER_EQUAL","value":"1e3"},
    {"on":"payload","field":"createdDay","operator":"LARGER","value":"2026-01-01"}]}]},
{"_id":"f04","_environmentId":"env-f","_organizationId":"org-f","name":"eq","identifier":"pm-equal","providerId":"postmark","channel":"email","active":true,"deleted":false,"primary":false,"priority":2,"conditions":[
  {"isNegated":false,"type":"GROUP","value":"OR","children":[
    {"on":"payload","field":"country","operator":"EQUAL","value":"DE"},
    {"on":"payload","field":"isTest","operator":"EQUAL","value":true},
    {"on":"subscriber","field":"data.tier","operator":"NOT_EQUAL","value":"gold"},
    {"on":"tenant","field":"identifier","operator":"EQUAL","value":"{{payload.tenantName}}"}]},
  {"isNegated":true,"type":"GROUP","value":"AND","children":[
    {"on":"payload","field":"codes[1]","operator":"EQUAL","value":"7"}]}]},
{"_id":"f05","_environmentId":"env-f","_organizationId":"org-f","name":"in","identifier":"resend-in","providerId":"resend","channel":"email","active":true,"deleted":false,"primary":false,"priority":2,"conditions":[
  {"isNegated":false,"type":"GROUP","value":"AND","children":[
    {"on":"subscriber","field":"email","operator":"IN","value":"@example"},
    {"on":"subscriber","field":"data.tags","operator":"NOT_IN","value":"blocked"},
    {"on":"payload","field":"codes","operator":"ANY_IN","value":"[1, \"7\", true]"},
    {"on":"payload","field":"codes","operator":"ALL_IN","value":"1,2"},
    {"on":"subscriber","field":"data.tags","operator":"ALL_IN","value":""}]}]},
{"_id":"f06","_environmentId":"env-f","_organizationId":"org-f","name":"between","identifier":"mj-between","providerId":"mailjet","channel":"email","active":true,"deleted":false,"primary":false,"priority":2,"conditions":[
  {"isNegated":false,"type":"GROUP","value":"AND","children":[
    {"on":"payload","field":"amount","operator":"BETWEEN","value":"10, 500"},
    {"on":"payload","field":"amount","operator":"NOT_BETWEEN","value":"[600, 700]"},
    {"on":"payload","field":"amount","operator":"BETWEEN","value":"{{payload.low}},{{ payload.high }}"},
    {"on":"payload","field":"day","operator":"BETWEEN","value":"2026-01-01,2026-12-31"}]}]},
{"_id":"f07","_environmentId":"env-f","_organizationId":"org-f","name":"like","identifier":"sp-like","providerId":"sparkpost","channel":"email","active":true,"deleted":false,"primary":false,"priority":2,"conditions":[
  {"isNegated":false,"type":"GROUP","value":"AND","children":[
    {"on":"subscriber","field":"email","operator":"LIKE","value":"%@%.c_"},
    {"on":"subscriber","field":"firstName","operator":"NOT_LIKE","value":"x\\%%"},
    {"on":"payload","field":"[\"k.with.dots\"]","operator":"LIKE","value":"%{{subscriber.firstName}}%"},
    {"on":"tenant","field":"data['plan']","operator":"IS_DEFINED"},
    {"on":"payload","field":"missing.deep.path","operator":"IS_DEFINED","value":"ignored"}]}]},
{"_id":"f08","_environmentId":"env-f","_organizationId":"org-f","name":"tmpl","identifier":"ses-template","providerId":"ses","channel":"email","active":true,"deleted":false,"primary":false,"priority":5,"conditions":[
  {"isNegated":false,"type":"GROUP","value":"AND","children":[
    {"on":"payload","field":"echo","operator":"EQUAL","value":"{{payload.order}}|{{subscriber.data.tags}}|{{tenant.data}}|{{payload.nothing}}|{{ bad path }}"},
    {"on":"payload","field":"list","operator":"ANY_IN","value":"{{payload.codes}}"},
    {"on":"payload","field":"pattern","operator":"LIKE","value":"{{payload.like}}"}]},
  {"isNegated":false,"type":"GROUP","value":"OR","children":[]}]},
{"_id":"f09","_environmentId":"env-f","_organizationId":"org-f","name":"off","identifier":"pm-inactive","providerId":"postmark","channel":"email","active":false,"deleted":false,"primary":false,"conditions":[]},
{"_id":"f10","_environmentId":"env-f","_organizationId":"org-f","name":"gone","identifier":"pm-deleted","providerId":"postmark","channel":"email","active":true,"deleted":true,"deletedAt":"2025-03-01T00:00:00Z","deletedBy":"u1","primary":false,"conditions":[]},
{"_id":"f11","_environmentId":"env-f","_organizationId":"org-f","name":"agent","identifier":"agent-1","providerId":"anything","kind":"agent","active":true,"deleted":false,"primary":false},
{"_id":"f12","_environmentId":"env-f","_organizationId":"org-f","name":"twilio","identifier":"twilio-primary","providerId":"twilio","channel":"sms","active":true,"deleted":false,"primary":true,"conditions":[]},
{"_id":"f13","_environmentId":"env-f","_organizationId":"org-f","name":"plivo","identifier":"plivo-de","providerId":"plivo","channel":"sms","active":true,"deleted":false,"primary":false,"configurations":{"inboundWebhookEnabled":false,"rateLimit":{"perSecond":2.5,"burst":5}},"conditions":[
  {"isNegated":false,"type":"GROUP","value":"AND","children":[
    {"on":"subscriber","field":"phone","operator":"LIKE","value":"+49%"}]}]},
{"_id":"f14","_environmentId":"env-f","_organizationId":"org-f","name":"novu","identifier":"novu-inbox","providerId":"novu","channel":"in_app","active":true,"deleted":false,"primary":false,"conditions":[]},
{"_id":"f15","_environmentId":"env-f","_organizationId":"org-f","name":"slack","identifier":"slack-main","providerId":"slack","channel":"chat","active":true,"deleted":false,"primary":false,"conditions":[]},
{"_id":"f16","_environmentId":"env-f","_organizationId":"org-f","name":"slack2","identifier":"slack-vip","providerId":"slack","channel":"chat","active":true,"deleted":false,"primary":false,"priority":4,"conditions":[
  {"isNegated":false,"type":"GROUP","value":"AND","children":[
    {"on":"subscriber","field":"data.tier","operator":"EQUAL","value":"gold"}]}]},
{"_id":"f17","_environmentId":"env-f","_organizationId":"org-f","name":"discord","identifier":"discord-1","providerId":"discord","channel":"chat","active":true,"deleted":false,"primary":false,"conditions":[]},
{"_id":"f18","_environmentId":"env-f","_organizationId":"org-f","name":"fcm","identifier":"fcm-main","providerId":"fcm","channel":"push","active":true,"deleted":false,"primary":false,"conditions":[]},
{"_id":"f19","_environmentId":"env-f","_organizationId":"org-f","name":"apns","identifier":"apns-de","providerId":"apns","channel":"push","active":true,"deleted":false,"primary":false,"conditions":[
  {"isNegated":true,"type":"GROUP","value":"OR","children":[
    {"on":"tenant","field":"data.plan","operator":"NOT_EQUAL","value":"pro"}]}]},
{"_id":"f20","_environmentId":"env-f","_organizationId":"org-f","name":"expo","identifier":"expo-1","providerId":"expo","channel":"push","active":true,"deleted":false,"primary":false,"conditions":[]},
{"_id":"g01","_environmentId":"env-g","_organizationId":"org-f","name":"other env","identifier":"ses-env-g","providerId":"ses","channel":"email","active":true,"deleted":false,"primary":true,"conditions":[
  {"isNegated":false,"type":"GROUP","value":"AND","children":[
    {"on":"payload","field":"amount","operator":"LARGER","value":"0"}]}]},
{"_id":"h01","_environmentId":"env-f","_organizationId":"org-h","name":"other org","identifier":"ses-primary","providerId":"ses","channel":"email","active":true,"deleted":false,"primary":true,"conditions":[]}
])";

const routing::IntegrationSnapshot& snapshot() {
  static const std::shared_ptr<const routing::IntegrationSnapshot> built = [] {
    routing::IntegrationFile file = routing::parse_integrations_file(kIntegrations);
    if (!file.errors.empty()) {
      std::fprintf(stderr, "fuzz_event_route: fixed integrations invalid: %s: %s\n", file.errors[0].path.c_str(),
                   file.errors[0].message.c_str());
      std::abort();
    }
    return routing::IntegrationSnapshot::build(std::move(file.integrations));
  }();
  return *built;
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_event_route: %s\n", what);
  std::abort();
}

bool same_decision(const routing::Decision& a, const routing::Decision& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t t = 0; t < a.size(); ++t) {
    const routing::TargetDecision& x = a[t];
    const routing::TargetDecision& y = b[t];
    if (x.name != y.name || x.status != y.status || x.reason != y.reason || x.candidates.size() != y.candidates.size()) {
      return false;
    }
    for (std::size_t c = 0; c < x.candidates.size(); ++c) {
      if (x.candidates[c].entry != y.candidates[c].entry || x.candidates[c].reason != y.candidates[c].reason) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static routing::Router router;
  static routing::Router plain_router;
  static routing::Decision explained;
  static routing::Decision plain;
  static std::string out;
  const std::string_view event(reinterpret_cast<const char*>(data), size);
  const routing::IntegrationSnapshot& snap = snapshot();
  switchboard::Error error;
  out.clear();

  const bool ok = router.route(event, snap, {.max_failover = 2, .explain = true}, explained, error);
  if (ok) {
    routing::append_explain_json(out, router.event(), explained, snap);
  } else {
    if (error.code.empty() || error.message.empty()) fail("an invalid event without an error code or message");
    routing::append_line_error_json(out, 1, error.message);
  }
  if (!nlohmann::json::accept(out)) fail("the output line is not valid JSON");

  switchboard::Error plain_error;
  const bool plain_ok = plain_router.route(event, snap, {.max_failover = 2, .explain = false}, plain, plain_error);
  if (plain_ok != ok) fail("explain changes whether the event is valid");
  if (ok && !same_decision(explained, plain)) fail("explain changes the decision");
  if (!ok && plain_error.code != error.code) fail("explain changes the error code");
  return 0;
}
