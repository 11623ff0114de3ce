#include "routing/integration_json.h"

#include <gtest/gtest.h>

namespace switchboard::routing {
namespace {

using Json = nlohmann::ordered_json;

// Every field of the wire form, written in integration_to_json's order and format, so the
// serialized text must come back byte for byte.
constexpr std::string_view kFullIntegration = R"({
  "_id": "int_1",
  "_environmentId": "env_1",
  "_organizationId": "org_1",
  "name": "SendGrid EU",
  "identifier": "sendgrid-eu",
  "providerId": "sendgrid",
  "channel": "email",
  "kind": "delivery",
  "credentials": {
    "apiKey": "SG.secret",
    "from": "noreply@example.com",
    "senderName": "Example",
    "secure": true,
    "requireTls": false,
    "tlsOptions": {"rejectUnauthorized": false, "ciphers": ["a", "b"], "nested": {"x": 1}}
  },
  "configurations": {
    "inboundWebhookEnabled": true,
    "inboundWebhookSigningKey": "whsec_1",
    "rateLimit": {"perSecond": 12.5, "burst": 20}
  },
  "active": true,
  "deleted": false,
  "deletedAt": "",
  "deletedBy": "user_9",
  "primary": true,
  "priority": -3,
  "createdAt": "2026-11-22T10:00:00Z",
  "updatedAt": "2026-11-22T10:00:00.123456Z",
  "conditions": [
    {
      "isNegated": true,
      "type": "TEXT",
      "value": "AND",
      "children": [
        {"field": "tier", "value": "gold", "operator": "EQUAL", "on": "subscriber"},
        {"field": "region", "operator": "IS_DEFINED", "on": "tenant"}
      ]
    },
    {"isNegated": false, "value": "OR", "children": []}
  ]
})";

// The smallest valid delivery integration.
Json minimal() {
  return Json::parse(R"({
    "_id": "int_1", "_environmentId": "env_1", "_organizationId": "org_1", "name": "n",
    "identifier": "mail", "providerId": "sendgrid", "channel": "email",
    "active": true, "deleted": false, "primary": false
  })");
}

Json with_condition_child(Json child) {
  Json json = minimal();
  json["conditions"] = Json::array({{{"value", "AND"}, {"children", Json::array({std::move(child)})}}});
  return json;
}

ValidationErrors errors_of(const Json& json, std::string_view path = "[0]", IntegrationParseOptions options = {}) {
  ValidationErrors errors;
  const auto integration = integration_from_json(json, path, options, errors);
  EXPECT_EQ(integration.has_value(), errors.empty());
  return errors;
}

std::string describe(const ValidationErrors& errors) {
  std::string out;
  for (const auto& error : errors) out += "  " + error.path + ": " + error.message + "\n";
  return out;
}

// The only error must be at `path`; returns its message.
std::string single_error_at(const Json& json, const std::string& path) {
  const ValidationErrors errors = errors_of(json);
  EXPECT_EQ(errors.size(), 1u) << describe(errors);
  if (errors.empty()) return "";
  EXPECT_EQ(errors[0].path, path) << describe(errors);
  return errors[0].message;
}

Integration must_read(const Json& json) {
  ValidationErrors errors;
  auto integration = integration_from_json(json, "", {}, errors);
  EXPECT_TRUE(integration.has_value()) << describe(errors);
  return integration.value_or(Integration{});
}

// ---- valid input and round trips ---------------------------------------------------------

TEST(IntegrationJson, ReadsEveryField) {
  const Integration x = must_read(Json::parse(kFullIntegration));
  EXPECT_EQ(x.id, "int_1");
  EXPECT_EQ(x.environment_id, "env_1");
  EXPECT_EQ(x.organization_id, "org_1");
  EXPECT_EQ(x.name, "SendGrid EU");
  EXPECT_EQ(x.identifier, "sendgrid-eu");
  EXPECT_EQ(x.provider_id, "sendgrid");
  EXPECT_EQ(x.channel, Channel::kEmail);
  EXPECT_EQ(x.kind, IntegrationKind::kDelivery);
  ASSERT_TRUE(x.credentials);
  ASSERT_EQ(x.credentials->size(), 6u);
  EXPECT_EQ((*x.credentials)[0], (Credential{"apiKey", Credential::Type::kString, "SG.secret"}));
  EXPECT_EQ((*x.credentials)[3], (Credential{"secure", Credential::Type::kBool, "true"}));
  EXPECT_EQ((*x.credentials)[4], (Credential{"requireTls", Credential::Type::kBool, "false"}));
  EXPECT_EQ((*x.credentials)[5], (Credential{"tlsOptions", Credential::Type::kObject,
                                             R"({"rejectUnauthorized":false,"ciphers":["a","b"],"nested":{"x":1}})"}));
  ASSERT_TRUE(x.configurations);
  EXPECT_EQ(x.configurations->inbound_webhook_enabled, true);
  EXPECT_EQ(x.configurations->inbound_webhook_signing_key, "whsec_1");
  EXPECT_EQ(x.configurations->rate_limit, (RateLimit{12.5, 20}));
  EXPECT_TRUE(x.active);
  EXPECT_FALSE(x.deleted);
  EXPECT_EQ(x.deleted_at, "");
  EXPECT_EQ(x.deleted_by, "user_9");
  EXPECT_TRUE(x.primary);
  EXPECT_EQ(x.priority, -3);
  ASSERT_TRUE(x.created_at && x.updated_at);
  EXPECT_EQ(x.created_at->epoch_seconds, 1795341600);
  EXPECT_EQ(x.updated_at->fraction, "123456");
  ASSERT_EQ(x.conditions.size(), 2u);
  EXPECT_TRUE(x.conditions[0].is_negated);
  EXPECT_EQ(x.conditions[0].type, "TEXT");
  EXPECT_EQ(x.conditions[0].logic, GroupLogic::kAnd);
  ASSERT_EQ(x.conditions[0].children.size(), 2u);
  EXPECT_EQ(x.conditions[0].children[0],
            (ConditionChild{ConditionOn::kSubscriber, "tier", Operator::kEqual, std::string("gold")}));
  EXPECT_EQ(x.conditions[0].children[1],
            (ConditionChild{ConditionOn::kTenant, "region", Operator::kIsDefined, std::nullopt}));
  EXPECT_FALSE(x.conditions[1].is_negated);
  EXPECT_FALSE(x.conditions[1].type);
  EXPECT_EQ(x.conditions[1].logic, GroupLogic::kOr);
  EXPECT_TRUE(x.conditions[1].children.empty());
}

TEST(IntegrationJson, FullRoundTripIsExact) {
  const Json original = Json::parse(kFullIntegration);
  const Integration x = must_read(original);
  const Json written = integration_to_json(x, true);
  EXPECT_EQ(written.dump(), original.dump());
  EXPECT_EQ(must_read(written), x);
}

TEST(IntegrationJson, CredentialsOnlyWhenAsked) {
  const Integration x = must_read(Json::parse(kFullIntegration));
  const Json written = integration_to_json(x, false);
  EXPECT_FALSE(written.contains("credentials"));
  EXPECT_EQ(written.dump().find("SG.secret"), std::string::npos);
  EXPECT_TRUE(written.contains("configurations"));
}

TEST(IntegrationJson, DefaultsAndOmittedOptionals) {
  const Integration x = must_read(minimal());
  EXPECT_EQ(x.kind, IntegrationKind::kDelivery);
  EXPECT_EQ(x.priority, 0);
  EXPECT_FALSE(x.credentials);
  EXPECT_FALSE(x.configurations);
  EXPECT_FALSE(x.deleted_at);
  EXPECT_FALSE(x.created_at);
  EXPECT_TRUE(x.conditions.empty());
  EXPECT_FALSE(x.conditioned());

  const Json written = integration_to_json(x, true);
  for (const char* key : {"credentials", "configurations", "deletedAt", "deletedBy", "createdAt", "updatedAt"}) {
    EXPECT_FALSE(written.contains(key)) << key;
  }
  EXPECT_EQ(written["kind"], "delivery");
  EXPECT_EQ(written["priority"], 0);
  EXPECT_EQ(written["conditions"], Json::array());
  EXPECT_EQ(must_read(written), x);
}

TEST(IntegrationJson, EmptyCredentialsAndConfigurationsRoundTrip) {
  Json json = minimal();
  json["credentials"] = Json::object();
  json["configurations"] = Json::object();
  const Integration x = must_read(json);
  ASSERT_TRUE(x.credentials && x.configurations);
  EXPECT_TRUE(x.credentials->empty());
  EXPECT_EQ(must_read(integration_to_json(x, true)), x);
}

TEST(IntegrationJson, RoundTripOfBuiltValue) {
  Integration x;
  x.id = "i";
  x.environment_id = "e";
  x.organization_id = "o";
  x.name = "Agent";
  x.identifier = "agent-1";
  x.provider_id = "claude-managed-agents";
  x.kind = IntegrationKind::kAgent;
  x.credentials = std::vector<Credential>{{"apiKey", Credential::Type::kString, "k"},
                                          {"hmac", Credential::Type::kBool, "false"},
                                          {"tlsOptions", Credential::Type::kObject, "{}"}};
  x.configurations = Configurations{std::nullopt, std::nullopt, RateLimit{3, 1}};
  x.priority = 9223372036854775807;
  x.conditions = {ConditionGroup{false, std::nullopt, GroupLogic::kOr,
                                 {ConditionChild{ConditionOn::kPayload, "a.b[0]", Operator::kBetween, "1,2"}}}};
  EXPECT_EQ(must_read(integration_to_json(x, true)), x);
}

TEST(IntegrationJson, FindCredential) {
  const Integration x = must_read(Json::parse(kFullIntegration));
  ASSERT_NE(x.find_credential("from"), nullptr);
  EXPECT_EQ(x.find_credential("from")->value, "noreply@example.com");
  EXPECT_EQ(x.find_credential("password"), nullptr);
  EXPECT_EQ(must_read(minimal()).find_credential("apiKey"), nullptr);
}

TEST(IntegrationJson, UnknownTopLevelKeysAreIgnored) {
  Json json = minimal();
  json["__v"] = 0;
  json["somethingNew"] = {{"deep", Json::array({1, 2})}};
  EXPECT_TRUE(errors_of(json).empty());
}

// ---- required fields, nulls and types ------------------------------------------------------

TEST(IntegrationJson, EachRequiredFieldMissing) {
  for (const char* key : {"_id", "_environmentId", "_organizationId", "name", "identifier", "providerId", "active",
                          "deleted", "primary"}) {
    Json json = minimal();
    json.erase(key);
    EXPECT_EQ(single_error_at(json, std::string("[0].") + key), "is required") << key;
  }
}

TEST(IntegrationJson, IdOptionalWhenNotRequired) {
  Json json = minimal();
  json.erase("_id");
  EXPECT_TRUE(errors_of(json, "[0]", IntegrationParseOptions{false}).empty());
  json["_id"] = "";
  EXPECT_EQ(errors_of(json, "[0]", IntegrationParseOptions{false}).size(), 1u);
}

TEST(IntegrationJson, NullIsInvalidWhereTyped) {
  const std::pair<const char*, const char*> cases[] = {
      {"_id", "a string"},          {"name", "a string"},           {"channel", "a string"},
      {"kind", "a string"},         {"credentials", "an object"},   {"configurations", "an object"},
      {"active", "a boolean"},      {"deleted", "a boolean"},       {"deletedAt", "a string"},
      {"deletedBy", "a string"},    {"primary", "a boolean"},       {"priority", "an integer"},
      {"createdAt", "a string"},    {"updatedAt", "a string"},      {"conditions", "an array"}};
  for (const auto& [key, type] : cases) {
    Json json = minimal();
    json[key] = nullptr;
    EXPECT_EQ(single_error_at(json, std::string("[0].") + key), std::string("must be ") + type + ", not null")
        << key;
  }
}

TEST(IntegrationJson, WrongTypes) {
  Json json = minimal();
  json["active"] = "yes";
  EXPECT_EQ(single_error_at(json, "[0].active"), "must be a boolean, not string");

  json = minimal();
  json["_organizationId"] = 42;
  EXPECT_EQ(single_error_at(json, "[0]._organizationId"), "must be a string, not number");

  json = minimal();
  json["credentials"] = Json::array();
  EXPECT_EQ(single_error_at(json, "[0].credentials"), "must be an object, not array");

  json = minimal();
  json["conditions"] = Json::object();
  EXPECT_EQ(single_error_at(json, "[0].conditions"), "must be an array, not object");
}

TEST(IntegrationJson, EmptyIds) {
  for (const char* key : {"_id", "_environmentId", "_organizationId", "identifier", "providerId"}) {
    Json json = minimal();
    json[key] = "";
    EXPECT_EQ(single_error_at(json, std::string("[0].") + key), "must not be empty") << key;
  }
  Json json = minimal();
  json["name"] = "";
  EXPECT_TRUE(errors_of(json).empty());
}

TEST(IntegrationJson, PriorityMustBeAnInt64) {
  Json json = minimal();
  json["priority"] = 1.5;
  EXPECT_EQ(single_error_at(json, "[0].priority"), "must be an integer, not a number with a fraction");
  json["priority"] = "1";
  EXPECT_EQ(single_error_at(json, "[0].priority"), "must be an integer, not string");
  json["priority"] = Json::parse("9223372036854775808");
  EXPECT_EQ(single_error_at(json, "[0].priority"), "must be an integer that fits in 64 bits");
  json["priority"] = Json::parse("2.0");
  EXPECT_EQ(errors_of(json).size(), 1u);
  json["priority"] = Json::parse("-9223372036854775808");
  EXPECT_EQ(must_read(json).priority, std::numeric_limits<std::int64_t>::min());
}

TEST(IntegrationJson, Timestamps) {
  Json json = minimal();
  json["createdAt"] = "2026-11-22T10:00:00+01:00";
  EXPECT_EQ(single_error_at(json, "[0].createdAt"),
            "must be an RFC 3339 UTC timestamp of the form YYYY-MM-DDTHH:MM:SS[.fraction]Z");
  json = minimal();
  json["updatedAt"] = "2023-02-29T00:00:00Z";
  EXPECT_EQ(errors_of(json).size(), 1u);
  json = minimal();
  json["deletedAt"] = "yesterday";  // a plain string, as in the seed
  EXPECT_TRUE(errors_of(json).empty());
}

// ---- kind, channel and provider ----------------------------------------------------------

TEST(IntegrationJson, ProviderMustBelongToChannel) {
  Json json = minimal();
  json["providerId"] = "twilio";
  const std::string message = single_error_at(json, "[0].providerId");
  EXPECT_NE(message.find("\"twilio\""), std::string::npos) << message;
  EXPECT_NE(message.find("channel email"), std::string::npos) << message;
  EXPECT_NE(message.find("sendgrid"), std::string::npos) << message;
}

TEST(IntegrationJson, UnknownChannelAndKind) {
  Json json = minimal();
  json["channel"] = "fax";
  EXPECT_NE(single_error_at(json, "[0].channel").find("in_app, email, sms, chat, push"), std::string::npos);
  json = minimal();
  json["kind"] = "robot";
  EXPECT_EQ(single_error_at(json, "[0].kind"), "unknown kind \"robot\"; accepted: delivery, agent");
}

TEST(IntegrationJson, DeliveryNeedsChannel) {
  Json json = minimal();
  json.erase("channel");
  EXPECT_NE(single_error_at(json, "[0].channel").find("is required"), std::string::npos);
  json["kind"] = "delivery";
  EXPECT_EQ(errors_of(json).size(), 1u);
}

TEST(IntegrationJson, AgentWithoutChannelAndFreeProvider) {
  Json json = minimal();
  json.erase("channel");
  json["kind"] = "agent";
  json["providerId"] = "claude-managed-agents";
  const Integration x = must_read(json);
  EXPECT_EQ(x.kind, IntegrationKind::kAgent);
  EXPECT_FALSE(x.channel);
  const Json written = integration_to_json(x, true);
  EXPECT_FALSE(written.contains("channel"));
  EXPECT_EQ(written["kind"], "agent");
  EXPECT_EQ(must_read(written), x);
}

TEST(IntegrationJson, AgentChannelMustStillBeValid) {
  Json json = minimal();
  json["kind"] = "agent";
  json["providerId"] = "anything";
  EXPECT_EQ(must_read(json).channel, Channel::kEmail);
  json["channel"] = "fax";
  EXPECT_EQ(errors_of(json).size(), 1u);
}

// ---- credentials and configurations -----------------------------------------------------

TEST(IntegrationJson, UnknownCredentialKeyWithoutValueInMessage) {
  Json json = minimal();
  json["credentials"] = {{"apiKey", "ok"}, {"bogusKey", "TOPSECRET-123"}};
  const ValidationErrors errors = errors_of(json);
  ASSERT_EQ(errors.size(), 1u) << describe(errors);
  EXPECT_EQ(errors[0].path, "[0].credentials.bogusKey");
  EXPECT_EQ(errors[0].message, "unknown credential key");
  EXPECT_EQ(errors[0].message.find("TOPSECRET"), std::string::npos);
}

TEST(IntegrationJson, CredentialTypesWithoutValueInMessage) {
  Json json = minimal();
  json["credentials"] = {{"password", 987654321}, {"secure", "TOPSECRET"}, {"tlsOptions", "TOPSECRET2"},
                         {"apiKey", nullptr}};
  const ValidationErrors errors = errors_of(json);
  ASSERT_EQ(errors.size(), 4u) << describe(errors);
  EXPECT_EQ(errors[0], (ValidationError{"[0].credentials.password", "must be a string, not number"}));
  EXPECT_EQ(errors[1], (ValidationError{"[0].credentials.secure", "must be a boolean, not string"}));
  EXPECT_EQ(errors[2], (ValidationError{"[0].credentials.tlsOptions", "must be an object, not string"}));
  EXPECT_EQ(errors[3], (ValidationError{"[0].credentials.apiKey", "must be a string, not null"}));
  for (const auto& error : errors) {
    EXPECT_EQ(error.message.find("TOPSECRET"), std::string::npos);
    EXPECT_EQ(error.message.find("987654321"), std::string::npos);
  }
}

TEST(IntegrationJson, EveryCredentialKeyOfTheSeedIsAccepted) {
  Json credentials = Json::object();
  for (const char* key : {"apiKey", "user", "secretKey", "domain", "password", "host", "port", "region",
                          "accountSid", "messageProfileId", "token", "from", "senderName", "projectName",
                          "applicationId", "clientId", "baseUrl", "webhookUrl", "redirectUrl", "serviceAccount",
                          "ipPoolName", "apiKeyRequestHeader", "secretKeyRequestHeader", "idPath", "datePath",
                          "apiToken", "authenticationTokenKey", "instanceId", "alertUid", "title", "imageUrl",
                          "state", "externalLink", "channelId", "phoneNumberIdentification", "accessKey", "appSid",
                          "senderId", "tenantId", "AppIOBaseUrl", "signingSecret", "outboundIntegrationId",
                          "fromAddressOverride", "emailSlugPrefix", "externalEnvironmentId", "externalWorkspaceId"}) {
    credentials[key] = "v";
  }
  for (const char* key :
       {"secure", "requireTls", "ignoreTls", "hmac", "authenticateByToken", "useFromAddressOverride"}) {
    credentials[key] = true;
  }
  credentials["tlsOptions"] = Json::object();
  Json json = minimal();
  json["credentials"] = credentials;
  const Integration x = must_read(json);
  ASSERT_TRUE(x.credentials);
  EXPECT_EQ(x.credentials->size(), 53u);
  EXPECT_EQ(must_read(integration_to_json(x, true)), x);
}

TEST(IntegrationJson, DeeplyNestedTlsOptionsRejected) {
  std::string nested;
  for (int i = 0; i < 100; ++i) nested += R"({"a":)";
  nested += "1";
  for (int i = 0; i < 100; ++i) nested += "}";
  Json json = minimal();
  json["credentials"] = {{"tlsOptions", Json::parse(nested)}};
  EXPECT_EQ(errors_of(json).size(), 1u);
}

TEST(IntegrationJson, Configurations) {
  Json json = minimal();
  json["configurations"] = {{"inboundWebhookEnabled", "yes"}, {"extra", 1}};
  ValidationErrors errors = errors_of(json);
  ASSERT_EQ(errors.size(), 2u) << describe(errors);
  EXPECT_EQ(errors[0].path, "[0].configurations.inboundWebhookEnabled");
  EXPECT_EQ(errors[1].path, "[0].configurations.extra");

  json["configurations"] = {{"rateLimit", {{"perSecond", 0}, {"extra", 1}}}};
  errors = errors_of(json);
  ASSERT_EQ(errors.size(), 3u) << describe(errors);
  EXPECT_EQ(errors[0], (ValidationError{"[0].configurations.rateLimit.perSecond", "must be a number greater than 0"}));
  EXPECT_EQ(errors[1].path, "[0].configurations.rateLimit.extra");
  EXPECT_EQ(errors[2], (ValidationError{"[0].configurations.rateLimit.burst", "is required"}));

  json["configurations"] = {{"rateLimit", {{"perSecond", 2}, {"burst", 0}}}};
  EXPECT_EQ(single_error_at(json, "[0].configurations.rateLimit.burst"), "must be at least 1");
  json["configurations"] = {{"rateLimit", {{"perSecond", 2}, {"burst", 1.5}}}};
  EXPECT_EQ(errors_of(json).size(), 1u);
  json["configurations"] = {{"rateLimit", {{"perSecond", 2}, {"burst", 1}}}};
  EXPECT_EQ(must_read(json).configurations->rate_limit, (RateLimit{2, 1}));
}

// ---- conditions -----------------------------------------------------------------------------

TEST(IntegrationJson, NumericAndBooleanConditionValuesBecomeText) {
  const std::pair<Json, std::string> cases[] = {
      {Json(200), "200"}, {Json(-7), "-7"}, {Json(1.5), "1.5"}, {Json(true), "true"}, {Json(false), "false"},
      {Json("text"), "text"}};
  for (const auto& [value, text] : cases) {
    const Json json =
        with_condition_child({{"on", "payload"}, {"field", "x"}, {"operator", "EQUAL"}, {"value", value}});
    const Integration x = must_read(json);
    ASSERT_EQ(x.conditions.size(), 1u);
    EXPECT_EQ(x.conditions[0].children.at(0).value, text) << value.dump();
    EXPECT_EQ(integration_to_json(x, false)["conditions"][0]["children"][0]["value"], text);
  }
}

TEST(IntegrationJson, ConditionValueOfOtherTypes) {
  for (const Json& value : {Json(nullptr), Json::array({1}), Json::object()}) {
    const Json json =
        with_condition_child({{"on", "payload"}, {"field", "x"}, {"operator", "EQUAL"}, {"value", value}});
    const std::string message = single_error_at(json, "[0].conditions[0].children[0].value");
    EXPECT_EQ(message, std::string("must be a string, number or boolean, not ") + value.type_name());
  }
}

TEST(IntegrationJson, UnknownOperatorPathThroughFile) {
  const Json child = {{"on", "payload"}, {"field", "amount"}, {"operator", "GREATER"}, {"value", "3"}};
  const IntegrationFile file = parse_integrations_file(Json::array({with_condition_child(child)}).dump());
  EXPECT_TRUE(file.integrations.empty());
  ASSERT_EQ(file.errors.size(), 1u) << describe(file.errors);
  EXPECT_EQ(file.errors[0].path, "[0].conditions[0].children[0].operator");
  EXPECT_NE(file.errors[0].message.find("unknown operator \"GREATER\""), std::string::npos);
  EXPECT_NE(file.errors[0].message.find("LARGER_EQUAL"), std::string::npos);
  EXPECT_NE(file.errors[0].message.find("IS_DEFINED"), std::string::npos);
}

TEST(IntegrationJson, ValueRequiredExceptForIsDefined) {
  Json json = with_condition_child({{"on", "payload"}, {"field", "x"}, {"operator", "EQUAL"}});
  EXPECT_EQ(single_error_at(json, "[0].conditions[0].children[0].value"), "is required for operator EQUAL");
  json = with_condition_child({{"on", "payload"}, {"field", "x"}, {"operator", "IS_DEFINED"}});
  EXPECT_TRUE(errors_of(json).empty());
  json = with_condition_child({{"on", "payload"}, {"field", "x"}, {"operator", "IS_DEFINED"}, {"value", "y"}});
  EXPECT_EQ(must_read(json).conditions[0].children[0].value, "y");
}

TEST(IntegrationJson, UnknownAndMissingOn) {
  Json json = with_condition_child({{"on", "event"}, {"field", "x"}, {"operator", "EQUAL"}, {"value", "1"}});
  EXPECT_EQ(single_error_at(json, "[0].conditions[0].children[0].on"),
            "unknown on \"event\"; accepted: payload, subscriber, tenant");
  json = with_condition_child({{"field", "x"}, {"operator", "EQUAL"}, {"value", "1"}});
  EXPECT_EQ(single_error_at(json, "[0].conditions[0].children[0].on"),
            "is required; accepted: payload, subscriber, tenant");
}

TEST(IntegrationJson, MissingFieldIsReportedOnce) {
  const Json json = with_condition_child({{"on", "payload"}, {"operator", "EQUAL"}, {"value", "1"}});
  EXPECT_EQ(single_error_at(json, "[0].conditions[0].children[0].field"), "is required");
}

TEST(IntegrationJson, UnparsableFieldIsChecked) {
  const Json json = with_condition_child({{"on", "payload"}, {"field", "a..b"}, {"operator", "EQUAL"}, {"value", "1"}});
  const ValidationErrors errors = errors_of(json);
  ASSERT_EQ(errors.size(), 1u) << describe(errors);
  EXPECT_EQ(errors[0].path, "[0].conditions[0].children[0].field");
}

TEST(IntegrationJson, GroupShape) {
  Json json = minimal();
  json["conditions"] = Json::array({{{"value", "XOR"}}, {{"children", Json::array()}}, "AND",
                                    {{"value", "OR"}, {"isNegated", "no"}, {"type", 3}, {"children", {{"a", 1}}}}});
  const ValidationErrors errors = errors_of(json);
  ASSERT_EQ(errors.size(), 6u) << describe(errors);
  EXPECT_EQ(errors[0], (ValidationError{"[0].conditions[0].value", "unknown group value \"XOR\"; accepted: AND, OR"}));
  EXPECT_EQ(errors[1], (ValidationError{"[0].conditions[1].value", "is required; accepted: AND, OR"}));
  EXPECT_EQ(errors[2], (ValidationError{"[0].conditions[2]", "must be an object, not string"}));
  EXPECT_EQ(errors[3].path, "[0].conditions[3].isNegated");
  EXPECT_EQ(errors[4].path, "[0].conditions[3].type");
  EXPECT_EQ(errors[5], (ValidationError{"[0].conditions[3].children", "must be an array, not object"}));
}

TEST(IntegrationJson, GroupDefaults) {
  Json json = minimal();
  json["conditions"] = Json::array({{{"value", "OR"}, {"type", "anything at all"}}});
  const Integration x = must_read(json);
  ASSERT_EQ(x.conditions.size(), 1u);
  EXPECT_FALSE(x.conditions[0].is_negated);
  EXPECT_EQ(x.conditions[0].type, "anything at all");
  EXPECT_TRUE(x.conditions[0].children.empty());
  EXPECT_TRUE(x.conditioned());
}

TEST(IntegrationJson, EmptyPrefixHasNoLeadingDot) {
  Json json = minimal();
  json["conditions"] = Json::array({Json::object()});
  const ValidationErrors errors = errors_of(json, "");
  ASSERT_EQ(errors.size(), 1u) << describe(errors);
  EXPECT_EQ(errors[0].path, "conditions[0].value");
  json = minimal();
  json.erase("name");
  EXPECT_EQ(errors_of(json, "").at(0).path, "name");
}

TEST(IntegrationJson, AllErrorsInDocumentOrder) {
  const Json json = Json::parse(R"({
    "primary": "x", "_environmentId": 1,
    "conditions": [{"value": "AND", "children": [
      {"value": null, "operator": "NOPE", "field": "a..b", "on": "moon"}]}],
    "providerId": "twilio", "channel": "email",
    "_id": "i", "_organizationId": "o", "name": "n", "identifier": "x", "active": true
  })");
  const ValidationErrors errors = errors_of(json);
  std::vector<std::string> paths;
  for (const auto& error : errors) paths.push_back(error.path);
  const std::vector<std::string> expected = {
      "[0].primary",
      "[0]._environmentId",
      "[0].conditions[0].children[0].value",
      "[0].conditions[0].children[0].operator",
      "[0].conditions[0].children[0].field",
      "[0].conditions[0].children[0].on",
      "[0].providerId",
      "[0].deleted",  // missing members come last
  };
  EXPECT_EQ(paths, expected) << describe(errors);
}

// ---- files -----------------------------------------------------------------------------------

TEST(IntegrationFile, ParsesAnArray) {
  Json second = minimal();
  second["identifier"] = "other";
  const IntegrationFile file = parse_integrations_file(Json::array({minimal(), second}).dump(2));
  EXPECT_TRUE(file.errors.empty()) << describe(file.errors);
  ASSERT_EQ(file.integrations.size(), 2u);
  EXPECT_EQ(file.integrations[1].identifier, "other");
  EXPECT_TRUE(parse_integrations_file("[]").integrations.empty());
  EXPECT_TRUE(parse_integrations_file("[]").errors.empty());
}

TEST(IntegrationFile, DuplicateIdentifierInOneOrganization) {
  Json other_org = minimal();
  other_org["_organizationId"] = "org_2";
  const IntegrationFile file = parse_integrations_file(Json::array({minimal(), other_org, minimal()}).dump());
  EXPECT_TRUE(file.integrations.empty());
  ASSERT_EQ(file.errors.size(), 1u) << describe(file.errors);
  EXPECT_EQ(file.errors[0].path, "[2].identifier");
  EXPECT_NE(file.errors[0].message.find("[0]"), std::string::npos) << file.errors[0].message;
}

TEST(IntegrationFile, SameIdentifierAcrossOrganizations) {
  Json other_org = minimal();
  other_org["_organizationId"] = "org_2";
  const IntegrationFile file = parse_integrations_file(Json::array({minimal(), other_org}).dump());
  EXPECT_TRUE(file.errors.empty()) << describe(file.errors);
  EXPECT_EQ(file.integrations.size(), 2u);
}

TEST(IntegrationFile, NotJson) {
  for (const char* text : {"", "[", "[{]", "not json", "[1,]", "[] x", "[1e999]"}) {
    const IntegrationFile file = parse_integrations_file(text);
    ASSERT_EQ(file.errors.size(), 1u) << text;
    EXPECT_EQ(file.errors[0].path, "");
    EXPECT_TRUE(file.errors[0].message.starts_with("not valid JSON")) << file.errors[0].message;
    EXPECT_TRUE(file.integrations.empty());
  }
  const IntegrationFile file = parse_integrations_file("[{]");
  EXPECT_NE(file.errors[0].message.find("at byte 3"), std::string::npos) << file.errors[0].message;
}

TEST(IntegrationFile, SyntaxErrorDoesNotEchoCredentials) {
  for (const char* text : {R"([{"credentials": {"apiKey": "TOPSECRET)", R"([{"credentials": {"apiKey": TOPSECRET}}])",
                           "[{\"credentials\": {\"apiKey\": \"TOP\tSECRET\"}}]"}) {
    const IntegrationFile file = parse_integrations_file(text);
    ASSERT_EQ(file.errors.size(), 1u) << text;
    EXPECT_EQ(file.errors[0].message.find("TOP"), std::string::npos) << file.errors[0].message;
  }
}

TEST(IntegrationFile, TopLevelMustBeAnArray) {
  const IntegrationFile file = parse_integrations_file(minimal().dump());
  ASSERT_EQ(file.errors.size(), 1u);
  EXPECT_EQ(file.errors[0], (ValidationError{"", "integrations must be a JSON array, not object"}));
}

TEST(IntegrationFile, ElementsMustBeObjectsAndAllErrorsAreKept) {
  Json bad = minimal();
  bad["identifier"] = "bad";
  bad["active"] = 1;
  const IntegrationFile file = parse_integrations_file(Json::array({minimal(), "x", bad}).dump());
  EXPECT_TRUE(file.integrations.empty());
  ASSERT_EQ(file.errors.size(), 2u) << describe(file.errors);
  EXPECT_EQ(file.errors[0], (ValidationError{"[1]", "must be an object, not string"}));
  EXPECT_EQ(file.errors[1].path, "[2].active");
}

TEST(IntegrationFile, DeepNestingDoesNotCrash) {
  const std::string deep = "[" + std::string(100000, '[') + std::string(100000, ']') + "]";
  EXPECT_FALSE(parse_integrations_file(deep).errors.empty());
}

}  // namespace
}  // namespace switchboard::routing
