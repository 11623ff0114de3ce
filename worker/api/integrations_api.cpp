#include "worker/api/integrations_api.h"

#include "registry/compact_json.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "providers/adapters/push_apns.h"
#include "routing/integration_json.h"
#include "routing/timestamp.h"
#include "worker/api/integration_writer.h"
#include "worker/logging.h"

namespace switchboard::api {

namespace {

using Json = nlohmann::ordered_json;
using http::HttpRequest;
using http::HttpResponse;
using routing::Integration;
using routing::ValidationErrors;

constexpr std::size_t kMaxJsonDepth = 64;  // deeper bodies are refused before parsing
constexpr std::size_t kMaxIdempotencyKeyBytes = 255;
constexpr std::size_t kMaxIdBytes = 256;  // longer path ids cannot exist: 404
constexpr std::size_t kMaxTenantHeaderBytes = 256;
constexpr std::size_t kIdentifierSuffixHex = 6;

// ---- routes ---------------------------------------------------------------------------------

enum RouteId : std::size_t { kHealthz, kReadyz, kList, kActive, kCreate, kGet, kUpdate, kDelete, kSetPrimary, kInbox };

// Matched in this order: /active comes before /{id}.
constexpr std::array<ApiRoute, 10> kRoutes = {{
    {"GET", "/healthz", false},
    {"GET", "/readyz", false},
    {"GET", "/v1/integrations", true},
    {"GET", "/v1/integrations/active", true},
    {"POST", "/v1/integrations", true},
    {"GET", "/v1/integrations/{id}", true},
    {"PUT", "/v1/integrations/{id}", true},
    {"DELETE", "/v1/integrations/{id}", true},
    {"POST", "/v1/integrations/{id}/set-primary", true},
    {"GET", "/v1/inbox/{subscriberId}", true},
}};

// "GET /v1/integrations/{id}", quoted for a log line.
std::string route_name(RouteId route) {
  return worker::log_quote(std::string(kRoutes[route].method) + " " + std::string(kRoutes[route].path));
}

// True when `path` fits `pattern`; the `{...}` segment, if any, goes to `id`.
bool match_path(std::string_view pattern, std::string_view path, std::string& id) {
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const std::string_view want = pattern.substr(0, pattern.find('/'));
    const std::string_view got = path.substr(0, path.find('/'));
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (got.empty()) return false;
      id = std::string(got);
    } else if (want != got) {
      return false;
    }
    pattern.remove_prefix(want.size());
    path.remove_prefix(got.size());
  }
  return true;
}

// ---- small helpers ----------------------------------------------------------------------------

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

using Digest = std::array<unsigned char, 32>;

// Runs on every authenticated request: the algorithm is fetched once (OpenSSL 3 would
// look EVP_sha256() up again on each use) and each thread keeps its digest context.
Digest sha256(std::string_view data) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                                      &EVP_MD_CTX_free);
  Digest digest{};
  unsigned int size = 0;
  if (md == nullptr || !context || EVP_DigestInit_ex(context.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest.data(), &size) != 1 || size != 32) {
    throw std::runtime_error("SHA-256 failed");
  }
  return digest;
}

std::string default_random_hex(std::size_t chars) {
  std::vector<unsigned char> bytes((chars + 1) / 2);
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  return to_hex(bytes.data(), bytes.size()).substr(0, chars);
}

std::int64_t system_now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}


// Bracket depth outside strings, so a deeply nested body is refused before any recursive code sees it.
bool nests_deeper_than(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return true;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// `application/json`, optionally with `charset=utf-8`; any other charset is refused.
bool is_json_media_type(std::string_view content_type) {
  const std::string value = http::ascii_lower(content_type);
  std::string_view rest(value);
  const std::string_view type = trim(rest.substr(0, rest.find(';')));
  if (type != "application/json") return false;
  while (rest.find(';') != std::string_view::npos) {
    rest.remove_prefix(rest.find(';') + 1);
    const std::string_view param = trim(rest.substr(0, rest.find(';')));
    if (!param.starts_with("charset=")) continue;
    std::string_view charset = param.substr(8);
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"')
      charset = charset.substr(1, charset.size() - 2);
    if (charset != "utf-8" && charset != "utf8") return false;
  }
  return true;
}

bool valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyBytes) return false;
  return std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// A slug of the provider id, as Novu's default identifier: "sendgrid" -> "sendgrid".
std::string slug(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    const bool keep = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (keep) {
      out.push_back(l);
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
    if (out.size() >= 48) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "integration" : out;
}

std::string dump(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Providers the worker cannot deliver through are refused on write, so nobody configures
// an integration that would only ever fail over (apns needs HTTP/2; see providers/README.md).
void refuse_unsupported_provider(const Integration& integration, ValidationErrors& errors) {
  if (integration.provider_id == "apns") {
    errors.push_back({"providerId", std::string(providers::kApnsUnsupported) + "; deliver to iOS devices through fcm"});
  }
}

// ---- answers ----------------------------------------------------------------------------------

// What a route produced. `record_body` is what an idempotency record keeps when it must
// differ from `body` (admin answers carry credentials; records never do).
struct Reply {
  int status = 200;
  std::string body;
  std::optional<std::string> record_body;
  std::vector<http::HttpHeader> headers;
};

Reply error_reply(int status, std::string message, const ValidationErrors* errors = nullptr) {
  Json out = Json::object();
  out["statusCode"] = status;
  out["error"] = std::string(http::reason_phrase(status));
  out["message"] = std::move(message);
  if (errors) {
    Json list = Json::array();
    for (const auto& e : *errors) list.push_back(Json{{"path", e.path}, {"message", e.message}});
    out["errors"] = std::move(list);
  }
  return Reply{status, dump(out), std::nullopt, {}};
}

Reply validation_reply(const ValidationErrors& errors) {
  std::string message = "invalid integration";
  if (!errors.empty()) {
    message += ": ";
    if (!errors.front().path.empty()) message += errors.front().path + " ";
    message += errors.front().message;
    if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more)";
  }
  return error_reply(400, std::move(message), &errors);
}

// {"data": <integration>} and {"data": [<integration>, ...]}, as dumps of
// routing::integration_to_json (integration_writer.h writes the same text directly).
std::string integration_body(const Integration& integration, bool include_credentials) {
  std::string body;
  body.reserve(1024);
  body += "{\"data\":";
  append_integration_json(body, integration, include_credentials);
  body.push_back('}');
  return body;
}

std::string list_body(const std::vector<const Integration*>& integrations, bool include_credentials) {
  std::string body;
  body.reserve(64 + 768 * integrations.size());
  body += "{\"data\":[";
  for (std::size_t i = 0; i < integrations.size(); ++i) {
    if (i > 0) body.push_back(',');
    append_integration_json(body, *integrations[i], include_credentials);
  }
  body += "]}";
  return body;
}

struct Principal {
  std::string organization_id;
  std::string environment_id;
  bool admin = false;
  std::string scope;  // idempotency scope: a hash of the credential, never the credential
  std::string actor;  // deletedBy
};

struct Call {
  RouteId route = kHealthz;
  HttpRequest request;
  http::Responder respond;
  Principal principal;
  std::string id;  // the {id} path segment
  std::string idempotency_key;
  std::string scoped_key;
  std::string request_hash;
  bool claimed = false;  // this call holds the idempotency claim
  bool answered = false;
};
using CallPtr = std::shared_ptr<Call>;

bool visible_to(const Integration& i, const Principal& p) {
  return !i.deleted && i.organization_id == p.organization_id && i.environment_id == p.environment_id;
}

// Members of a request body the server owns: ignored on create and update.
bool server_owned(std::string_view key) {
  static constexpr std::array<std::string_view, 9> kKeys = {"_id",       "_organizationId", "_environmentId",
                                                            "deleted",   "deletedAt",       "deletedBy",
                                                            "createdAt", "updatedAt",       "check"};
  return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end();
}

}  // namespace

// ---- the API ------------------------------------------------------------------------------------

struct IntegrationsApi::Impl : std::enable_shared_from_this<IntegrationsApi::Impl> {
  Impl(registry::IntegrationStore& integration_store, registry::IdempotencyStore& idempotency_store,
       IntegrationsApiOptions api_options);

  void handle(HttpRequest request, http::Responder respond);
  void dispatch(const CallPtr& call);
  void run_route(const CallPtr& call);
  void execute(const CallPtr& call);
  bool authenticate(Call& call, Reply& failure) const;
  void begin_idempotent(const CallPtr& call);

  void readyz(const CallPtr& call);
  void list(const CallPtr& call, bool active_only);
  void get(const CallPtr& call);
  void create(const CallPtr& call);
  void update(const CallPtr& call);
  void remove(const CallPtr& call);
  void set_primary(const CallPtr& call);
  void inbox(const CallPtr& call);
  // Loads the caller's integration {id}, answering 404 (or the store error) itself.
  void with_integration(const CallPtr& call, registry::ReadOptions read, std::function<void(Integration)> next);

  std::optional<Json> parse_object(const Call& call, Reply& failure) const;
  Reply integration_reply(const Call& call, int status, const Integration& integration) const;
  Reply list_reply(const Call& call, const std::vector<Integration>& integrations, bool active_only) const;
  Reply store_failure(const Call& call, const Error& error, std::string_view identifier = {}) const;
  std::string now_text() const { return routing::format_timestamp_millis(options.now_millis()); }

  void finish(const CallPtr& call, Reply reply);
  // Runs `body`; an exception answers 500 instead of escaping into the io_context.
  template <typename Body>
  void guarded(const CallPtr& call, Body&& body) {
    try {
      body();
    } catch (const std::exception& e) {
      spdlog::error(R"("msg":"api internal error","route":{},"error":{})", route_name(call->route),
                    worker::log_quote(e.what()));
      finish(call, error_reply(500, "internal error"));
    }
  }

  registry::IntegrationStore& store;
  registry::IdempotencyStore& idempotency;
  IntegrationsApiOptions options;
  std::unordered_map<std::string, config::ApiKey> keys_by_digest;  // hex SHA-256 of the key
  std::optional<Digest> admin_digest;
};

IntegrationsApi::Impl::Impl(registry::IntegrationStore& integration_store,
                            registry::IdempotencyStore& idempotency_store, IntegrationsApiOptions api_options)
    : store(integration_store), idempotency(idempotency_store), options(std::move(api_options)) {
  if (!options.now_millis) options.now_millis = system_now_millis;
  if (!options.random_hex) options.random_hex = default_random_hex;
  for (const config::ApiKey& key : options.keys) {
    if (key.key.empty()) continue;
    keys_by_digest.emplace(sha256_hex(key.key), key);
  }
  if (!options.admin_token.empty()) admin_digest = sha256(options.admin_token);
  options.admin_token.clear();  // only the digest is needed from here on
}

void IntegrationsApi::Impl::handle(HttpRequest request, http::Responder respond) {
  auto call = std::make_shared<Call>();
  call->request = std::move(request);
  call->respond = std::move(respond);
  guarded(call, [&] { dispatch(call); });
}

void IntegrationsApi::Impl::dispatch(const CallPtr& call) {
  const std::string_view path = call->request.path();
  const std::string& method = call->request.method;
  std::string allowed;
  for (std::size_t r = 0; r < kRoutes.size(); ++r) {
    std::string id;
    if (!match_path(kRoutes[r].path, path, id)) continue;
    if (kRoutes[r].method != method) {
      if (allowed.find(kRoutes[r].method) == std::string::npos) {  // /active also fits /{id}: list GET once
        if (!allowed.empty()) allowed += ", ";
        allowed += kRoutes[r].method;
      }
      continue;
    }
    call->route = static_cast<RouteId>(r);
    call->id = std::move(id);
    return run_route(call);
  }
  if (!allowed.empty()) {
    Reply reply = error_reply(405, "method " + method.substr(0, 16) + " is not allowed here; allowed: " + allowed);
    reply.headers.push_back({"Allow", allowed});
    return finish(call, std::move(reply));
  }
  finish(call, error_reply(404, "no such route: " + std::string(path.substr(0, 128))));
}

void IntegrationsApi::Impl::run_route(const CallPtr& call) {
  if (call->route == kHealthz) return finish(call, Reply{200, R"({"status":"ok"})", std::nullopt, {}});
  if (call->route == kReadyz) return readyz(call);

  Reply failure;
  if (!authenticate(*call, failure)) return finish(call, std::move(failure));
  const HttpRequest& request = call->request;
  const bool has_body_method = request.method == "POST" || request.method == "PUT";
  if (has_body_method && request.body.size() > options.max_body_bytes) {
    return finish(call,
                  error_reply(413, "request body larger than " + std::to_string(options.max_body_bytes) + " bytes"));
  }
  if (has_body_method && !request.body.empty()) {
    const std::string* content_type = request.header("content-type");
    if (!content_type || !is_json_media_type(*content_type)) {
      return finish(call, error_reply(415, "Content-Type must be application/json"));
    }
  }
  if (call->id.size() > kMaxIdBytes) return finish(call, error_reply(404, "integration not found"));

  const bool mutating = has_body_method || request.method == "DELETE";
  if (const std::string* key = request.header("idempotency-key"); key && mutating) {
    if (!valid_idempotency_key(*key)) {
      return finish(call, error_reply(400, "Idempotency-Key must be 1 to 255 visible ASCII characters"));
    }
    call->idempotency_key = *key;
    return begin_idempotent(call);
  }
  execute(call);
}

void IntegrationsApi::Impl::execute(const CallPtr& call) {
  switch (call->route) {
    case kList:
      return list(call, false);
    case kActive:
      return list(call, true);
    case kGet:
      return get(call);
    case kCreate:
      return create(call);
    case kUpdate:
      return update(call);
    case kDelete:
      return remove(call);
    case kSetPrimary:
      return set_primary(call);
    case kInbox:
      return inbox(call);
    case kHealthz:
    case kReadyz:
      break;
  }
  finish(call, error_reply(500, "internal error"));
}

bool IntegrationsApi::Impl::authenticate(Call& call, Reply& failure) const {
  auto unauthorized = [&](std::string message) {
    failure = error_reply(401, std::move(message));
    failure.headers.push_back({"WWW-Authenticate", "ApiKey"});
    return false;
  };
  const std::string* header = call.request.header("authorization");
  if (!header) return unauthorized("missing Authorization header; send `Authorization: ApiKey <key>`");
  const std::string_view value = trim(*header);
  const std::size_t space = value.find(' ');
  const std::string_view scheme = value.substr(0, space);
  const std::string_view secret = space == std::string_view::npos ? std::string_view{} : trim(value.substr(space + 1));
  if (secret.empty()) return unauthorized("malformed Authorization header; send `Authorization: ApiKey <key>`");

  if (http::iequals(scheme, "ApiKey")) {
    const std::string digest = sha256_hex(secret);
    const auto it = keys_by_digest.find(digest);
    if (it == keys_by_digest.end()) return unauthorized("unknown API key");
    call.principal = Principal{it->second.organization_id, it->second.environment_id, false, "key:" + digest,
                               "apikey:" + digest.substr(0, 12)};
    return true;
  }
  if (http::iequals(scheme, "Bearer") && admin_digest) {
    const Digest presented = sha256(secret);
    if (CRYPTO_memcmp(presented.data(), admin_digest->data(), presented.size()) != 0) {
      return unauthorized("unknown admin token");
    }
    const std::string* org = call.request.header(kOrganizationHeader);
    const std::string* env = call.request.header(kEnvironmentHeader);
    auto usable = [](const std::string* v) { return v && !trim(*v).empty() && v->size() <= kMaxTenantHeaderBytes; };
    if (!usable(org) || !usable(env)) {
      failure = error_reply(400,
                            "admin requests must name their tenant with the X-Switchboard-Organization and "
                            "X-Switchboard-Environment headers");
      return false;
    }
    Principal p{std::string(trim(*org)), std::string(trim(*env)), true, {}, "admin"};
    p.scope = "admin:" + to_hex(admin_digest->data(), admin_digest->size()).substr(0, 16) + ":" +
              sha256_hex(p.organization_id + '\n' + p.environment_id);
    call.principal = std::move(p);
    return true;
  }
  return unauthorized("unsupported Authorization scheme; send `Authorization: ApiKey <key>`");
}

// ---- idempotency --------------------------------------------------------------------------------

void IntegrationsApi::Impl::begin_idempotent(const CallPtr& call) {
  const HttpRequest& request = call->request;
  call->scoped_key = call->principal.scope + ":" + call->idempotency_key;
  std::string fingerprint = request.method;
  fingerprint += '\n';
  fingerprint += request.path();
  fingerprint += '\n';
  fingerprint += request.body;
  call->request_hash = sha256_hex(fingerprint);
  auto self = shared_from_this();
  idempotency.claim(call->scoped_key, call->request_hash, options.idempotency_in_flight_ttl_s,
                    [self, call](Result<std::optional<registry::IdempotencyRecord>> result) {
                      self->guarded(call, [&] {
                        if (!result) return self->finish(call, self->store_failure(*call, result.error()));
                        if (!result.value()) {
                          call->claimed = true;  // ours: run the request
                          return self->execute(call);
                        }
                        const registry::IdempotencyRecord& record = *result.value();
                        if (record.in_flight) {
                          return self->finish(call, error_reply(409,
                                                                "a request with this Idempotency-Key is still "
                                                                "in progress; retry after it has answered"));
                        }
                        if (record.request_hash != call->request_hash) {
                          return self->finish(call, error_reply(422,
                                                                "this Idempotency-Key was already used for a "
                                                                "different request (method, path or body)"));
                        }
                        Reply replay{record.status, record.body, std::nullopt, {{"Idempotency-Replay", "true"}}};
                        self->finish(call, std::move(replay));
                      });
                    });
}

void IntegrationsApi::Impl::finish(const CallPtr& call, Reply reply) {
  if (call->answered) return;
  call->answered = true;
  HttpResponse response = HttpResponse::json(reply.status, std::move(reply.body));
  for (auto& h : reply.headers) response.set_header(std::move(h.name), std::move(h.value));
  if (reply.status == 503 && !response.header("Retry-After")) {
    response.set_header("Retry-After", std::to_string(options.retry_after_s));
  }
  if (!call->idempotency_key.empty()) response.set_header("Idempotency-Key", call->idempotency_key);
  if (!call->claimed) return call->respond(std::move(response));

  // The claim is ours: keep the answer for replays (never a 5xx: those may be retried),
  // then answer. A failure to record is logged; the caller still gets its answer.
  auto answer = [call, response](Result<bool> stored) mutable {
    if (!stored) {
      spdlog::warn(R"("msg":"api idempotency record not saved","code":{},"error":{})",
                   worker::log_quote(stored.error().code), worker::log_quote(stored.error().message));
    }
    call->respond(std::move(response));
  };
  try {
    if (reply.status >= 500) {
      idempotency.release(call->scoped_key, std::move(answer));
    } else {
      const std::string& kept = reply.record_body ? *reply.record_body : response.body;
      idempotency.complete(call->scoped_key, registry::IdempotencyRecord{call->request_hash, false, reply.status, kept},
                           options.idempotency_ttl_s, std::move(answer));
    }
  } catch (const std::exception& e) {
    spdlog::error(R"("msg":"api idempotency store threw","error":{})", worker::log_quote(e.what()));
    call->respond(HttpResponse::json(500, error_reply(500, "internal error").body));
  }
}

// ---- helpers of the routes -------------------------------------------------------------------------

std::optional<Json> IntegrationsApi::Impl::parse_object(const Call& call, Reply& failure) const {
  const std::string& body = call.request.body;
  if (trim(body).empty()) {
    failure = error_reply(400, "request body must be a JSON object");
    return std::nullopt;
  }
  if (!registry::is_valid_utf8(body)) {
    failure = error_reply(400, "request body is not valid UTF-8");
    return std::nullopt;
  }
  if (nests_deeper_than(body, kMaxJsonDepth)) {
    failure = error_reply(400, "request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return std::nullopt;
  }
  Json json;
  try {
    json = Json::parse(body);
  } catch (const Json::parse_error& e) {
    // Only the position: nlohmann's message quotes the input, which may hold a credential.
    failure = error_reply(400, "request body is not valid JSON: syntax error at byte " + std::to_string(e.byte));
    return std::nullopt;
  } catch (const Json::exception&) {
    failure = error_reply(400, "request body is not valid JSON: a number is out of range");
    return std::nullopt;
  }
  if (!json.is_object()) {
    failure = error_reply(400, std::string("request body must be a JSON object, not ") + json.type_name());
    return std::nullopt;
  }
  if (const auto check = json.find("check"); check != json.end() && !check->is_boolean()) {
    const ValidationErrors errors{{"check", std::string("must be a boolean, not ") + check->type_name()}};
    failure = validation_reply(errors);
    return std::nullopt;
  }
  return json;
}

Reply IntegrationsApi::Impl::integration_reply(const Call& call, int status, const Integration& integration) const {
  Reply reply{status, integration_body(integration, call.principal.admin), std::nullopt, {}};
  if (call.principal.admin) reply.record_body = integration_body(integration, false);
  return reply;
}

Reply IntegrationsApi::Impl::list_reply(const Call& call, const std::vector<Integration>& integrations,
                                        bool active_only) const {
  std::vector<const Integration*> shown;
  for (const Integration& i : integrations) {
    if (visible_to(i, call.principal) && (!active_only || i.active)) shown.push_back(&i);
  }
  Reply reply{200, list_body(shown, call.principal.admin), std::nullopt, {}};
  if (call.principal.admin) reply.record_body = list_body(shown, false);
  return reply;
}

Reply IntegrationsApi::Impl::store_failure(const Call& call, const Error& error, std::string_view identifier) const {
  if (error.code == registry::kNotFound) return error_reply(404, "integration not found");
  if (error.code == registry::kConflict) {
    return error_reply(409, identifier.empty() ? std::string("identifier is already used in this organization")
                                               : "identifier " + dump(Json(std::string(identifier))) +
                                                     " is already used in this organization; choose another");
  }
  spdlog::warn(R"("msg":"api store error","route":{},"code":{},"error":{})", route_name(call.route),
               worker::log_quote(error.code), worker::log_quote(error.message));
  if (error.code == registry::kUnavailable || error.code == registry::kTimeout) {
    return error_reply(503, "the integration store is unavailable; retry later");
  }
  return error_reply(500, "internal error: the integration store failed (" + error.code + ")");
}

void IntegrationsApi::Impl::with_integration(const CallPtr& call, registry::ReadOptions read,
                                             std::function<void(Integration)> next) {
  auto self = shared_from_this();
  store.get(call->principal.organization_id, call->id, read,
            [self, call, next = std::move(next)](Result<Integration> result) {
              self->guarded(call, [&] {
                if (!result) return self->finish(call, self->store_failure(*call, result.error()));
                if (!visible_to(result.value(), call->principal)) {
                  return self->finish(call, error_reply(404, "integration not found"));
                }
                next(std::move(result).value());
              });
            });
}

// ---- the routes ----------------------------------------------------------------------------------------

void IntegrationsApi::Impl::readyz(const CallPtr& call) {
  auto self = shared_from_this();
  store.versions([self, call](Result<std::vector<registry::EnvironmentVersion>> result) {
    self->guarded(call, [&] {
      if (result) return self->finish(call, Reply{200, R"({"status":"ready"})", std::nullopt, {}});
      spdlog::warn(R"("msg":"api not ready","code":{},"error":{})", worker::log_quote(result.error().code),
                   worker::log_quote(result.error().message));
      self->finish(
          call,
          Reply{503, R"({"status":"unavailable","reason":"the integration store did not answer"})", std::nullopt, {}});
    });
  });
}

void IntegrationsApi::Impl::list(const CallPtr& call, bool active_only) {
  auto self = shared_from_this();
  // Only admin answers carry credentials: ApiKey reads skip decrypting them.
  store.list(call->principal.organization_id, call->principal.environment_id,
             registry::ReadOptions{.with_credentials = call->principal.admin},
             [self, call, active_only](Result<std::vector<Integration>> result) {
               self->guarded(call, [&] {
                 if (!result) return self->finish(call, self->store_failure(*call, result.error()));
                 self->finish(call, self->list_reply(*call, result.value(), active_only));
               });
             });
}

void IntegrationsApi::Impl::get(const CallPtr& call) {
  auto self = shared_from_this();
  // Only admin answers carry credentials: ApiKey reads skip decrypting them.
  with_integration(call, registry::ReadOptions{.with_credentials = call->principal.admin},
                   [self, call](Integration integration) {
                     self->finish(call, self->integration_reply(*call, 200, integration));
                   });
}

void IntegrationsApi::Impl::create(const CallPtr& call) {
  Reply failure;
  const auto body = parse_object(*call, failure);
  if (!body) return finish(call, std::move(failure));

  // The stored document: tenant from the credential, the caller's members, then defaults.
  Json doc = Json::object();
  doc["_environmentId"] = call->principal.environment_id;
  doc["_organizationId"] = call->principal.organization_id;
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (server_owned(it.key()) || it.key() == "primary") continue;
    doc[it.key()] = it.value();
  }
  const auto provider = body->find("providerId");
  const std::string provider_id = provider != body->end() && provider->is_string() ? provider->get<std::string>() : "";
  if (!doc.contains("name")) doc["name"] = provider_id;
  if (!doc.contains("identifier"))
    doc["identifier"] = slug(provider_id) + "-" + options.random_hex(kIdentifierSuffixHex);
  if (!doc.contains("active")) doc["active"] = false;
  doc["deleted"] = false;
  doc["primary"] = false;
  const std::string now = now_text();
  doc["createdAt"] = now;
  doc["updatedAt"] = now;

  ValidationErrors errors;
  auto integration = routing::integration_from_json(doc, "", {.require_id = false}, errors);
  if (integration) refuse_unsupported_provider(*integration, errors);
  if (!integration || !errors.empty()) return finish(call, validation_reply(errors));
  integration->id = options.random_hex(24);
  // `check: true` would verify the credentials with the provider; no provider adapter
  // offers a check yet, so it is accepted and does nothing (docs/api.md).

  auto self = shared_from_this();
  const std::string identifier = integration->identifier;
  store.create(std::move(*integration), [self, call, identifier](Result<Integration> result) {
    self->guarded(call, [&] {
      if (!result) return self->finish(call, self->store_failure(*call, result.error(), identifier));
      self->finish(call, self->integration_reply(*call, 201, result.value()));
    });
  });
}

void IntegrationsApi::Impl::update(const CallPtr& call) {
  Reply failure;
  auto body = parse_object(*call, failure);
  if (!body) return finish(call, std::move(failure));
  auto self = shared_from_this();
  // With credentials: the merged integration is written back whole.
  with_integration(call, registry::ReadOptions{}, [self, call, body = std::move(*body)](Integration stored) {
    // Members present replace the stored ones; the result is validated as a whole.
    Json doc = routing::integration_to_json(stored, true);
    ValidationErrors errors;
    for (auto it = body.begin(); it != body.end(); ++it) {
      const std::string& key = it.key();
      if (server_owned(key)) continue;
      if (key == "primary") {
        if (!it.value().is_boolean() || it.value().get<bool>() != stored.primary) {
          errors.push_back({key, "cannot be changed with PUT; use POST /v1/integrations/{id}/set-primary"});
        }
        continue;
      }
      if (key == "providerId" || key == "channel" || key == "kind") {
        const auto current = doc.find(key);
        if (current == doc.end() || *current != it.value()) {
          errors.push_back({key, "cannot be changed; create a new integration instead"});
        }
        continue;
      }
      doc[key] = it.value();
    }
    if (!errors.empty()) return self->finish(call, validation_reply(errors));
    doc["updatedAt"] = self->now_text();
    auto merged = routing::integration_from_json(doc, "", {.require_id = true}, errors);
    if (merged) refuse_unsupported_provider(*merged, errors);
    if (!merged || !errors.empty()) return self->finish(call, validation_reply(errors));
    const std::string identifier = merged->identifier;
    self->store.update(std::move(*merged), [self, call, identifier](Result<Integration> result) {
      self->guarded(call, [&] {
        if (!result) return self->finish(call, self->store_failure(*call, result.error(), identifier));
        self->finish(call, self->integration_reply(*call, 200, result.value()));
      });
    });
  });
}

void IntegrationsApi::Impl::remove(const CallPtr& call) {
  auto self = shared_from_this();
  with_integration(call, registry::ReadOptions{}, [self, call](Integration) {
    const Principal& p = call->principal;
    self->store.remove(p.organization_id, call->id, p.actor, self->now_text(),
                       [self, call](Result<Integration> removed) {
                         self->guarded(call, [&] {
                           if (!removed) return self->finish(call, self->store_failure(*call, removed.error()));
                           // Novu answers a delete with what is left of the environment.
                           self->list(call, false);
                         });
                       });
  });
}

void IntegrationsApi::Impl::set_primary(const CallPtr& call) {
  auto self = shared_from_this();
  with_integration(call, registry::ReadOptions{}, [self, call](Integration integration) {
    if (integration.kind != routing::IntegrationKind::kDelivery || !integration.channel ||
        !routing::uses_primary(*integration.channel)) {
      return self->finish(call, error_reply(400, "only email and sms integrations can be primary"));
    }
    const Principal& p = call->principal;
    self->store.set_primary(p.organization_id, call->id, [self, call](Result<Integration> result) {
      self->guarded(call, [&] {
        if (!result) return self->finish(call, self->store_failure(*call, result.error()));
        self->finish(call, self->integration_reply(*call, 200, result.value()));
      });
    });
  });
}

void IntegrationsApi::Impl::inbox(const CallPtr& call) {
  if (!options.inbox) return finish(call, error_reply(501, "the inbox needs registry.backend = \"redis\""));
  const std::string_view target = call->request.target;
  const std::size_t question = target.find('?');
  InboxQuery query{call->principal.organization_id, call->principal.environment_id, call->id,
                   question == std::string_view::npos ? std::string{} : std::string(target.substr(question + 1))};
  auto self = shared_from_this();
  options.inbox(std::move(query), [self, call](InboxAnswer answer) {
    self->guarded(call, [&] {
      if (answer.status == 200) return self->finish(call, Reply{200, std::move(answer.body), std::nullopt, {}});
      self->finish(call, error_reply(answer.status, std::move(answer.body)));
    });
  });
}

// ---- public ------------------------------------------------------------------------------------------------

std::span<const ApiRoute> api_routes() noexcept { return kRoutes; }

std::string sha256_hex(std::string_view data) {
  const Digest digest = sha256(data);
  return to_hex(digest.data(), digest.size());
}

IntegrationsApi::IntegrationsApi(registry::IntegrationStore& store, registry::IdempotencyStore& idempotency,
                                 IntegrationsApiOptions options)
    : impl_(std::make_shared<Impl>(store, idempotency, std::move(options))) {}

IntegrationsApi::~IntegrationsApi() = default;

void IntegrationsApi::handle(http::HttpRequest request, http::Responder respond) {
  impl_->handle(std::move(request), std::move(respond));
}

http::Handler IntegrationsApi::handler() {
  return [impl = impl_](http::HttpRequest request, http::Responder respond) {
    impl->handle(std::move(request), std::move(respond));
  };
}

}  // namespace switchboard::api
