#include "providers/adapters/sms_generic.h"

#include "providers/adapters/adapter_support.h"
#include "providers/adapters/sms_support.h"

namespace switchboard::providers::generic_sms {

using nlohmann::json;

std::optional<DeliveryOutcome> check(const routing::Integration& integration, const OutboundMessage& message) {
  if (auto failed = check_sms(integration, message, {"baseUrl", "apiKeyRequestHeader", "apiKey"})) return failed;
  if (uses_token(integration)) return missing_credentials(integration, {"domain", "authenticationTokenKey"});
  return std::nullopt;
}

bool uses_token(const routing::Integration& integration) {
  return credential(integration, "authenticateByToken") == "true";
}

HttpRequest build_auth_request(const routing::Integration& integration) {
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = credential(integration, "domain");
  request.headers = {{credential(integration, "apiKeyRequestHeader"), credential(integration, "apiKey")}};
  const std::string& secret_header = credential(integration, "secretKeyRequestHeader");
  const std::string& secret = credential(integration, "secretKey");
  if (!secret_header.empty() && !secret.empty()) request.headers.push_back({secret_header, secret});
  return request;
}

std::variant<std::string, DeliveryOutcome> token_from(const routing::Integration& integration,
                                                      const HttpResult& auth_result) {
  DeliveryOutcome outcome = outcome_from_http(auth_result);
  if (outcome.kind != OutcomeKind::kSent) {
    outcome.error = "generic-sms auth request: " + outcome.error;
    return outcome;
  }
  const std::string& key = credential(integration, "authenticationTokenKey");
  // By key, not by dotted path: the token key is a header name and may contain dots.
  const json body = json::parse(auth_result.response().body, nullptr, false);
  if (body.is_object() && body.contains("data") && body["data"].is_object()) {
    const auto it = body["data"].find(key);
    if (it != body["data"].end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return it->get<std::string>();
    }
  }
  return DeliveryOutcome::failure(OutcomeKind::kPermanent,
                                  "generic-sms auth answer has no string at data." + key,
                                  auth_result.response().status);
}

BuildResult build_send_request(const routing::Integration& integration, const OutboundMessage& message,
                               std::string_view token) {
  if (auto failed = check(integration, message)) return *failed;
  json body = {{"to", message.phone}, {"content", message.body}, {"id", message.event_id}};
  if (const std::string from = sender_address(integration, message); !from.empty()) {
    body["from"] = from;
    body["sender"] = from;
  }
  HttpRequest request;
  if (token.empty()) {
    request = build_auth_request(integration);  // the same API-key headers
  } else {
    request.headers = {{credential(integration, "authenticationTokenKey"), std::string(token)}};
  }
  request.method = HttpMethod::kPost;
  request.url = credential(integration, "baseUrl");
  request.headers.push_back({"content-type", "application/json"});
  request.body = body.dump();
  return std::vector<HttpRequest>{std::move(request)};
}

DeliveryOutcome parse_send(const routing::Integration& integration, const HttpResult& result) {
  const std::string& id_path = credential(integration, "idPath");
  return outcome_with_json_id(result, id_path.empty() ? "id" : id_path);
}

}  // namespace switchboard::providers::generic_sms

namespace switchboard::providers {

namespace {

// What the callbacks keep alive: the integration belongs to the snapshot.
struct GenericSmsDelivery {
  std::shared_ptr<const routing::IntegrationSnapshot> snapshot;
  const routing::Integration* integration = nullptr;
  OutboundMessage message;
  DeliveryCallback done;
};

void send_message(HttpClient& client, std::shared_ptr<GenericSmsDelivery> delivery, std::string_view token) {
  BuildResult built = generic_sms::build_send_request(*delivery->integration, delivery->message, token);
  if (auto* outcome = std::get_if<DeliveryOutcome>(&built)) {
    delivery->done(std::move(*outcome));
    return;
  }
  HttpRequest request = std::move(std::get<std::vector<HttpRequest>>(built).front());
  client.request(std::move(request), [delivery](HttpResult result) {
    delivery->done(generic_sms::parse_send(*delivery->integration, result));
  });
}

}  // namespace

void GenericSmsProvider::send(const DeliveryRequest& request, DeliveryCallback done) {
  DecodedMessage decoded = decode_message(request);
  if (!decoded.error.empty()) {
    done(rejected("cannot read the event: " + decoded.error));
    return;
  }
  if (auto failed = generic_sms::check(*request.integration, decoded.message)) {
    done(std::move(*failed));
    return;
  }
  auto delivery = std::make_shared<GenericSmsDelivery>(
      GenericSmsDelivery{request.snapshot, request.integration, std::move(decoded.message), std::move(done)});
  if (!generic_sms::uses_token(*delivery->integration)) {
    send_message(client_, std::move(delivery), {});
    return;
  }
  client_.request(generic_sms::build_auth_request(*delivery->integration),
                  [&client = client_, delivery](HttpResult result) {
                    auto token = generic_sms::token_from(*delivery->integration, result);
                    if (auto* outcome = std::get_if<DeliveryOutcome>(&token)) {
                      delivery->done(std::move(*outcome));
                      return;
                    }
                    send_message(client, delivery, std::get<std::string>(token));
                  });
}

}  // namespace switchboard::providers
