#include "registry/integration_table.h"

#include <gtest/gtest.h>

namespace switchboard::registry {
namespace {

using routing::Channel;
using routing::IntegrationKind;

Integration make(std::string id, std::string identifier, Channel channel, bool active = true,
                 std::string env = "env-1", std::string org = "org-1") {
  Integration integration;
  integration.id = std::move(id);
  integration.organization_id = std::move(org);
  integration.environment_id = std::move(env);
  integration.name = integration.id;
  integration.identifier = std::move(identifier);
  integration.provider_id = channel == Channel::kSms ? "twilio" : "sendgrid";
  integration.channel = channel;
  integration.active = active;
  return integration;
}

bool primary_of(const IntegrationTable& table, const std::string& id) { return table.get("org-1", id).value().primary; }

TEST(RegistryTable, FirstActiveEmailOrSmsBecomesPrimary) {
  IntegrationTable table;
  EXPECT_TRUE(table.create(make("a", "a", Channel::kEmail)).value().primary);
  EXPECT_FALSE(table.create(make("b", "b", Channel::kEmail)).value().primary);
  EXPECT_TRUE(table.create(make("c", "c", Channel::kSms)).value().primary);
  EXPECT_FALSE(table.create(make("d", "d", Channel::kChat)).value().primary);          // chat knows no primary
  EXPECT_FALSE(table.create(make("e", "e", Channel::kSms, false)).value().primary);    // inactive
  EXPECT_TRUE(table.create(make("f", "f", Channel::kEmail, true, "env-2")).value().primary);  // other environment
  auto caller_says_primary = make("g", "g", Channel::kPush);
  caller_says_primary.primary = true;
  EXPECT_FALSE(table.create(caller_says_primary).value().primary);  // computed, not taken
}

TEST(RegistryTable, AgentsDoNotCompeteWithDeliveryIntegrations) {
  IntegrationTable table;
  auto agent = make("agent", "agent", Channel::kEmail);
  agent.kind = IntegrationKind::kAgent;
  EXPECT_FALSE(table.create(agent).value().primary);
  EXPECT_TRUE(table.create(make("a", "a", Channel::kEmail)).value().primary);
  EXPECT_TRUE(table.set_primary("org-1", "agent").ok());
  EXPECT_TRUE(primary_of(table, "a"));  // different bucket: not demoted
  EXPECT_EQ(primary_bucket(agent), "agent:email");
}

TEST(RegistryTable, IdentifiersAreUniquePerOrganizationAndIdsGlobally) {
  IntegrationTable table;
  ASSERT_TRUE(table.create(make("a", "same", Channel::kEmail)).ok());
  const auto taken = table.create(make("b", "same", Channel::kSms, true, "env-2"));
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, kConflict);
  EXPECT_TRUE(table.create(make("c", "same", Channel::kSms, true, "env-1", "org-2")).ok());
  const auto same_id = table.create(make("a", "other", Channel::kSms));
  ASSERT_FALSE(same_id.ok());
  EXPECT_EQ(same_id.error().code, kConflict);
}

TEST(RegistryTable, DeletedIntegrationsKeepTheirIdentifier) {
  IntegrationTable table;
  ASSERT_TRUE(table.create(make("a", "sg", Channel::kEmail)).ok());
  ASSERT_TRUE(table.remove("org-1", "a", "user-1", "2026-11-22T10:00:00Z").ok());
  EXPECT_EQ(table.create(make("b", "sg", Channel::kEmail)).error().code, kConflict);
}

TEST(RegistryTable, UpdateKeepsPrimaryAndChecksIdentifier) {
  IntegrationTable table;
  ASSERT_TRUE(table.create(make("a", "a", Channel::kEmail)).ok());
  ASSERT_TRUE(table.create(make("b", "b", Channel::kEmail)).ok());
  auto renamed = make("a", "a2", Channel::kEmail);
  renamed.primary = false;  // ignored
  const auto updated = table.update(renamed);
  ASSERT_TRUE(updated.ok());
  EXPECT_TRUE(updated.value().primary);
  EXPECT_EQ(table.update(make("b", "a2", Channel::kEmail)).error().code, kConflict);
  EXPECT_TRUE(table.create(make("c", "a", Channel::kSms)).ok());  // the old identifier is free again
}

TEST(RegistryTable, DeactivatingAPrimaryPromotesNobodyAndActivatingClaimsAnEmptySlot) {
  IntegrationTable table;
  ASSERT_TRUE(table.create(make("a", "a", Channel::kEmail)).ok());
  ASSERT_TRUE(table.create(make("b", "b", Channel::kEmail)).ok());
  const auto off = table.update(make("a", "a", Channel::kEmail, false));
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off.value().primary);
  EXPECT_FALSE(primary_of(table, "b"));
  // b is already active: an update that does not activate it changes nothing.
  EXPECT_FALSE(table.update(make("b", "b", Channel::kEmail)).value().primary);
  // a comes back active and the slot is empty: a becomes primary.
  EXPECT_TRUE(table.update(make("a", "a", Channel::kEmail)).value().primary);
}

TEST(RegistryTable, MovingToAnotherChannelLeavesThePrimary) {
  IntegrationTable table;
  ASSERT_TRUE(table.create(make("a", "a", Channel::kEmail)).ok());
  auto moved = make("a", "a", Channel::kSms);
  EXPECT_TRUE(table.update(moved).value().primary);  // sms had no primary
  ASSERT_TRUE(table.create(make("b", "b", Channel::kEmail)).ok());
  EXPECT_TRUE(primary_of(table, "b"));
}

TEST(RegistryTable, SetPrimaryDemotesTheOthersOfItsBucket) {
  IntegrationTable table;
  ASSERT_TRUE(table.create(make("a", "a", Channel::kEmail)).ok());
  ASSERT_TRUE(table.create(make("b", "b", Channel::kEmail, false)).ok());
  ASSERT_TRUE(table.create(make("s", "s", Channel::kSms)).ok());
  const auto b = table.set_primary("org-1", "b");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b.value().primary);
  EXPECT_TRUE(b.value().active);
  EXPECT_FALSE(primary_of(table, "a"));
  EXPECT_TRUE(primary_of(table, "s"));
}

TEST(RegistryTable, RemoveIsSoftAndFinal) {
  IntegrationTable table;
  ASSERT_TRUE(table.create(make("a", "a", Channel::kEmail)).ok());
  ASSERT_TRUE(table.create(make("b", "b", Channel::kEmail)).ok());
  const auto removed = table.remove("org-1", "a", "user-9", "2026-11-22T10:00:00Z");
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(removed.value().deleted);
  EXPECT_FALSE(removed.value().active);
  EXPECT_FALSE(removed.value().primary);
  EXPECT_EQ(removed.value().deleted_by, "user-9");
  EXPECT_EQ(removed.value().deleted_at, "2026-11-22T10:00:00Z");
  EXPECT_FALSE(primary_of(table, "b"));  // promotes nothing
  EXPECT_EQ(table.list("org-1", "env-1").size(), 2u);  // still listed
  EXPECT_EQ(table.remove("org-1", "a", "x", "y").error().code, kNotFound);
  EXPECT_EQ(table.set_primary("org-1", "a").error().code, kNotFound);
  EXPECT_EQ(table.update(make("a", "a", Channel::kEmail)).error().code, kNotFound);
}

TEST(RegistryTable, OtherOrganizationsSeeNothing) {
  IntegrationTable table;
  ASSERT_TRUE(table.create(make("a", "a", Channel::kEmail)).ok());
  EXPECT_EQ(table.get("org-2", "a").error().code, kNotFound);
  EXPECT_EQ(table.set_primary("org-2", "a").error().code, kNotFound);
  EXPECT_EQ(table.remove("org-2", "a", "x", "y").error().code, kNotFound);
  EXPECT_EQ(table.update(make("a", "a", Channel::kEmail, true, "env-1", "org-2")).error().code, kNotFound);
  EXPECT_EQ(table.update(make("a", "a", Channel::kEmail, true, "env-2")).error().code, kNotFound);
  EXPECT_TRUE(table.list("org-2", "env-1").empty());
}

TEST(RegistryTable, LoadsFilesAsWrittenButRejectsDuplicates) {
  auto two_primaries = IntegrationTable::from({make("a", "a", Channel::kEmail), make("b", "b", Channel::kEmail)});
  ASSERT_TRUE(two_primaries.ok());
  EXPECT_EQ(IntegrationTable::from({make("a", "a", Channel::kEmail), make("a", "b", Channel::kEmail)}).error().code,
            kConflict);
  EXPECT_EQ(IntegrationTable::from({make("a", "x", Channel::kEmail), make("b", "x", Channel::kEmail)}).error().code,
            kConflict);
}

}  // namespace
}  // namespace switchboard::registry
