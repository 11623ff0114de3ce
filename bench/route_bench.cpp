// Routing benchmarks (issue 3): event parsing, the routing decision for growing
// environments, the cost of other environments in the snapshot, and explain output.
//
// Integrations are generated as JSON text with a fixed-seed RNG and loaded through
// routing::parse_integrations_file, so every benchmarked integration is valid per the
// contract. Half of an environment's integrations are conditioned; their conditions read
// a pool of ~20 fields that exist in the event plus a few that do not, with mixed
// operators, and ~95% of them fail so that routing has to evaluate many (worst case).
// Setup checks that the generator's expected verdicts agree with the router's.
//
// bench/gen_events.py mirrors the integration generator (same RNG, same call order) so
// that bench/explain_batch.sh routes against exactly the BM_RouteDecision/50 set; check
// with ROUTE_BENCH_WRITE_INTEGRATIONS=/tmp/i.json route_bench --benchmark_filter=Parse
// then bench/gen_events.py --check /tmp/i.json.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "routing/explain_json.h"
#include "routing/integration_json.h"
#include "routing/integration_snapshot.h"
#include "routing/json_syntax_check.h"
#include "routing/router.h"

namespace {

using switchboard::Error;
namespace routing = switchboard::routing;

constexpr std::string_view kOrganization = "org-bench";
constexpr std::string_view kEnvironment = "env-bench";

// A realistic ~1 KB email event: subscriber and tenant with data, payload with a nested
// order, rendered content.
constexpr std::string_view kEmailEvent = R"({"id":"evt-2026-11-22-000001","organizationId":"org-bench",)"
    R"("environmentId":"env-bench","channel":"email","transactionId":"txn-5f2c9a41",)"
    R"("subscriber":{"subscriberId":"sub-884123","email":"ada.lovelace@example.org","phone":"+4915112345678",)"
    R"("firstName":"Ada","lastName":"Lovelace","locale":"de-DE",)"
    R"("data":{"tier":"gold","signupYear":2019,"score":87.5,"tags":["beta","newsletter","vip"]}},)"
    R"("tenant":{"identifier":"acme","name":"Acme GmbH","data":{"plan":"pro","region":"eu-central","seats":120}},)"
    R"("payload":{"amount":129.99,"currency":"EUR","country":"DE","campaign":"spring-sale","isTest":false,)"
    R"("order":{"id":"ord-55312","total":129.99,"items":3,"status":"paid","tags":["gift","express"],)"
    R"("shipping":{"method":"express","country":"DE","eta":"2026-11-25"}}},)"
    R"("content":{"subject":"Your order ord-55312 has shipped",)"
    R"("body":"Hi Ada, good news: your order ord-55312 (3 items, EUR 129.99) is on its way with express )"
    R"(shipping and should arrive on 25 November. Track it any time from your account.",)"
    R"("html":"<html><body><h1>Your order has shipped</h1><p>Hi Ada,</p><p>Good news: your order )"
    R"(<b>ord-55312</b> (3 items, EUR 129.99) is on its way.</p><p><a href=\"https://shop.example.org/orders/)"
    R"(ord-55312\">Track your order</a></p></body></html>"},"createdAt":"2026-11-22T10:00:00.000Z"})";

// ---- deterministic generator (mirrored by bench/gen_events.py) ---------------------------

// splitmix64: the same sequence on every platform and standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
  bool percent(std::uint32_t p) { return below(100) < p; }

 private:
  std::uint64_t state_;
};

enum class Kind { kString, kNumber, kBool, kArray, kMissing };

struct PoolField {
  const char* on;
  const char* path;
  Kind kind;
  std::string text;                   // kString
  double number = 0;                  // kNumber; kBool: 0 false, 1 true
  std::vector<std::string> elements;  // kArray
};

// Fields of kEmailEvent (values as in the event) plus four that the event lacks.
const std::vector<PoolField>& field_pool() {
  static const std::vector<PoolField> pool = {
      {"payload", "amount", Kind::kNumber, "", 129.99, {}},
      {"payload", "currency", Kind::kString, "EUR", 0, {}},
      {"payload", "country", Kind::kString, "DE", 0, {}},
      {"payload", "campaign", Kind::kString, "spring-sale", 0, {}},
      {"payload", "isTest", Kind::kBool, "", 0, {}},
      {"payload", "order.id", Kind::kString, "ord-55312", 0, {}},
      {"payload", "order.total", Kind::kNumber, "", 129.99, {}},
      {"payload", "order.items", Kind::kNumber, "", 3, {}},
      {"payload", "order.status", Kind::kString, "paid", 0, {}},
      {"payload", "order.tags", Kind::kArray, "", 0, {"gift", "express"}},
      {"payload", "order.shipping.method", Kind::kString, "express", 0, {}},
      {"payload", "order.shipping.country", Kind::kString, "DE", 0, {}},
      {"subscriber", "email", Kind::kString, "ada.lovelace@example.org", 0, {}},
      {"subscriber", "locale", Kind::kString, "de-DE", 0, {}},
      {"subscriber", "firstName", Kind::kString, "Ada", 0, {}},
      {"subscriber", "data.tier", Kind::kString, "gold", 0, {}},
      {"subscriber", "data.signupYear", Kind::kNumber, "", 2019, {}},
      {"subscriber", "data.score", Kind::kNumber, "", 87.5, {}},
      {"subscriber", "data.tags", Kind::kArray, "", 0, {"beta", "newsletter", "vip"}},
      {"tenant", "identifier", Kind::kString, "acme", 0, {}},
      {"tenant", "data.plan", Kind::kString, "pro", 0, {}},
      {"tenant", "data.region", Kind::kString, "eu-central", 0, {}},
      {"tenant", "data.seats", Kind::kNumber, "", 120, {}},
      {"payload", "coupon.code", Kind::kMissing, "", 0, {}},
      {"payload", "order.giftWrap", Kind::kMissing, "", 0, {}},
      {"subscriber", "data.vipLevel", Kind::kMissing, "", 0, {}},
      {"tenant", "data.contract", Kind::kMissing, "", 0, {}},
  };
  return pool;
}

// Words that equal no pool value and are no substring of one.
constexpr std::array<const char*, 8> kOtherWords = {"USD", "silver", "winter-sale", "fr-FR",
                                                    "enterprise", "us-west", "pending", "standard"};

std::string other_word(Rng& rng, const std::string& avoid) {
  for (;;) {
    std::string w = kOtherWords[rng.below(kOtherWords.size())];
    if (avoid.find(w) == std::string::npos) return w;
  }
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

struct ChildSpec {
  std::string op;
  std::optional<std::string> value;
};

// A child on `f` whose outcome against kEmailEvent is `want`.
ChildSpec make_child(const PoolField& f, bool want, Rng& rng) {
  switch (f.kind) {
    case Kind::kString: {
      static constexpr std::array<const char*, 11> kOps = {"EQUAL", "NOT_EQUAL", "IN", "NOT_IN", "ANY_IN", "ALL_IN",
                                                           "LIKE", "NOT_LIKE", "LARGER", "SMALLER_EQUAL", "IS_DEFINED"};
      std::string op = kOps[rng.below(want ? kOps.size() : kOps.size() - 1)];
      const std::string& s = f.text;
      const std::string alt = other_word(rng, s);
      const std::string part = s.substr(1, std::min<std::size_t>(4, s.size() - 1));
      if (op == "EQUAL") return {op, want ? s : alt};
      if (op == "NOT_EQUAL") return {op, want ? alt : s};
      if (op == "IN") return {op, want ? part : alt};
      if (op == "NOT_IN") return {op, want ? alt : part};
      if (op == "ANY_IN") {
        const std::string alt2 = other_word(rng, s);
        return {op, want ? alt + ", " + s + ", " + alt2 : alt + ", " + alt2};
      }
      if (op == "ALL_IN") return {op, want ? s : s + "," + alt};
      if (op == "LIKE") return {op, want ? s.substr(0, 2) + "%" : "%" + alt + "%"};
      if (op == "NOT_LIKE") return {op, want ? "%" + alt + "%" : s.substr(0, 2) + "%"};
      if (op == "LARGER") return {op, want ? "A" : "~"};
      if (op == "SMALLER_EQUAL") return {op, want ? "~" : "A"};
      return {op, std::nullopt};  // IS_DEFINED
    }
    case Kind::kNumber: {
      static constexpr std::array<const char*, 10> kOps = {"EQUAL", "NOT_EQUAL", "LARGER", "SMALLER", "LARGER_EQUAL",
                                                           "SMALLER_EQUAL", "BETWEEN", "NOT_BETWEEN", "ANY_IN", "IS_DEFINED"};
      std::string op = kOps[rng.below(want ? kOps.size() : kOps.size() - 1)];
      const double n = f.number;
      const std::string inside = number_text(n - 5) + "," + number_text(n + 5);
      const std::string outside = number_text(n + 1) + ", " + number_text(n + 50);
      if (op == "EQUAL") return {op, number_text(want ? n : n + 1)};
      if (op == "NOT_EQUAL") return {op, number_text(want ? n + 1 : n)};
      if (op == "LARGER") return {op, number_text(want ? n - 1 : n)};
      if (op == "SMALLER") return {op, number_text(want ? n + 1 : n)};
      if (op == "LARGER_EQUAL") return {op, number_text(want ? n : n + 1)};
      if (op == "SMALLER_EQUAL") return {op, number_text(want ? n : n - 1)};
      if (op == "BETWEEN") return {op, want ? inside : outside};
      if (op == "NOT_BETWEEN") return {op, want ? outside : inside};
      if (op == "ANY_IN") return {op, want ? "-1, " + number_text(n) + ", -2" : std::string("-1,-2,-3")};
      return {op, std::nullopt};
    }
    case Kind::kBool: {
      static constexpr std::array<const char*, 3> kOps = {"EQUAL", "NOT_EQUAL", "IS_DEFINED"};
      std::string op = kOps[rng.below(want ? kOps.size() : kOps.size() - 1)];
      const bool b = f.number != 0;
      const bool equal = (op == "EQUAL") == want;
      if (op == "IS_DEFINED") return {op, std::nullopt};
      return {op, std::string((equal ? b : !b) ? "true" : "false")};
    }
    case Kind::kArray: {
      static constexpr std::array<const char*, 5> kOps = {"IN", "NOT_IN", "ANY_IN", "ALL_IN", "IS_DEFINED"};
      std::string op = kOps[rng.below(want ? kOps.size() : kOps.size() - 1)];
      const std::string& element = f.elements[rng.below(static_cast<std::uint32_t>(f.elements.size()))];
      const std::string alt = other_word(rng, "");
      if (op == "IN") return {op, want ? element : alt};
      if (op == "NOT_IN") return {op, want ? alt : element};
      if (op == "ANY_IN") {
        const std::string alt2 = other_word(rng, "");
        return {op, want ? alt + "," + element : alt + "," + alt2};
      }
      if (op == "ALL_IN") return {op, want ? f.elements.front() + "," + f.elements.back() : element + "," + alt};
      return {op, std::nullopt};
    }
    case Kind::kMissing: {
      // Only the negated operators pass on a missing field.
      static constexpr std::array<const char*, 4> kPass = {"NOT_EQUAL", "NOT_IN", "NOT_LIKE", "NOT_BETWEEN"};
      static constexpr std::array<const char*, 7> kFail = {"EQUAL", "IN", "LIKE", "LARGER", "ANY_IN", "IS_DEFINED",
                                                           "BETWEEN"};
      std::string op = want ? kPass[rng.below(kPass.size())] : kFail[rng.below(kFail.size())];
      if (op == "IS_DEFINED") return {op, std::nullopt};
      if (op == "NOT_BETWEEN" || op == "BETWEEN") return {op, std::string("1,10")};
      if (op == "NOT_LIKE" || op == "LIKE") return {op, "%" + other_word(rng, "") + "%"};
      if (op == "LARGER") return {op, std::string("0")};
      return {op, other_word(rng, "")};
    }
  }
  return {"IS_DEFINED", std::nullopt};
}

constexpr std::uint32_t kPassPercent = 5;  // share of conditioned integrations that match kEmailEvent

// Conditions (1-3 groups of 2-4 children) whose result against kEmailEvent is `pass`.
nlohmann::ordered_json make_conditions(bool pass, Rng& rng) {
  const auto& pool = field_pool();
  const std::uint32_t group_count = 1 + rng.below(3);
  const std::int64_t passing_group = pass ? rng.below(group_count) : -1;
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (std::uint32_t g = 0; g < group_count; ++g) {
    const bool group_result = static_cast<std::int64_t>(g) == passing_group;
    const bool negated = rng.percent(10);
    const bool inner = group_result != negated;
    const bool is_and = rng.percent(70);
    const std::uint32_t child_count = 2 + rng.below(3);
    std::vector<bool> wants(child_count);
    bool any_true = false, all_true = true;
    for (std::uint32_t c = 0; c < child_count; ++c) {
      // AND that fails: most children pass, so evaluation goes deep; OR that fails: none.
      wants[c] = is_and ? (inner || rng.percent(60)) : (inner && rng.percent(30));
      any_true = any_true || wants[c];
      all_true = all_true && wants[c];
    }
    if (is_and && !inner && all_true) wants[rng.below(child_count)] = false;
    if (!is_and && inner && !any_true) wants[rng.below(child_count)] = true;

    nlohmann::ordered_json children = nlohmann::ordered_json::array();
    for (std::uint32_t c = 0; c < child_count; ++c) {
      const PoolField& f = pool[rng.below(static_cast<std::uint32_t>(pool.size()))];
      ChildSpec spec = make_child(f, wants[c], rng);
      nlohmann::ordered_json child = {{"field", f.path}};
      if (spec.value) child["value"] = *spec.value;
      child["operator"] = spec.op;
      child["on"] = f.on;
      children.push_back(std::move(child));
    }
    groups.push_back({{"isNegated", negated}, {"type", "GROUP"}, {"value", is_and ? "AND" : "OR"},
                      {"children", std::move(children)}});
  }
  return groups;
}

constexpr std::array<const char*, 8> kEmailProviders = {"sendgrid", "mailgun", "ses", "postmark",
                                                        "resend", "mailjet", "sparkpost", "mailersend"};
constexpr std::array<const char*, 5> kSmsProviders = {"twilio", "nexmo", "plivo", "sns", "telnyx"};
constexpr std::array<const char*, 3> kChatProviders = {"slack", "discord", "msteams"};
constexpr std::array<const char*, 3> kPushProviders = {"fcm", "apns", "expo"};

const char* pick_provider(const std::string& channel, Rng& rng) {
  if (channel == "email") return kEmailProviders[rng.below(kEmailProviders.size())];
  if (channel == "sms") return kSmsProviders[rng.below(kSmsProviders.size())];
  if (channel == "chat") return kChatProviders[rng.below(kChatProviders.size())];
  if (channel == "push") return kPushProviders[rng.below(kPushProviders.size())];
  return "novu";
}

// `count` integrations of one environment. Odd positions are conditioned; the first
// unconditioned integration of each channel is its primary. `expected` gets the verdict
// of every conditioned integration against kEmailEvent, by identifier.
void append_environment(nlohmann::ordered_json& out, std::uint32_t env_number, const std::string& env_id,
                        std::uint32_t count, bool mixed_channels, std::uint64_t seed,
                        std::map<std::string, bool>* expected) {
  Rng rng(seed);
  std::map<std::string, bool> has_primary;
  for (std::uint32_t k = 0; k < count; ++k) {
    std::string channel = "email";
    if (mixed_channels) {
      const std::uint32_t r = rng.below(100);
      channel = r < 35 ? "email" : r < 60 ? "sms" : r < 75 ? "push" : r < 90 ? "chat" : "in_app";
    }
    const bool conditioned = k % 2 == 1;
    char id[32];
    std::snprintf(id, sizeof id, "%08x%016x", env_number, k);
    const std::string identifier = env_id + "-" + channel + "-" + std::to_string(k);
    // One RNG call per statement: the order is part of what gen_events.py mirrors.
    const std::uint32_t month = 1 + rng.below(12);
    const std::uint32_t day = 1 + rng.below(28);
    const std::uint32_t hour = rng.below(24);
    const std::uint32_t minute = rng.below(60);
    const std::string provider = pick_provider(channel, rng);
    const std::uint32_t priority = rng.below(4);
    char created[40];
    std::snprintf(created, sizeof created, "2025-%02u-%02uT%02u:%02u:00.000Z", month, day, hour, minute);
    nlohmann::ordered_json i = {
        {"_id", id},
        {"_environmentId", env_id},
        {"_organizationId", kOrganization},
        {"name", identifier},
        {"identifier", identifier},
        {"providerId", provider},
        {"channel", channel},
        {"kind", "delivery"},
        {"credentials", {{"apiKey", "key-" + std::to_string(k)}, {"from", "noreply@example.org"}, {"senderName", "Bench"}}},
        {"active", true},
        {"deleted", false},
        {"primary", !conditioned && !has_primary[channel]},
        {"priority", priority},
        {"createdAt", created},
    };
    if (!conditioned) has_primary[channel] = true;
    if (conditioned) {
      const bool pass = rng.percent(kPassPercent);
      i["conditions"] = make_conditions(pass, rng);
      if (expected != nullptr) (*expected)[identifier] = pass;
    } else {
      i["conditions"] = nlohmann::ordered_json::array();
    }
    out.push_back(std::move(i));
  }
}

constexpr std::uint64_t kEventEnvSeed = 0x5157'4348'424F'4152ULL;  // the event's environment
constexpr std::uint64_t kOtherEnvSeed = 0x4F54'4845'5245'4E56ULL;  // other environments, + env number

// The integrations file text: `n` email integrations of the event's environment, then
// `other_envs` environments of `per_other_env` mixed-channel integrations each.
std::string integrations_text(std::uint32_t n, std::uint32_t other_envs, std::uint32_t per_other_env,
                              std::map<std::string, bool>* expected) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  append_environment(out, 0, std::string(kEnvironment), n, false, kEventEnvSeed, expected);
  for (std::uint32_t e = 1; e <= other_envs; ++e) {
    char env_id[32];
    std::snprintf(env_id, sizeof env_id, "env-other-%03u", e);
    append_environment(out, e, env_id, per_other_env, true, kOtherEnvSeed + e, nullptr);
  }
  return out.dump();
}

// ---- fixtures --------------------------------------------------------------------------

struct Fixture {
  std::shared_ptr<const routing::IntegrationSnapshot> snapshot;
  std::string error;  // non-empty when setup failed
  std::uint32_t conditioned_evaluated = 0;  // conditioned integrations route() evaluates (explain off)
  std::uint32_t conditioned_total = 0;      // ... and with explain on (all of them)
  std::uint32_t conditioned_matching = 0;
};

// Checks the generator against the router: each conditioned integration passes exactly
// when the generator meant it to.
std::string check_verdicts(const routing::IntegrationSnapshot& snapshot, const std::map<std::string, bool>& expected) {
  routing::Router router;
  routing::Decision decision;
  Error error;
  if (!router.route(kEmailEvent, snapshot, {.max_failover = 2, .explain = true}, decision, error)) {
    return "the event does not route: " + error.message;
  }
  if (decision.size() != 1 || decision[0].status != routing::TargetStatus::kRouted) return "the event is not routed";
  std::map<std::string, bool> actual;
  for (const auto& c : decision[0].candidates) {
    const auto& i = snapshot.entry(c.entry).integration;
    if (i.conditioned()) actual[i.identifier] = c.reason == routing::RouteReason::kConditionsMatched;
  }
  for (const auto& r : decision[0].rejected) {
    const auto& i = snapshot.entry(r.entry).integration;
    if (i.conditioned()) actual[i.identifier] = r.why == routing::RejectWhy::kFailoverLimit;
  }
  for (const auto& [identifier, pass] : expected) {
    auto it = actual.find(identifier);
    if (it == actual.end()) return "integration " + identifier + " is missing from the decision";
    if (it->second != pass) {
      return "integration " + identifier + (pass ? " should match the event but does not" : " should not match but does");
    }
  }
  return {};
}

const Fixture& fixture(std::uint32_t n, std::uint32_t other_envs, std::uint32_t per_other_env) {
  static std::map<std::array<std::uint32_t, 3>, Fixture> cache;
  const std::array<std::uint32_t, 3> key = {n, other_envs, per_other_env};
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  Fixture& f = cache[key];
  std::map<std::string, bool> expected;
  const std::string text = integrations_text(n, other_envs, per_other_env, &expected);
  // ROUTE_BENCH_WRITE_INTEGRATIONS=FILE writes the /50 set, to check gen_events.py's copy.
  if (const char* path = std::getenv("ROUTE_BENCH_WRITE_INTEGRATIONS"); path && n == 50 && other_envs == 0) {
    if (std::FILE* out = std::fopen(path, "w")) {
      std::fwrite(text.data(), 1, text.size(), out);
      std::fclose(out);
    }
  }
  routing::IntegrationFile file = routing::parse_integrations_file(text);
  if (!file.errors.empty()) {
    f.error = "generated integrations are invalid: " + file.errors.front().path + ": " + file.errors.front().message;
    return f;
  }
  f.snapshot = routing::IntegrationSnapshot::build(std::move(file.integrations));
  f.error = check_verdicts(*f.snapshot, expected);
  // With explain off, selection stops at the third candidate (max_failover 2): count the
  // conditioned integrations it evaluates, in selection order.
  std::vector<const routing::Integration*> ordered;
  for (std::uint32_t index = 0; index < f.snapshot->size(); ++index) {
    const auto& i = f.snapshot->entry(index).integration;
    if (i.environment_id == kEnvironment && i.channel == routing::Channel::kEmail) ordered.push_back(&i);
  }
  std::sort(ordered.begin(), ordered.end(), [](const routing::Integration* a, const routing::Integration* b) {
    return routing::selection_order_before(*a, *b);
  });
  std::uint32_t found = 0;
  for (const routing::Integration* integration : ordered) {
    const auto& i = *integration;
    if (!i.conditioned()) continue;
    const bool pass = expected[i.identifier];
    ++f.conditioned_total;
    f.conditioned_matching += pass ? 1 : 0;
    if (found < 3) ++f.conditioned_evaluated;
    if (pass) ++found;
  }
  return f;
}

bool ready(benchmark::State& state, const Fixture& f) {
  if (f.error.empty()) return true;
  state.SkipWithError(f.error.c_str());
  return false;
}

void set_counters(benchmark::State& state, const Fixture& f, bool explain) {
  state.counters["integrations"] = static_cast<double>(f.snapshot->size());
  // Conditioned integrations whose conditions route() evaluates per event.
  state.counters["cond_evaluated"] = explain ? f.conditioned_total : f.conditioned_evaluated;
  state.counters["cond_matching"] = f.conditioned_matching;
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kEmailEvent.size()));
}

// ---- benchmarks ------------------------------------------------------------------------

// The syntax check alone: the whole event proven well-formed JSON (JsonSyntaxCheck).
void BM_CheckEvent(benchmark::State& state) {
  routing::JsonSyntaxCheck check(routing::kEventSyntaxDepth);
  std::vector<char> padded(kEmailEvent.size() + simdjson::SIMDJSON_PADDING);
  std::copy(kEmailEvent.begin(), kEmailEvent.end(), padded.begin());
  if (auto e = check.check(padded.data(), kEmailEvent.size())) {
    state.SkipWithError(simdjson::error_message(e));
    return;
  }
  for (auto _ : state) {
    const auto e = check.check(padded.data(), kEmailEvent.size());
    benchmark::DoNotOptimize(e);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kEmailEvent.size()));
}
BENCHMARK(BM_CheckEvent);

// On-Demand over a well-formed event, touching the contract's fields and capturing the
// ones the /50 conditions read (EventParser::parse_well_formed).
void BM_ParseEvent(benchmark::State& state) {
  const Fixture& f = fixture(50, 0, 0);
  if (!ready(state, f)) return;
  routing::EventParser parser;
  routing::EventView view;
  Error error;
  if (!parser.parse(kEmailEvent, f.snapshot.get(), view, error) || view.fields.empty()) {
    state.SkipWithError(("parse failed or captured no field: " + error.message).c_str());
    return;
  }
  for (auto _ : state) {
    const bool ok = parser.parse_well_formed(kEmailEvent, f.snapshot.get(), view, error);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(view.fields.data());
  }
  state.counters["fields"] = static_cast<double>(view.fields.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kEmailEvent.size()));
}
BENCHMARK(BM_ParseEvent);

// What the worker and explain pay per event: the syntax check, then the read.
void BM_ParseEventChecked(benchmark::State& state) {
  const Fixture& f = fixture(50, 0, 0);
  if (!ready(state, f)) return;
  routing::EventParser parser;
  routing::EventView view;
  Error error;
  for (auto _ : state) {
    const bool ok = parser.parse(kEmailEvent, f.snapshot.get(), view, error);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(view.fields.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kEmailEvent.size()));
}
BENCHMARK(BM_ParseEventChecked);

void run_route(benchmark::State& state, const Fixture& f) {
  if (!ready(state, f)) return;
  routing::Router router;
  routing::Decision decision;
  Error error;
  const routing::RouteOptions options{.max_failover = 2, .explain = false};
  if (!router.route(kEmailEvent, *f.snapshot, options, decision, error) || decision.size() != 1 ||
      decision[0].status != routing::TargetStatus::kRouted) {
    state.SkipWithError(("route failed: " + error.message).c_str());
    return;
  }
  for (auto _ : state) {
    const bool ok = router.route(kEmailEvent, *f.snapshot, options, decision, error);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(decision.targets.data());
  }
  state.SetLabel(std::string(routing::route_reason_name(decision[0].reason)));
  set_counters(state, f, false);
}

// Parse + select against N email integrations of the event's environment.
void BM_RouteDecision(benchmark::State& state) {
  run_route(state, fixture(static_cast<std::uint32_t>(state.range(0)), 0, 0));
}
BENCHMARK(BM_RouteDecision)->Arg(10)->Arg(50)->Arg(500);

// /50 plus 10,000 integrations in 200 other environments of the organization.
void BM_RouteDecisionOtherEnvs(benchmark::State& state) { run_route(state, fixture(50, 200, 50)); }
BENCHMARK(BM_RouteDecisionOtherEnvs);

// /N with explain on, plus the explain JSON (into a reused string, by one writer as in
// a batch).
void BM_ExplainDecision(benchmark::State& state) {
  const Fixture& f = fixture(static_cast<std::uint32_t>(state.range(0)), 0, 0);
  if (!ready(state, f)) return;
  routing::Router router;
  routing::Decision decision;
  Error error;
  std::string out;
  routing::ExplainJsonWriter writer(*f.snapshot);
  const routing::RouteOptions options{.max_failover = 2, .explain = true};
  if (!router.route(kEmailEvent, *f.snapshot, options, decision, error)) {
    state.SkipWithError(("route failed: " + error.message).c_str());
    return;
  }
  for (auto _ : state) {
    out.clear();
    if (router.route(kEmailEvent, *f.snapshot, options, decision, error)) {
      writer.append(out, router.event(), decision);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["explain_bytes"] = static_cast<double>(out.size());
  set_counters(state, f, true);
}
BENCHMARK(BM_ExplainDecision)->Arg(50)->Arg(500);

}  // namespace
