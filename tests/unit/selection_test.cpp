// Selection (contract section 4) and the explain trace (section 7) through Router, plus the
// event validation of section 2 that Router applies first.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "routing/condition.h"
#include "routing/decision.h"
#include "routing/integration.h"
#include "routing/integration_snapshot.h"
#include "routing/router.h"
#include "routing/timestamp.h"

namespace switchboard::routing {
namespace {

// ---- building integrations ----------------------------------------------------------------

class I {
 public:
  I(std::string identifier, std::string provider, Channel channel = Channel::kEmail) {
    v_.id = "id-" + identifier;
    v_.environment_id = "e";
    v_.organization_id = "o";
    v_.name = identifier;
    v_.identifier = std::move(identifier);
    v_.provider_id = std::move(provider);
    v_.channel = channel;
    v_.active = true;
  }
  I& id(std::string id) { v_.id = std::move(id); return *this; }
  I& priority(std::int64_t p) { v_.priority = p; return *this; }
  I& created(std::string_view text) {
    auto t = parse_timestamp(text);
    EXPECT_TRUE(t.has_value()) << text;
    v_.created_at = t;
    return *this;
  }
  I& primary() { v_.primary = true; return *this; }
  I& inactive() { v_.active = false; return *this; }
  I& deleted() { v_.deleted = true; return *this; }
  I& agent() { v_.kind = IntegrationKind::kAgent; return *this; }
  I& no_channel() { v_.channel.reset(); return *this; }
  I& env(std::string e) { v_.environment_id = std::move(e); return *this; }
  I& org(std::string o) { v_.organization_id = std::move(o); return *this; }
  // A condition that holds for every event (a missing field is NOT_EQUAL to anything).
  I& passing() { return when("never_sent_field", Operator::kNotEqual, "x"); }
  // A condition that holds for no event of these tests.
  I& failing() { return when("never_sent_field", Operator::kIsDefined, std::nullopt); }
  I& when(std::string field, Operator op, std::optional<std::string> value) {
    ConditionChild c;
    c.on = ConditionOn::kPayload;
    c.field = std::move(field);
    c.op = op;
    c.value = std::move(value);
    ConditionGroup g;
    g.logic = GroupLogic::kAnd;
    g.children.push_back(std::move(c));
    v_.conditions.push_back(std::move(g));
    return *this;
  }
  operator Integration() const { return v_; }  // NOLINT: builder

 private:
  Integration v_;
};

// ---- building events ----------------------------------------------------------------------

std::string event(std::string_view channel, std::string_view extra = "",
                  std::string_view subscriber = R"({"subscriberId":"sub-1"})") {
  std::string out = R"({"id":"evt-1","organizationId":"o","environmentId":"e","channel":")";
  out += channel;
  out += R"(","subscriber":)";
  out += subscriber;
  out += R"(,"payload":{"amount":42})";
  if (!extra.empty()) {
    out += ",";
    out += extra;
  }
  out += "}";
  return out;
}

std::string with_override(std::string_view channel, std::string_view identifier, std::string_view provider = "") {
  std::string o = R"("overrides":{)";
  bool first = true;
  if (!identifier.empty() || provider.empty()) {
    o += R"("integrationIdentifier":")" + std::string(identifier) + "\"";
    first = false;
  }
  if (!provider.empty()) {
    if (!first) o += ",";
    o += R"("providerId":")" + std::string(provider) + "\"";
  }
  o += "}";
  return event(channel, o);
}

std::string fan_out_event(std::string_view channel, std::string_view channels_json, std::string_view extra = "") {
  return event(channel, extra, std::string(R"({"subscriberId":"sub-1","channels":)") + std::string(channels_json) + "}");
}

// ---- reading decisions --------------------------------------------------------------------

using Pairs = std::vector<std::pair<std::string, std::string>>;
using Names = std::vector<std::string>;

struct TargetView {
  std::string name;
  std::optional<std::string> chosen;
  std::string chosen_reason;
  Names failover;
  Names failover_reasons;
  Pairs rejected;
  std::string reason;
  std::string status;
};

struct Routed {
  bool ok = false;
  Error error;
  std::vector<TargetView> targets;

  const TargetView& only() const {
    EXPECT_EQ(targets.size(), 1u);
    static const TargetView kEmpty;
    return targets.empty() ? kEmpty : targets[0];
  }
};

Routed route(std::vector<Integration> integrations, const std::string& event_json, std::uint32_t max_failover = 2,
             bool explain = true) {
  auto snapshot = IntegrationSnapshot::build(std::move(integrations));
  Router router;
  Decision decision;
  Routed out;
  out.ok = router.route(event_json, *snapshot, RouteOptions{max_failover, explain}, decision, out.error);
  if (!out.ok) {
    EXPECT_EQ(decision.size(), 0u) << "an invalid event leaves the decision empty";
    return out;
  }
  auto identifier = [&](std::uint32_t entry) { return snapshot->entry(entry).integration.identifier; };
  for (std::size_t k = 0; k < decision.size(); ++k) {
    const TargetDecision& t = decision[k];
    TargetView v;
    v.name = t.name;
    if (!t.candidates.empty()) {
      v.chosen = identifier(t.candidates[0].entry);
      v.chosen_reason = std::string(route_reason_name(t.candidates[0].reason));
      for (std::size_t c = 1; c < t.candidates.size(); ++c) {
        v.failover.push_back(identifier(t.candidates[c].entry));
        v.failover_reasons.push_back(std::string(route_reason_name(t.candidates[c].reason)));
      }
    }
    for (const Rejection& r : t.rejected) v.rejected.emplace_back(identifier(r.entry), reject_why_name(r.why));
    v.reason = std::string(route_reason_name(t.reason));
    v.status = std::string(target_status_name(t.status));
    out.targets.push_back(std::move(v));
  }
  return out;
}

// The chosen identifier followed by the failover chain.
Names chain(const TargetView& t) {
  Names out;
  if (t.chosen) out.push_back(*t.chosen);
  out.insert(out.end(), t.failover.begin(), t.failover.end());
  return out;
}

// ---- order (section 4) --------------------------------------------------------------------

TEST(SelectionOrder, PriorityDescending) {
  const auto r = route({I("a", "sendgrid").priority(1), I("b", "mailgun").priority(5), I("c", "ses").priority(3)},
                       event("email"));
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(chain(r.only()), (Names{"b", "c", "a"}));
  EXPECT_EQ(r.only().chosen_reason, "fallback");
  EXPECT_EQ(r.only().failover_reasons, (Names{"fallback", "fallback"}));
  EXPECT_EQ(r.only().status, "routed");
  EXPECT_EQ(r.only().reason, "fallback");
  EXPECT_EQ(r.only().name, "default");
}

TEST(SelectionOrder, NegativePriorityAndDefault) {
  const auto r = route({I("neg", "sendgrid").priority(-1), I("zero", "mailgun")}, event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"zero", "neg"}));
}

TEST(SelectionOrder, CreatedAtNewestFirstAbsentOldest) {
  const auto r = route({I("none", "sendgrid").id("a"), I("old", "mailgun").id("b").created("2025-01-01T00:00:00Z"),
                        I("new", "ses").id("c").created("2025-06-01T00:00:00Z")},
                       event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"new", "old", "none"}));
}

TEST(SelectionOrder, AbsentCreatedAtIsOlderThanTheEpoch) {
  const auto r = route({I("none", "sendgrid").id("a"), I("ancient", "mailgun").id("z").created("1900-01-01T00:00:00Z")},
                       event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"ancient", "none"}));
}

TEST(SelectionOrder, PriorityBeforeCreatedAt) {
  const auto r = route({I("new", "sendgrid").priority(1).created("2026-01-01T00:00:00Z"),
                        I("old", "mailgun").priority(2).created("2020-01-01T00:00:00Z")},
                       event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"old", "new"}));
}

TEST(SelectionOrder, CreatedAtComparedAsInstants) {
  // "…:00Z" and "…:00.000Z" are the same instant: _id decides. Compared as text, "00Z"
  // would sort after "00.000Z" and "b" would come first.
  const auto r = route({I("whole", "sendgrid").id("b").created("2026-11-22T10:00:00Z"),
                        I("millis", "mailgun").id("a").created("2026-11-22T10:00:00.000Z"),
                        I("older", "ses").id("c").created("2026-11-22T09:59:59.999999Z"),
                        I("half", "postmark").id("d").created("2026-11-22T10:00:00.5Z"),
                        I("fraction", "resend").id("e").created("2026-11-22T10:00:00.123Z")},
                       event("email"), 4);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"half", "fraction", "millis", "whole", "older"}));
}

TEST(SelectionOrder, SameInstantOtherSpelling) {
  const auto r = route({I("x", "sendgrid").id("id-2").created("2026-11-22T10:00:00.100Z"),
                        I("y", "mailgun").id("id-1").created("2026-11-22T10:00:00.1Z")},
                       event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"y", "x"}));
}

TEST(SelectionOrder, IdAscendingByteWise) {
  const auto r = route({I("a9", "sendgrid").id("a9"), I("a10", "mailgun").id("a10"), I("B", "ses").id("B")},
                       event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"B", "a10", "a9"}));
}

TEST(SelectionOrder, IdBytesCompareUnsigned) {
  const auto r = route({I("accent", "sendgrid").id("\xC3\xA9"), I("zed", "mailgun").id("z"), I("tilde", "ses").id("~")},
                       event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"zed", "tilde", "accent"}));
}

TEST(SelectionOrder, InputOrderDoesNotMatter) {
  std::vector<Integration> forward{I("p", "sendgrid").priority(3), I("q", "mailgun").priority(2),
                                   I("r", "ses").priority(1)};
  std::vector<Integration> backward(forward.rbegin(), forward.rend());
  EXPECT_EQ(chain(route(forward, event("email")).only()), (Names{"p", "q", "r"}));
  EXPECT_EQ(chain(route(backward, event("email")).only()), (Names{"p", "q", "r"}));
}

// ---- steps a, b, c (4.1) ------------------------------------------------------------------

TEST(SelectionSteps, ConditionsThenPrimaryThenFallbackEmail) {
  const auto r = route({I("fallback", "mailgun").priority(10), I("primary", "sendgrid").primary().priority(5),
                        I("matched", "ses").passing(), I("failed", "postmark").failing().priority(20)},
                       event("email"));
  ASSERT_TRUE(r.ok);
  const auto& t = r.only();
  EXPECT_EQ(chain(t), (Names{"matched", "primary", "fallback"}));
  EXPECT_EQ(t.chosen_reason, "conditions_matched");
  EXPECT_EQ(t.reason, "conditions_matched");
  EXPECT_EQ(t.failover_reasons, (Names{"primary", "fallback"}));
  EXPECT_EQ(t.rejected, (Pairs{{"failed", "conditions"}}));
}

TEST(SelectionSteps, ConditionsThenPrimaryThenFallbackSms) {
  const auto r = route({I("fallback", "twilio", Channel::kSms).priority(10),
                        I("primary", "nexmo", Channel::kSms).primary(),
                        I("matched", "plivo", Channel::kSms).passing().priority(-3)},
                       event("sms"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"matched", "primary", "fallback"}));
  EXPECT_EQ(r.only().failover_reasons, (Names{"primary", "fallback"}));
}

TEST(SelectionSteps, PrimaryBeforeHigherPriorityFallback) {
  const auto r = route({I("fallback", "mailgun").priority(100), I("primary", "sendgrid").primary()}, event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"primary", "fallback"}));
  EXPECT_EQ(r.only().chosen_reason, "primary");
}

TEST(SelectionSteps, SeveralPrimariesInOrder) {
  const auto r = route({I("p-old", "sendgrid").primary().created("2025-01-01T00:00:00Z"),
                        I("p-new", "mailgun").primary().created("2025-02-01T00:00:00Z"), I("f", "ses").priority(9)},
                       event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"p-new", "p-old", "f"}));
  EXPECT_EQ(r.only().chosen_reason, "primary");
  EXPECT_EQ(r.only().failover_reasons, (Names{"primary", "fallback"}));
}

TEST(SelectionSteps, SeveralMatchedInOrder) {
  const auto r = route({I("m-low", "sendgrid").passing().priority(1), I("m-high", "mailgun").passing().priority(2),
                        I("p", "ses").primary().priority(50)},
                       event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"m-high", "m-low", "p"}));
}

TEST(SelectionSteps, ConditionedPrimaryIsStepA) {
  // A conditioned integration is never an "unconditioned primary": when its conditions
  // fail it is not chosen at all.
  const auto failing = route({I("cp", "sendgrid").primary().failing(), I("f", "mailgun")}, event("email"));
  ASSERT_TRUE(failing.ok);
  EXPECT_EQ(chain(failing.only()), (Names{"f"}));
  EXPECT_EQ(failing.only().chosen_reason, "fallback");
  EXPECT_EQ(failing.only().rejected, (Pairs{{"cp", "conditions"}}));

  const auto passing = route({I("cp", "sendgrid").primary().passing(), I("p", "mailgun").primary()}, event("email"));
  ASSERT_TRUE(passing.ok);
  EXPECT_EQ(chain(passing.only()), (Names{"cp", "p"}));
  EXPECT_EQ(passing.only().chosen_reason, "conditions_matched");
}

TEST(SelectionSteps, ListOfEmptyGroupsIsConditioned) {
  // Only an empty or absent list is "unconditioned"; an empty group passes.
  Integration empty_group = I("empty-group", "sendgrid");
  empty_group.conditions.push_back(ConditionGroup{});
  const auto r = route({I("p", "mailgun").primary().priority(5), empty_group}, event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"empty-group", "p"}));
  EXPECT_EQ(r.only().chosen_reason, "conditions_matched");
}

TEST(SelectionSteps, NoPrimaryFallsBack) {
  const auto r = route({I("f1", "twilio", Channel::kSms), I("f2", "nexmo", Channel::kSms).priority(1)}, event("sms"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"f2", "f1"}));
  EXPECT_EQ(r.only().reason, "fallback");
}

TEST(SelectionSteps, InAppHasNoPrimaryStep) {
  const auto r = route({I("primary", "novu", Channel::kInApp).primary().created("2025-01-01T00:00:00Z"),
                        I("newer", "novu", Channel::kInApp).created("2025-06-01T00:00:00Z")},
                       event("in_app"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"newer", "primary"}));
  EXPECT_EQ(r.only().chosen_reason, "fallback");
  EXPECT_EQ(r.only().failover_reasons, (Names{"fallback"}));
}

TEST(SelectionSteps, InAppMatchedFirst) {
  const auto r = route({I("plain", "novu", Channel::kInApp).priority(5).primary(),
                        I("cond", "novu", Channel::kInApp).passing()},
                       event("in_app"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"cond", "plain"}));
  EXPECT_EQ(r.only().failover_reasons, (Names{"fallback"}));
}

TEST(SelectionSteps, NothingEligible) {
  const auto r = route({I("c1", "sendgrid").failing(), I("c2", "mailgun").failing()}, event("email"));
  ASSERT_TRUE(r.ok);
  const auto& t = r.only();
  EXPECT_FALSE(t.chosen.has_value());
  EXPECT_TRUE(t.failover.empty());
  EXPECT_EQ(t.status, "no_integration");
  EXPECT_EQ(t.reason, "no_eligible_integration");
  EXPECT_EQ(t.rejected, (Pairs{{"c1", "conditions"}, {"c2", "conditions"}}));
}

TEST(SelectionSteps, NoIntegrationsAtAll) {
  const auto r = route({}, event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().status, "no_integration");
  EXPECT_EQ(r.only().reason, "no_eligible_integration");
  EXPECT_TRUE(r.only().rejected.empty());
}

// ---- overrides (4.1 steps 1 and 2) --------------------------------------------------------

TEST(SelectionOverride, IdentifierChosenWithoutFailover) {
  const auto r = route({I("top", "sendgrid").priority(10).primary(), I("named", "mailgun"), I("other", "ses")},
                       with_override("email", "named"));
  ASSERT_TRUE(r.ok);
  const auto& t = r.only();
  EXPECT_EQ(t.chosen, "named");
  EXPECT_EQ(t.chosen_reason, "override");
  EXPECT_EQ(t.reason, "override");
  EXPECT_TRUE(t.failover.empty());
  EXPECT_EQ(t.rejected, (Pairs{{"top", "identifier"}, {"other", "identifier"}}));
}

TEST(SelectionOverride, IdentifierWithPassingConditions) {
  const auto r = route({I("top", "sendgrid").priority(10), I("named", "mailgun").passing()},
                       with_override("email", "named"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().chosen, "named");
  EXPECT_EQ(r.only().chosen_reason, "override");
}

TEST(SelectionOverride, IdentifierWithFailingConditionsIsNotFound) {
  const auto r = route({I("top", "sendgrid").priority(10), I("named", "mailgun").failing()},
                       with_override("email", "named"));
  ASSERT_TRUE(r.ok);
  const auto& t = r.only();
  EXPECT_FALSE(t.chosen.has_value());
  EXPECT_TRUE(t.failover.empty());
  EXPECT_EQ(t.status, "no_integration");
  EXPECT_EQ(t.reason, "override_not_found");
  EXPECT_EQ(t.rejected, (Pairs{{"top", "identifier"}, {"named", "conditions"}}));
}

TEST(SelectionOverride, InactiveIdentifierIsNotFound) {
  const auto r = route({I("top", "sendgrid"), I("named", "mailgun").inactive()}, with_override("email", "named"));
  ASSERT_TRUE(r.ok);
  EXPECT_FALSE(r.only().chosen.has_value());
  EXPECT_EQ(r.only().reason, "override_not_found");
  EXPECT_EQ(r.only().rejected, (Pairs{{"top", "identifier"}, {"named", "inactive"}}));
}

TEST(SelectionOverride, DeletedIdentifierIsNotFound) {
  const auto r = route({I("top", "sendgrid"), I("named", "mailgun").deleted()}, with_override("email", "named"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().reason, "override_not_found");
  EXPECT_EQ(r.only().rejected, (Pairs{{"top", "identifier"}, {"named", "deleted"}}));
}

TEST(SelectionOverride, IdentifierOfAnotherChannelIsNotFound) {
  const auto r = route({I("top", "sendgrid"), I("named", "twilio", Channel::kSms)}, with_override("email", "named"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().reason, "override_not_found");
  EXPECT_EQ(r.only().rejected, (Pairs{{"top", "identifier"}, {"named", "channel"}}));
}

TEST(SelectionOverride, IdentifierOfAnotherEnvironmentIsNotFound) {
  const auto r = route({I("top", "sendgrid"), I("named", "mailgun").env("e-prod"), I("named2", "ses").org("o2")},
                       with_override("email", "named"));
  ASSERT_TRUE(r.ok);
  EXPECT_FALSE(r.only().chosen.has_value());
  EXPECT_EQ(r.only().reason, "override_not_found");
  EXPECT_EQ(r.only().rejected, (Pairs{{"top", "identifier"}}));
}

TEST(SelectionOverride, UnknownIdentifier) {
  const auto r = route({I("top", "sendgrid")}, with_override("email", "nope"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().status, "no_integration");
  EXPECT_EQ(r.only().reason, "override_not_found");
}

TEST(SelectionOverride, EmptyIdentifierIsNotGiven) {
  const auto r = route({I("top", "sendgrid").priority(1), I("other", "mailgun")}, with_override("email", ""));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"top", "other"}));
  EXPECT_EQ(r.only().chosen_reason, "fallback");
}

TEST(SelectionOverride, IdentifierIgnoresProviderId) {
  const auto r = route({I("top", "sendgrid"), I("named", "mailgun")}, with_override("email", "named", "sendgrid"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().chosen, "named");
  EXPECT_EQ(r.only().chosen_reason, "override");
  EXPECT_EQ(r.only().rejected, (Pairs{{"top", "identifier"}}));
}

TEST(SelectionOverride, IdentifierWithMaxFailoverZero) {
  const auto r = route({I("top", "sendgrid").priority(3), I("named", "mailgun")}, with_override("email", "named"), 0);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().chosen, "named");
}

TEST(SelectionOverride, ProviderFilter) {
  const auto r = route({I("sg", "sendgrid").priority(10).primary(), I("mg-plain", "mailgun"),
                        I("mg-cond", "mailgun").passing().priority(-1), I("mg-fail", "mailgun").failing()},
                       with_override("email", "", "mailgun"));
  ASSERT_TRUE(r.ok);
  const auto& t = r.only();
  EXPECT_EQ(chain(t), (Names{"mg-cond", "mg-plain"}));
  EXPECT_EQ(t.chosen_reason, "conditions_matched");
  EXPECT_EQ(t.failover_reasons, (Names{"fallback"}));
  EXPECT_EQ(t.rejected, (Pairs{{"sg", "provider"}, {"mg-fail", "conditions"}}));
}

TEST(SelectionOverride, ProviderFilterKeepsPrimaryStep) {
  const auto r = route({I("mg-f", "mailgun").priority(5), I("mg-p", "mailgun").primary(), I("sg-p", "sendgrid").primary()},
                       with_override("email", "", "mailgun"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"mg-p", "mg-f"}));
  EXPECT_EQ(r.only().chosen_reason, "primary");
}

TEST(SelectionOverride, ProviderWithNoMatch) {
  const auto r = route({I("sg", "sendgrid"), I("ses", "ses")}, with_override("email", "", "postmark"));
  ASSERT_TRUE(r.ok);
  EXPECT_FALSE(r.only().chosen.has_value());
  EXPECT_EQ(r.only().status, "no_integration");
  EXPECT_EQ(r.only().reason, "no_eligible_integration");
  EXPECT_EQ(r.only().rejected, (Pairs{{"sg", "provider"}, {"ses", "provider"}}));
}

TEST(SelectionOverride, EmptyProviderIsNotGiven) {
  const std::string ev = event("email", R"("overrides":{"providerId":"","integrationIdentifier":""})");
  const auto r = route({I("sg", "sendgrid"), I("mg", "mailgun").priority(1)}, ev);
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(chain(r.only()), (Names{"mg", "sg"}));
}

TEST(SelectionOverride, OtherOverrideFieldsDoNotSelect) {
  const std::string ev =
      event("email", R"("overrides":{"from":"x@y.z","senderName":"Y","replyTo":"r@y.z","unknown":{"a":1}})");
  const auto r = route({I("sg", "sendgrid"), I("mg", "mailgun").priority(1)}, ev);
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(chain(r.only()), (Names{"mg", "sg"}));
}

// ---- failover limit -----------------------------------------------------------------------

std::vector<Integration> five_emails() {
  return {I("i1", "sendgrid").priority(5), I("i2", "mailgun").priority(4), I("i3", "ses").priority(3),
          I("i4", "postmark").priority(2), I("i5", "resend").priority(1)};
}

TEST(SelectionFailover, DefaultTwo) {
  const auto r = route(five_emails(), event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"i1", "i2", "i3"}));
  EXPECT_EQ(r.only().rejected, (Pairs{{"i4", "failover_limit"}, {"i5", "failover_limit"}}));
}

TEST(SelectionFailover, Zero) {
  const auto r = route(five_emails(), event("email"), 0);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().chosen, "i1");
  EXPECT_TRUE(r.only().failover.empty());
  EXPECT_EQ(r.only().rejected, (Pairs{{"i2", "failover_limit"},
                                      {"i3", "failover_limit"},
                                      {"i4", "failover_limit"},
                                      {"i5", "failover_limit"}}));
}

TEST(SelectionFailover, One) {
  const auto r = route(five_emails(), event("email"), 1);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"i1", "i2"}));
  EXPECT_EQ(r.only().rejected.size(), 3u);
}

TEST(SelectionFailover, LimitAcrossSteps) {
  const auto r = route({I("f", "sendgrid"), I("p", "mailgun").primary(), I("m", "ses").passing()}, event("email"), 1);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"m", "p"}));
  EXPECT_EQ(r.only().rejected, (Pairs{{"f", "failover_limit"}}));
}

TEST(SelectionFailover, ExplainDoesNotChangeTheDecision) {
  const std::vector<Integration> integrations{I("f1", "sendgrid").priority(2), I("f2", "mailgun"),
                                              I("p", "ses").primary(), I("m1", "postmark").passing(),
                                              I("m2", "resend").passing().priority(1), I("x", "plunk").failing()};
  for (std::uint32_t max : {0u, 1u, 2u, 3u, 10u}) {
    const auto explained = route(integrations, event("email"), max, true);
    const auto plain = route(integrations, event("email"), max, false);
    ASSERT_TRUE(explained.ok && plain.ok);
    EXPECT_EQ(chain(explained.only()), chain(plain.only())) << "max_failover " << max;
    EXPECT_EQ(explained.only().failover_reasons, plain.only().failover_reasons) << "max_failover " << max;
    EXPECT_TRUE(plain.only().rejected.empty()) << "rejected is filled only when explaining";
  }
  EXPECT_EQ(chain(route(integrations, event("email"), 10).only()), (Names{"m2", "m1", "p", "f1", "f2"}));
}

// ---- environment isolation ----------------------------------------------------------------

TEST(SelectionIsolation, OtherEnvironmentsAndOrganizationsAreInvisible) {
  const auto r = route({I("prod", "sendgrid").env("e-prod").priority(100).primary(),
                        I("other-org", "mailgun").org("o2").priority(100).primary(), I("mine", "ses"),
                        I("other-both", "postmark").org("o2").env("e-prod").priority(100)},
                       event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(chain(r.only()), (Names{"mine"}));
  EXPECT_TRUE(r.only().rejected.empty());
}

TEST(SelectionIsolation, SameEnvironmentIdInAnotherOrganization) {
  const auto r = route({I("theirs", "sendgrid").org("o2")}, event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().status, "no_integration");
  EXPECT_TRUE(r.only().rejected.empty());
}

// ---- rejected `why` -----------------------------------------------------------------------

TEST(SelectionRejected, WhyOrderWithProviderOverride) {
  const auto r = route(
      {
          I("agent", "anything").agent().inactive().deleted(),            // agent before everything
          I("agent-no-channel", "free-form").agent().no_channel(),        //
          I("sms", "twilio", Channel::kSms).inactive().deleted(),         // channel before deleted
          I("deleted", "sendgrid").deleted().inactive().failing(),        // deleted before inactive
          I("inactive", "sendgrid").inactive().failing(),                 // inactive before provider
          I("provider", "sendgrid").failing(),                            // provider before conditions
          I("conditions", "mailgun").failing(),                           //
          I("m1", "mailgun").priority(4),                                 //
          I("m2", "mailgun").priority(3),                                 //
          I("m3", "mailgun").priority(2),                                 //
          I("limit", "mailgun").priority(1).passing(),                    // conditioned: first candidate
          I("m4", "mailgun"),                                             // failover_limit
      },
      with_override("email", "", "mailgun"));
  ASSERT_TRUE(r.ok);
  const auto& t = r.only();
  EXPECT_EQ(chain(t), (Names{"limit", "m1", "m2"}));
  EXPECT_EQ(t.rejected, (Pairs{{"agent", "agent"},
                               {"agent-no-channel", "agent"},
                               {"sms", "channel"},
                               {"deleted", "deleted"},
                               {"inactive", "inactive"},
                               {"provider", "provider"},
                               {"conditions", "conditions"},
                               {"m3", "failover_limit"},
                               {"m4", "failover_limit"}}));
}

TEST(SelectionRejected, WhyOrderWithIdentifierOverride) {
  const auto r = route(
      {
          I("before", "sendgrid").inactive(),  // inactive before identifier
          I("agent-email", "sendgrid").agent(),
          I("other", "sendgrid").failing(),  // identifier before conditions
          I("named", "mailgun"),
          I("after", "ses"),
      },
      with_override("email", "named"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().chosen, "named");
  EXPECT_EQ(r.only().rejected, (Pairs{{"before", "inactive"},
                                      {"agent-email", "agent"},
                                      {"other", "identifier"},
                                      {"after", "identifier"}}));
}

TEST(SelectionRejected, FileOrderNotSelectionOrder) {
  const auto r = route({I("z-low", "sendgrid").priority(1), I("a-high", "mailgun").priority(9), I("m-fail", "ses").failing(),
                        I("b-mid", "postmark").priority(5)},
                       event("email"), 0);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().chosen, "a-high");
  EXPECT_EQ(r.only().rejected,
            (Pairs{{"z-low", "failover_limit"}, {"m-fail", "conditions"}, {"b-mid", "failover_limit"}}));
}

TEST(SelectionRejected, FileOrderWithOtherEnvironmentsInterleaved) {
  const auto r = route({I("c", "sendgrid").priority(1), I("x", "mailgun").env("e2"), I("a", "ses").priority(3),
                        I("y", "postmark").org("o2"), I("b", "resend").priority(2), I("z", "plunk").env("e2")},
                       event("email"), 0);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().chosen, "a");
  EXPECT_EQ(r.only().rejected, (Pairs{{"c", "failover_limit"}, {"b", "failover_limit"}}));
}

TEST(SelectionRejected, AgentIsNeverChosen) {
  const auto r = route({I("agent", "sendgrid").agent().priority(100).primary()}, event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_FALSE(r.only().chosen.has_value());
  EXPECT_EQ(r.only().rejected, (Pairs{{"agent", "agent"}}));
}

TEST(SelectionRejected, ChannelWhyForEveryOtherChannel) {
  const auto r = route({I("sms", "twilio", Channel::kSms), I("chat", "slack", Channel::kChat),
                        I("push", "fcm", Channel::kPush), I("inapp", "novu", Channel::kInApp), I("mail", "sendgrid")},
                       event("email"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.only().chosen, "mail");
  EXPECT_EQ(r.only().rejected,
            (Pairs{{"sms", "channel"}, {"chat", "channel"}, {"push", "channel"}, {"inapp", "channel"}}));
}

// ---- fan-out (4.2) ------------------------------------------------------------------------

TEST(SelectionFanOut, TargetsNamedByProviderAndEntryIndex) {
  const std::string channels = R"([
    {"providerId":"slack","credentials":{"webhookUrl":"https://h/a"}},
    {"providerId":"fcm","credentials":{"deviceTokens":["t"]}},
    {"providerId":"msteams","credentials":{"webhookUrl":"https://t/1"}},
    {"credentials":{"webhookUrl":"https://h/a"},"providerId":"slack"},
    {"providerId":"slack","credentials":{"webhookUrl":"https://h/b"}},
    {"providerId":"not-a-provider"},
    {"providerId":"sendgrid"}
  ])";
  const auto r = route({I("slack-main", "slack", Channel::kChat), I("teams", "msteams", Channel::kChat)},
                       fan_out_event("chat", channels));
  ASSERT_TRUE(r.ok) << r.error.message;
  ASSERT_EQ(r.targets.size(), 3u);
  EXPECT_EQ(r.targets[0].name, "slack:0");
  EXPECT_EQ(r.targets[0].chosen, "slack-main");
  EXPECT_EQ(r.targets[0].chosen_reason, "fallback");
  EXPECT_EQ(r.targets[0].rejected, (Pairs{{"teams", "provider"}}));
  EXPECT_EQ(r.targets[1].name, "msteams:2");
  EXPECT_EQ(r.targets[1].chosen, "teams");
  EXPECT_EQ(r.targets[1].rejected, (Pairs{{"slack-main", "provider"}}));
  EXPECT_EQ(r.targets[2].name, "slack:4");
  EXPECT_EQ(r.targets[2].chosen, "slack-main");
}

TEST(SelectionFanOut, DeepEqualEntriesCountOnce) {
  const std::string channels = R"([
    {"providerId":"fcm","credentials":{"deviceTokens":["a","b"],"extra":{"x":1,"y":[1,{"p":"q","r":"s"}]}}},
    {"credentials":{"extra":{"y":[1,{"r":"s","p":"q"}],"x":1},"deviceTokens":["a","b"]},"providerId":"fcm"},
    {"providerId":"fcm","credentials":{"deviceTokens":["b","a"],"extra":{"x":1,"y":[1,{"p":"q","r":"s"}]}}},
    {"providerId":"fcm","credentials":{"deviceTokens":["a","b"],"extra":{"x":2,"y":[1,{"p":"q","r":"s"}]}}},
    {"providerId":"fcm","credentials":{"deviceTokens":["a","b"],"extra":{"x":1,"y":[1,{"p":"q","r":"s"}]}}}
  ])";
  const auto r = route({I("fcm-main", "fcm", Channel::kPush)}, fan_out_event("push", channels));
  ASSERT_TRUE(r.ok) << r.error.message;
  Names names;
  for (const auto& t : r.targets) names.push_back(t.name);
  EXPECT_EQ(names, (Names{"fcm:0", "fcm:2", "fcm:3"}));
}

TEST(SelectionFanOut, EscapedAndUnescapedStringsAreEqual) {
  const std::string channels = R"([
    {"providerId":"slack","credentials":{"webhookUrl":"https://h/\u0061"}},
    {"providerId":"slack","credentials":{"webhookUrl":"https:\/\/h\/a"}}
  ])";
  const auto r = route({I("s", "slack", Channel::kChat)}, fan_out_event("chat", channels));
  ASSERT_TRUE(r.ok) << r.error.message;
  ASSERT_EQ(r.targets.size(), 1u);
  EXPECT_EQ(r.targets[0].name, "slack:0");
}

// BUG (contract 4.2, deep-equal entries): entries are compared after a round trip through
// doubles, so integers beyond 64 bits that differ make entries "identical".
TEST(SelectionFanOut, EntriesDifferingInAHugeIntegerAreDifferent) {
  const std::string channels = R"([
    {"providerId":"fcm","credentials":{"deviceTokens":["t"],"n":12345678901234567890123}},
    {"providerId":"fcm","credentials":{"deviceTokens":["t"],"n":12345678901234567890124}}
  ])";
  const auto r = route({I("fcm", "fcm", Channel::kPush)}, fan_out_event("push", channels));
  ASSERT_TRUE(r.ok) << r.error.message;
  Names names;
  for (const auto& t : r.targets) names.push_back(t.name);
  EXPECT_EQ(names, (Names{"fcm:0", "fcm:1"}));
}

// BUG (contract 4.2): identical entries holding a number outside the double range are not
// recognised as identical (the comparison copy fails to parse and never equals anything).
TEST(SelectionFanOut, IdenticalEntriesWithAHugeNumberCountOnce) {
  const std::string channels = R"([
    {"providerId":"fcm","credentials":{"deviceTokens":["t"],"n":1e400}},
    {"providerId":"fcm","credentials":{"deviceTokens":["t"],"n":1e400}}
  ])";
  const auto r = route({I("fcm", "fcm", Channel::kPush)}, fan_out_event("push", channels));
  ASSERT_TRUE(r.ok) << r.error.message;
  Names names;
  for (const auto& t : r.targets) names.push_back(t.name);
  EXPECT_EQ(names, (Names{"fcm:0"}));
}

TEST(SelectionFanOut, PinnedAndUnpinnedEntriesAreDifferent) {
  const std::string channels = R"([
    {"providerId":"slack","credentials":{"webhookUrl":"u"}},
    {"providerId":"slack","integrationIdentifier":"slack-b","credentials":{"webhookUrl":"u"}}
  ])";
  const auto r = route({I("slack-a", "slack", Channel::kChat).priority(10), I("slack-b", "slack", Channel::kChat)},
                       fan_out_event("chat", channels));
  ASSERT_TRUE(r.ok) << r.error.message;
  ASSERT_EQ(r.targets.size(), 2u);
  EXPECT_EQ(r.targets[0].name, "slack:0");
  EXPECT_EQ(chain(r.targets[0]), (Names{"slack-a", "slack-b"}));
  EXPECT_EQ(r.targets[1].name, "slack:1");
  EXPECT_EQ(chain(r.targets[1]), (Names{"slack-b"}));
  EXPECT_EQ(r.targets[1].chosen_reason, "fallback");
  EXPECT_EQ(r.targets[1].rejected, (Pairs{{"slack-a", "identifier"}}));
}

TEST(SelectionFanOut, PinnedToUnknownIdentifier) {
  const auto r = route({I("slack-a", "slack", Channel::kChat), I("slack-b", "slack", Channel::kChat)},
                       fan_out_event("chat", R"([{"providerId":"slack","integrationIdentifier":"slack-zzz"}])"));
  ASSERT_TRUE(r.ok) << r.error.message;
  const auto& t = r.only();
  EXPECT_EQ(t.name, "slack:0");
  EXPECT_FALSE(t.chosen.has_value());
  EXPECT_EQ(t.status, "no_integration");
  EXPECT_EQ(t.reason, "no_eligible_integration");
  EXPECT_EQ(t.rejected, (Pairs{{"slack-a", "identifier"}, {"slack-b", "identifier"}}));
}

TEST(SelectionFanOut, PinnedToAnotherProvidersIntegration) {
  // The pin names an msteams integration but the entry is a slack one: provider mismatch first.
  const auto r = route({I("teams", "msteams", Channel::kChat), I("slack-a", "slack", Channel::kChat)},
                       fan_out_event("chat", R"([{"providerId":"slack","integrationIdentifier":"teams"}])"));
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_FALSE(r.only().chosen.has_value());
  EXPECT_EQ(r.only().rejected, (Pairs{{"teams", "provider"}, {"slack-a", "identifier"}}));
}

TEST(SelectionFanOut, PinnedToInactive) {
  const auto r = route({I("slack-a", "slack", Channel::kChat), I("slack-b", "slack", Channel::kChat).inactive()},
                       fan_out_event("chat", R"([{"providerId":"slack","integrationIdentifier":"slack-b"}])"));
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_FALSE(r.only().chosen.has_value());
  EXPECT_EQ(r.only().rejected, (Pairs{{"slack-a", "identifier"}, {"slack-b", "inactive"}}));
}

TEST(SelectionFanOut, EmptyPinIsNotGiven) {
  const auto r = route({I("slack-a", "slack", Channel::kChat).priority(1), I("slack-b", "slack", Channel::kChat)},
                       fan_out_event("chat", R"([{"providerId":"slack","integrationIdentifier":""}])"));
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(chain(r.only()), (Names{"slack-a", "slack-b"}));
}

TEST(SelectionFanOut, RankingWithoutPrimaryStep) {
  const auto r = route({I("primary", "slack", Channel::kChat).primary().created("2025-01-01T00:00:00Z"),
                        I("newer", "slack", Channel::kChat).created("2025-06-01T00:00:00Z"),
                        I("matched", "slack", Channel::kChat).passing().priority(-5),
                        I("failed", "slack", Channel::kChat).failing().priority(50)},
                       fan_out_event("chat", R"([{"providerId":"slack"}])"));
  ASSERT_TRUE(r.ok) << r.error.message;
  const auto& t = r.only();
  EXPECT_EQ(chain(t), (Names{"matched", "newer", "primary"}));
  EXPECT_EQ(t.chosen_reason, "conditions_matched");
  EXPECT_EQ(t.failover_reasons, (Names{"fallback", "fallback"}));
  EXPECT_EQ(t.rejected, (Pairs{{"failed", "conditions"}}));
}

TEST(SelectionFanOut, RejectedWhys) {
  const auto r = route({I("mail", "sendgrid"), I("teams", "msteams", Channel::kChat),
                        I("slack-off", "slack", Channel::kChat).inactive(),
                        I("slack-gone", "slack", Channel::kChat).deleted(),
                        I("slack-agent", "slack", Channel::kChat).agent(), I("slack-ok", "slack", Channel::kChat)},
                       fan_out_event("chat", R"([{"providerId":"slack"}])"));
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(r.only().chosen, "slack-ok");
  EXPECT_EQ(r.only().rejected, (Pairs{{"mail", "channel"},
                                      {"teams", "provider"},
                                      {"slack-off", "inactive"},
                                      {"slack-gone", "deleted"},
                                      {"slack-agent", "agent"}}));
}

TEST(SelectionFanOut, OverridesDoNotApply) {
  const std::string ev = fan_out_event("chat", R"([{"providerId":"slack"}])",
                                       R"("overrides":{"integrationIdentifier":"slack-b","providerId":"msteams"})");
  const auto r = route({I("slack-a", "slack", Channel::kChat).priority(1), I("slack-b", "slack", Channel::kChat),
                        I("teams", "msteams", Channel::kChat).priority(5)},
                       ev);
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(chain(r.only()), (Names{"slack-a", "slack-b"}));
  EXPECT_EQ(r.only().chosen_reason, "fallback");
}

TEST(SelectionFanOut, FailoverLimitPerTarget) {
  const std::vector<Integration> integrations{
      I("s1", "slack", Channel::kChat).priority(4), I("s2", "slack", Channel::kChat).priority(3),
      I("s3", "slack", Channel::kChat).priority(2), I("s4", "slack", Channel::kChat).priority(1),
      I("d1", "discord", Channel::kChat)};
  const std::string ev = fan_out_event("chat", R"([{"providerId":"slack"},{"providerId":"discord"}])");
  const auto r = route(integrations, ev, 1);
  ASSERT_TRUE(r.ok) << r.error.message;
  ASSERT_EQ(r.targets.size(), 2u);
  EXPECT_EQ(chain(r.targets[0]), (Names{"s1", "s2"}));
  EXPECT_EQ(r.targets[0].rejected,
            (Pairs{{"s3", "failover_limit"}, {"s4", "failover_limit"}, {"d1", "provider"}}));
  EXPECT_EQ(chain(r.targets[1]), (Names{"d1"}));
  const auto zero = route(integrations, ev, 0, false);
  ASSERT_TRUE(zero.ok);
  EXPECT_EQ(chain(zero.targets[0]), (Names{"s1"}));
}

TEST(SelectionFanOut, TargetWithoutCandidates) {
  const auto r = route({I("slack", "slack", Channel::kChat)},
                       fan_out_event("chat", R"([{"providerId":"slack"},{"providerId":"discord"}])"));
  ASSERT_TRUE(r.ok) << r.error.message;
  ASSERT_EQ(r.targets.size(), 2u);
  EXPECT_EQ(r.targets[0].status, "routed");
  EXPECT_EQ(r.targets[1].name, "discord:1");
  EXPECT_EQ(r.targets[1].status, "no_integration");
  EXPECT_EQ(r.targets[1].reason, "no_eligible_integration");
  EXPECT_EQ(r.targets[1].rejected, (Pairs{{"slack", "provider"}}));
}

TEST(SelectionFanOut, PushTargets) {
  const std::string channels = R"([
    {"providerId":"slack","credentials":{"webhookUrl":"u"}},
    {"providerId":"fcm","credentials":{"deviceTokens":["a","b"]}},
    {"providerId":"apns","credentials":{"deviceTokens":["c"]}}
  ])";
  const auto r = route({I("fcm", "fcm", Channel::kPush), I("apns", "apns", Channel::kPush),
                        I("slack", "slack", Channel::kChat)},
                       fan_out_event("push", channels));
  ASSERT_TRUE(r.ok) << r.error.message;
  ASSERT_EQ(r.targets.size(), 2u);
  EXPECT_EQ(r.targets[0].name, "fcm:1");
  EXPECT_EQ(r.targets[0].chosen, "fcm");
  EXPECT_EQ(r.targets[0].rejected, (Pairs{{"apns", "provider"}, {"slack", "channel"}}));
  EXPECT_EQ(r.targets[1].name, "apns:2");
  EXPECT_EQ(r.targets[1].chosen, "apns");
}

TEST(SelectionFanOut, NoSubscriberChannels) {
  const std::vector<Integration> integrations{I("slack", "slack", Channel::kChat), I("mail", "sendgrid")};
  for (const std::string& ev : {event("chat"), fan_out_event("chat", "[]"),
                                fan_out_event("chat", R"([{"providerId":"fcm"},{"providerId":"sendgrid"}])")}) {
    const auto r = route(integrations, ev);
    ASSERT_TRUE(r.ok) << r.error.message;
    const auto& t = r.only();
    EXPECT_EQ(t.name, "default") << ev;
    EXPECT_FALSE(t.chosen.has_value()) << ev;
    EXPECT_EQ(t.status, "no_integration") << ev;
    EXPECT_EQ(t.reason, "no_subscriber_channels") << ev;
    EXPECT_TRUE(t.rejected.empty()) << ev;
  }
}

TEST(SelectionFanOut, ConditionsPerIntegration) {
  const auto r = route({I("vip", "slack", Channel::kChat).when("amount", Operator::kLarger, "40"),
                        I("small", "slack", Channel::kChat).when("amount", Operator::kSmaller, "40").priority(10),
                        I("plain", "slack", Channel::kChat)},
                       fan_out_event("chat", R"([{"providerId":"slack"}])"));
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(chain(r.only()), (Names{"vip", "plain"}));
  EXPECT_EQ(r.only().rejected, (Pairs{{"small", "conditions"}}));
}

TEST(SelectionFanOut, SubscriberBeforeChannelInTheEvent) {
  const std::string ev =
      R"({"subscriber":{"subscriberId":"s","channels":[{"providerId":"expo"},{"providerId":"fcm"}]},)"
      R"("payload":{"amount":42},"id":"x","organizationId":"o","environmentId":"e","channel":"push"})";
  const auto r = route({I("fcm", "fcm", Channel::kPush).when("amount", Operator::kEqual, "42"),
                        I("expo", "expo", Channel::kPush)},
                       ev);
  ASSERT_TRUE(r.ok) << r.error.message;
  ASSERT_EQ(r.targets.size(), 2u);
  EXPECT_EQ(r.targets[0].name, "expo:0");
  EXPECT_EQ(r.targets[0].chosen, "expo");
  EXPECT_EQ(r.targets[1].name, "fcm:1");
  EXPECT_EQ(r.targets[1].chosen, "fcm");
  EXPECT_EQ(r.targets[1].chosen_reason, "conditions_matched");
}

TEST(SelectionFanOut, SingleTargetChannelsIgnoreSubscriberChannels) {
  const auto r = route({I("mail", "sendgrid")}, fan_out_event("email", R"([{"providerId":"sendgrid"}])"));
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(r.only().name, "default");
  EXPECT_EQ(r.only().chosen, "mail");
}

TEST(SelectionReuse, OneRouterAcrossBucketsMatchesFreshRouters) {
  auto snapshot = IntegrationSnapshot::build({
      I("e1-big", "sendgrid").when("amount", Operator::kLarger, "40"),
      I("e1-tier", "mailgun").when("tier", Operator::kEqual, "{{payload.expected}}"),
      I("e1-plain", "ses"),
      I("e2-list", "sendgrid").env("e2").when("tags", Operator::kIn, "vip"),
      I("e2-deep", "mailgun").env("e2").when("a.b[1].c", Operator::kIsDefined, std::nullopt),
      I("chat-cond", "slack", Channel::kChat).when("amount", Operator::kSmaller, "40"),
      I("chat-plain", "slack", Channel::kChat),
  });
  auto make = [](std::string_view env, std::string_view channel, std::string_view payload) {
    return std::string(R"({"id":"x","organizationId":"o","environmentId":")") + std::string(env) +
           R"(","channel":")" + std::string(channel) +
           R"(","subscriber":{"subscriberId":"s","channels":[{"providerId":"slack"}]},"payload":)" +
           std::string(payload) + "}";
  };
  const std::vector<std::string> events = {
      make("e", "email", R"({"amount":50,"tier":"gold","expected":"gold"})"),
      make("e2", "email", R"({"tags":["vip"],"a":{"b":[0,{"c":null}]}})"),
      make("e", "chat", R"({"amount":10})"),
      make("e", "email", R"({"amount":10,"tier":"gold","expected":"silver"})"),
      make("e2", "email", R"({"tags":"vip","a":{"b":[0]}})"),
      make("nope", "email", R"({"amount":50})"),
      make("e", "chat", R"({"amount":50})"),
      make("e", "email", R"({"amount":"50","tier":"x","expected":"x"})"),
  };
  Router shared;
  for (int pass = 0; pass < 3; ++pass) {
    for (const std::string& ev : events) {
      Router fresh;
      Decision a, b;
      Error ea, eb;
      ASSERT_TRUE(shared.route(ev, *snapshot, RouteOptions{5, true}, a, ea)) << ea.message;
      ASSERT_TRUE(fresh.route(ev, *snapshot, RouteOptions{5, true}, b, eb)) << eb.message;
      ASSERT_EQ(a.size(), b.size()) << ev;
      for (std::size_t t = 0; t < a.size(); ++t) {
        std::vector<std::uint32_t> ca, cb, ra, rb;
        for (const auto& c : a[t].candidates) ca.push_back(c.entry);
        for (const auto& c : b[t].candidates) cb.push_back(c.entry);
        for (const auto& r : a[t].rejected) ra.push_back(r.entry * 16 + static_cast<std::uint32_t>(r.why));
        for (const auto& r : b[t].rejected) rb.push_back(r.entry * 16 + static_cast<std::uint32_t>(r.why));
        EXPECT_EQ(ca, cb) << ev;
        EXPECT_EQ(ra, rb) << ev;
      }
    }
  }
  // And the answers themselves, for the first events.
  EXPECT_EQ(chain(route({I("e1-big", "sendgrid").when("amount", Operator::kLarger, "40"),
                         I("e1-tier", "mailgun").when("tier", Operator::kEqual, "{{payload.expected}}"),
                         I("e1-plain", "ses")},
                        events[0], 5)
                      .only()),
            (Names{"e1-big", "e1-tier", "e1-plain"}));
}

// ---- invalid events (section 2) -----------------------------------------------------------

struct InvalidCase {
  std::string json;
  std::string names;  // the message must contain this
};

std::string base_with(std::string_view replace_from, std::string_view replace_to) {
  std::string ev = event("email");
  const auto at = ev.find(replace_from);
  EXPECT_NE(at, std::string::npos) << replace_from;
  if (at != std::string::npos) ev.replace(at, replace_from.size(), replace_to);
  return ev;
}

TEST(SelectionInvalidEvent, RejectedWithAMessageNamingTheField) {
  const std::string id128(128, 'x');
  std::string euro43;
  for (int i = 0; i < 43; ++i) euro43 += "\xE2\x82\xAC";  // 129 bytes, 43 characters
  const std::vector<InvalidCase> cases = {
      {base_with(R"("id":"evt-1",)", ""), "id"},
      {base_with(R"("id":"evt-1")", R"("id":"")"), "id"},
      {base_with(R"("id":"evt-1")", R"("id":7)"), "id"},
      {base_with(R"("id":"evt-1")", "\"id\":\"" + id128 + "y\""), "id"},
      {base_with(R"("id":"evt-1")", "\"id\":\"" + euro43 + "\""), "id"},
      {base_with(R"("organizationId":"o",)", ""), "organizationId"},
      {base_with(R"("organizationId":"o")", R"("organizationId":"")"), "organizationId"},
      {base_with(R"("environmentId":"e")", R"("environmentId":1)"), "environmentId"},
      {base_with(R"("channel":"email")", R"("channel":"fax")"), "channel"},
      {base_with(R"("channel":"email")", R"("channel":"EMAIL")"), "channel"},
      {base_with(R"("channel":"email")", R"("channel":null)"), "channel"},
      {base_with(R"("channel":"email",)", ""), "channel"},
      {base_with(R"(,"subscriber":{"subscriberId":"sub-1"})", ""), "subscriber"},
      {base_with(R"("subscriber":{"subscriberId":"sub-1"})", R"("subscriber":"sub-1")"), "subscriber"},
      {base_with(R"({"subscriberId":"sub-1"})", R"({"email":"a@b.c"})"), "subscriber.subscriberId"},
      {base_with(R"({"subscriberId":"sub-1"})", R"({"subscriberId":5})"), "subscriber.subscriberId"},
      {base_with(R"({"subscriberId":"sub-1"})", R"({"subscriberId":"s","channels":{}})"), "subscriber.channels"},
      {base_with(R"({"subscriberId":"sub-1"})", R"({"subscriberId":"s","channels":["slack"]})"),
       "subscriber.channels[0]"},
      {base_with(R"({"subscriberId":"sub-1"})",
                 R"({"subscriberId":"s","channels":[{"providerId":"slack"},{"credentials":{}}]})"),
       "subscriber.channels[1].providerId"},
      {base_with(R"({"subscriberId":"sub-1"})", R"({"subscriberId":"s","channels":[{"providerId":3}]})"),
       "subscriber.channels[0].providerId"},
      {base_with(R"({"subscriberId":"sub-1"})",
                 R"({"subscriberId":"s","channels":[{"providerId":"slack","integrationIdentifier":1}]})"),
       "subscriber.channels[0].integrationIdentifier"},
      {base_with(R"({"subscriberId":"sub-1"})",
                 R"({"subscriberId":"s","channels":[{"providerId":"slack","credentials":"x"}]})"),
       "subscriber.channels[0].credentials"},
      {base_with(R"("payload":{"amount":42})", R"("payload":{"amount":42},"tenant":"acme")"), "tenant"},
      {base_with(R"("payload":{"amount":42})", R"("payload":{"amount":42},"tenant":["acme"])"), "tenant"},
      {base_with(R"("payload":{"amount":42})", R"("payload":[42])"), "payload"},
      {base_with(R"("payload":{"amount":42})", R"("payload":{"amount":42},"content":"hi")"), "content"},
      {base_with(R"("payload":{"amount":42})", R"("payload":{"amount":42},"overrides":[])"), "overrides"},
      {base_with(R"("payload":{"amount":42})", R"("payload":{"amount":42},"overrides":{"providerId":1})"),
       "overrides.providerId"},
      {base_with(R"("payload":{"amount":42})",
                 R"("payload":{"amount":42},"overrides":{"integrationIdentifier":null})"),
       "overrides.integrationIdentifier"},
      {base_with(R"("payload":{"amount":42})", R"("payload":{"amount":42},"overrides":{"replyTo":false})"),
       "overrides.replyTo"},
      {base_with(R"("payload":{"amount":42})", R"("payload":{"amount":42},"transactionId":9)"), "transactionId"},
      {base_with(R"("payload":{"amount":42})", R"("payload":{"amount":42},"createdAt":1732269600)"), "createdAt"},
      {base_with(R"("id":"evt-1",)", R"("id":"evt-1","id":"evt-2",)"), "id"},
      {base_with(R"("channel":"email",)", R"("channel":"email","channel":"sms",)"), "channel"},
  };
  for (const auto& c : cases) {
    const auto r = route({I("mail", "sendgrid")}, c.json);
    EXPECT_FALSE(r.ok) << c.json;
    if (r.ok) continue;
    EXPECT_FALSE(r.error.code.empty()) << c.json;
    EXPECT_NE(r.error.message.find(c.names), std::string::npos)
        << "message \"" << r.error.message << "\" should name " << c.names << " for " << c.json;
    EXPECT_EQ(r.error.message.find('\n'), std::string::npos) << "one line";
  }
}

TEST(SelectionInvalidEvent, NotJson) {
  const std::string good = event("email");
  for (const std::string& text : {std::string(""), std::string("{"), std::string("not json"),
                                  good.substr(0, good.size() - 1), good + " x", good + "{}", good + "}",
                                  std::string("[") + good + "]", std::string("\"event\""), std::string("null"),
                                  base_with(R"("amount":42)", R"("amount":4 2)"),
                                  base_with(R"("amount":42)", R"("amount":042)"),
                                  base_with(R"("amount":42)", R"("amount":NaN)")}) {
    const auto r = route({I("mail", "sendgrid")}, text);
    EXPECT_FALSE(r.ok) << text;
    EXPECT_FALSE(r.error.message.empty()) << text;
  }
}

TEST(SelectionInvalidEvent, IdLimitIsBytes) {
  const auto ok = route({I("mail", "sendgrid")}, base_with(R"("id":"evt-1")", "\"id\":\"" + std::string(128, 'x') + "\""));
  EXPECT_TRUE(ok.ok) << ok.error.message;
  std::string euro42;
  for (int i = 0; i < 42; ++i) euro42 += "\xE2\x82\xAC";  // 126 bytes
  const auto multi = route({I("mail", "sendgrid")}, base_with(R"("id":"evt-1")", "\"id\":\"" + euro42 + "\""));
  EXPECT_TRUE(multi.ok) << multi.error.message;
}

TEST(SelectionInvalidEvent, OptionalAndFreeFieldsAccepted) {
  const std::string ev = event(
      "email",
      R"("transactionId":"t-1","createdAt":"2026-11-22T10:00:00.000Z","unknownTop":[1,{"a":null}],)"
      R"("tenant":{"identifier":"acme","data":{"x":[1,2]}},"content":{"subject":"Hi","any":{"n":1}},)"
      R"("overrides":{"from":"a@b.c","custom":123})",
      R"({"subscriberId":"s","email":"a@b.c","data":{"tier":"gold"},"extra":[true]})");
  const auto r = route({I("mail", "sendgrid")}, ev);
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(r.only().chosen, "mail");
}

TEST(SelectionInvalidEvent, RouterRecoversAfterAnInvalidEvent) {
  auto snapshot = IntegrationSnapshot::build({I("mail", "sendgrid")});
  Router router;
  Decision decision;
  Error error;
  ASSERT_TRUE(router.route(event("email"), *snapshot, RouteOptions{}, decision, error));
  EXPECT_EQ(decision.size(), 1u);
  EXPECT_FALSE(router.route("{", *snapshot, RouteOptions{}, decision, error));
  EXPECT_EQ(decision.size(), 0u);
  ASSERT_TRUE(router.route(event("email"), *snapshot, RouteOptions{}, decision, error));
  ASSERT_EQ(decision.size(), 1u);
  EXPECT_EQ(decision[0].status, TargetStatus::kRouted);
  EXPECT_EQ(router.event().id, "evt-1");
}

// ---- robustness: deeply nested input must not crash ---------------------------------------
// BUG (contract 2 and 3.4 "nothing throws"): the event walk, the list parser and the minifier
// recurse once per nesting level with no depth limit, so a deeply nested value overflows the
// stack. Each case runs in a child process; the child must finish (route returning true or
// false are both acceptable), not die.

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(SelectionDeathTest, DeeplyNestedEventContentDoesNotCrash) {
  const std::string ev = event("email", std::string(R"("content":{"deep":)") + nested_arrays(1000000) + "}");
  EXPECT_EXIT(
      {
        route({I("mail", "sendgrid")}, ev);
        std::exit(0);
      },
      testing::ExitedWithCode(0), "");
}

TEST(SelectionDeathTest, DeeplyNestedListRenderedFromTheEventDoesNotCrash) {
  // The payload holds a *string*; ANY_IN reads the rendered template as a JSON array.
  const std::string ev =
      event("email", std::string(R"("tenant":{"list":")") + nested_arrays(1000000) + "\"}");
  EXPECT_EXIT(
      {
        route({I("mail", "sendgrid").when("amount", Operator::kAnyIn, "{{tenant.list}}")}, ev);
        std::exit(0);
      },
      testing::ExitedWithCode(0), "");
}

TEST(SelectionDeathTest, DeeplyNestedStaticListValueDoesNotCrash) {
  EXPECT_EXIT(
      {
        route({I("mail", "sendgrid").when("amount", Operator::kAnyIn, nested_arrays(1000000))}, event("email"));
        std::exit(0);
      },
      testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace switchboard::routing
