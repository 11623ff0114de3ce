#include "registry/redis_store.h"

#include <charconv>
#include <utility>

#include "registry/integration_codec.h"
#include "registry/integration_table.h"
#include "registry/lua_scripts.h"

namespace switchboard::registry {
namespace {

using Json = nlohmann::ordered_json;

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

// What a script answered, once transport errors and Redis error replies are mapped.
struct ScriptAnswer {
  std::string status;
  std::vector<RedisReply> values;  // after the status
};

Result<ScriptAnswer> read_answer(Result<RedisReply> result, std::string_view script) {
  if (!result.ok()) return result.error();
  RedisReply& reply = result.value();
  if (reply.is_error()) {
    // A failing script (bad data it could not decode) is corrupt data; anything else
    // (OOM, READONLY replica, LOADING) is the backend being unavailable.
    const bool script_failed = reply.text.find("user_script") != std::string::npos ||
                               reply.text.find("Error running script") != std::string::npos;
    return Error{script_failed ? kCorrupt : kUnavailable,
                 "redis refused " + std::string(script) + ": " + reply.text};
  }
  if (!reply.is_array() || reply.elements.empty() || !reply.elements[0].is_string()) {
    return Error{kCorrupt, "redis script " + std::string(script) + " answered a " +
                               std::string(reply_type_name(reply.type)) + ", not a status array"};
  }
  ScriptAnswer answer{reply.elements[0].text, {}};
  answer.values.assign(std::make_move_iterator(reply.elements.begin() + 1),
                       std::make_move_iterator(reply.elements.end()));
  return answer;
}

std::optional<std::uint64_t> to_version(const RedisReply& reply) {
  if (reply.is_integer() && reply.integer >= 0) return static_cast<std::uint64_t>(reply.integer);
  if (!reply.is_string()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(reply.text.data(), reply.text.data() + reply.text.size(), value);
  if (ec != std::errc{} || end != reply.text.data() + reply.text.size()) return std::nullopt;
  return value;
}

Error not_found(const std::string& org, const std::string& env, const std::string& id, const std::string& why) {
  if (why == "deleted") return Error{kNotFound, "integration " + quoted(id) + " is deleted"};
  if (why == "environment") {
    return Error{kNotFound, "integration " + quoted(id) + " not found in environment " + quoted(env)};
  }
  return Error{kNotFound, "integration " + quoted(id) + " not found in organization " + quoted(org)};
}

Error conflict(const Integration& integration, const std::string& what) {
  if (what == "id") return Error{kConflict, "integration _id " + quoted(integration.id) + " already exists"};
  return Error{kConflict, "identifier " + quoted(integration.identifier) + " is already used in organization " +
                              quoted(integration.organization_id)};
}

// The flags record overrides the document's copy of the fields the scripts own.
void apply_flags(Integration& integration, const StoredFlags& flags) {
  integration.active = flags.active;
  integration.primary = flags.primary;
  integration.deleted = flags.deleted;
  integration.deleted_at = flags.deleted_at;
  integration.deleted_by = flags.deleted_by;
}

StoredFlags initial_flags(const Integration& integration) {
  return StoredFlags{integration.active,     false, integration.deleted, integration.deleted_at,
                     integration.deleted_by, primary_bucket(integration), integration.identifier};
}

// One stored document and its flags record. The fast paths decode what our own writes
// produce; anything else goes through the full parsers, which validate it and name
// `where()` (built only then) in their errors.
template <typename Where>
Result<Integration> decode_stored(const RedisReply& document, const RedisReply& flags_text,
                                  const CredentialCipher* cipher, ReadOptions read, const Where& where) {
  if (!document.is_string() || !flags_text.is_string()) {
    return Error{kCorrupt, where() + ": document or flags record missing"};
  }
  if (auto flags = flags_from_json_fast(flags_text.text)) {
    if (auto integration = decode_stored_fast(document.text, cipher, read.with_credentials)) {
      apply_flags(*integration, *flags);
      return std::move(*integration);
    }
  }
  const std::string at = where();
  auto flags = flags_from_json(flags_text.text, at);
  if (!flags) return flags.error();
  auto integration = decode_stored_integration(document.text, cipher, at, read.with_credentials);
  if (!integration) return integration.error();
  apply_flags(integration.value(), flags.value());
  return integration;
}

}  // namespace

RedisStore::RedisStore(boost::asio::io_context& io, RedisStoreOptions options)
    : io_(io), options_(std::move(options)), keys_(options_.key_prefix) {
  // RedisOptions' default name ("redis") says nothing in logs: call it what it is.
  if (options_.redis.name.empty() || options_.redis.name == "redis") options_.redis.name = "registry";
  RedisOptions redis = options_.redis;
  connection_ = std::make_unique<RedisConnection>(io_, redis);
  if (options_.on_state_change) {
    connection_->on_state_change([handler = options_.on_state_change, name = redis.name](bool up, const std::string& why) {
      handler(name, up, why);
    });
  }
  connection_->start();
}

RedisStore::~RedisStore() = default;

// Continuations below run from the connection's posted completions (so never inline), and
// call `done` as their last step: `done` may destroy the store.

void RedisStore::list(const std::string& organization_id, const std::string& environment_id, ReadOptions read,
                      StoreCallback<std::vector<Integration>> done) {
  eval_script(*connection_, lua::list_integrations(), {},
              {keys_.prefix(), escape_key_part(organization_id), escape_key_part(environment_id)},
              [this, organization_id, environment_id, read, done = std::move(done)](Result<RedisReply> result) mutable {
                // Named only when something is wrong.
                const auto where = [&] { return "redis hash " + keys_.env_documents(organization_id, environment_id); };
                auto answer = read_answer(std::move(result), "list_integrations");
                if (!answer) return done(answer.error());
                const auto& values = answer.value().values;
                if (answer.value().status != "ok" || values.size() % 3 != 0) {
                  return done(Error{kCorrupt, where() + ": unexpected answer of list_integrations"});
                }
                std::vector<Integration> out;
                out.reserve(values.size() / 3);
                for (std::size_t i = 0; i < values.size(); i += 3) {
                  auto integration = decode_stored(values[i + 1], values[i + 2], options_.cipher.get(), read,
                                                   [&] { return where() + " field " + values[i].text; });
                  if (!integration) return done(integration.error());
                  out.push_back(std::move(integration).value());
                }
                done(std::move(out));
              });
}

namespace {

// get, set_primary and remove answer the document, flags and location of one integration.
Result<Integration> decode_one(const RedisKeys& keys, const RedisReply& document, const RedisReply& flags_text,
                               const RedisReply& location, const std::string& id, const CredentialCipher* cipher,
                               ReadOptions read) {
  return decode_stored(document, flags_text, cipher, read, [&] {
    if (location.is_string()) {
      if (const auto parts = parse_environment_field(location.text)) {
        return "redis hash " + keys.env_documents(parts->first, parts->second) + " field " + id;
      }
    }
    return "redis integration " + id;
  });
}

}  // namespace

void RedisStore::get(const std::string& organization_id, const std::string& id, ReadOptions read,
                     StoreCallback<Integration> done) {
  // An integration never changes environment, so once its location is known a read is two
  // pipelined HGETs instead of a script: far less work for Redis on the hottest API path.
  if (const auto it = locations_.find(id); it != locations_.end()) {
    const std::string& location = it->second;
    const std::string org_part = escape_key_part(organization_id) + '\t';
    const auto parts = parse_environment_field(location);
    if (location.compare(0, org_part.size(), org_part) == 0 && parts) {
      get_located(organization_id, parts->second, location, id, read, std::move(done));
      return;
    }
  }
  eval_script(*connection_, lua::get_integration(), {}, {keys_.prefix(), escape_key_part(organization_id), id},
              [this, organization_id, id, read, done = std::move(done)](Result<RedisReply> result) mutable {
                auto answer = read_answer(std::move(result), "get_integration");
                if (!answer) return done(answer.error());
                const auto& values = answer.value().values;
                if (answer.value().status == "not_found") return done(not_found(organization_id, "", id, "missing"));
                if (answer.value().status != "ok" || values.size() != 3) {
                  return done(Error{kCorrupt, "redis: unexpected answer of get_integration for " + id});
                }
                if (values[2].is_string()) remember_location(id, values[2].text);
                done(decode_one(keys_, values[0], values[1], values[2], id, options_.cipher.get(), read));
              });
}

void RedisStore::get_located(const std::string& organization_id, const std::string& env, const std::string& location,
                             const std::string& id, ReadOptions read, StoreCallback<Integration> done) {
  struct Pending {
    RedisReply document;
    Error error;
  };
  auto pending = std::make_shared<Pending>();
  connection_->command({"HGET", keys_.env_documents(organization_id, env), id}, [pending](Result<RedisReply> result) {
    if (result) {
      pending->document = std::move(result.value());
    } else {
      pending->error = result.error();
    }
  });
  connection_->command(
      {"HGET", keys_.env_flags(organization_id, env), id},
      [this, pending, organization_id, location, id, read, done = std::move(done)](Result<RedisReply> result) mutable {
        if (!pending->error.code.empty()) return done(pending->error);
        if (!result) return done(result.error());
        for (const RedisReply* reply : {&pending->document, &result.value()}) {
          if (reply->is_error()) return done(Error{kUnavailable, "redis refused HGET for " + id + ": " + reply->text});
        }
        if (pending->document.is_nil()) {
          // Not where it was: forget the location and let the script find out why.
          locations_.erase(id);
          return get(organization_id, id, read, std::move(done));
        }
        RedisReply where;
        where.type = RedisReply::Type::kString;
        where.text = location;
        done(decode_one(keys_, pending->document, result.value(), where, id, options_.cipher.get(), read));
      });
}

void RedisStore::remember_location(const std::string& id, const std::string& location) {
  // Bounded: a full map is dropped rather than evicted entry by entry; misses only cost the script.
  if (locations_.size() >= kMaxRememberedLocations) locations_.clear();
  locations_.insert_or_assign(id, location);
}

// The arguments of create_integration and update_integration: the same write, whose
// answers the two read differently.
Result<std::vector<std::string>> RedisStore::write_arguments(const Integration& integration) const {
  auto document = encode_integration(integration, options_.cipher.get());
  if (!document) return document.error();
  return std::vector<std::string>{keys_.prefix(),
                                  escape_key_part(integration.organization_id),
                                  escape_key_part(integration.environment_id),
                                  integration.id,
                                  integration.identifier,
                                  document.value().dump(-1, ' ', false, Json::error_handler_t::replace),
                                  flags_to_json(initial_flags(integration))};
}

void RedisStore::create(Integration integration, StoreCallback<Integration> done) {
  auto args = write_arguments(integration);
  if (!args) return post_to(io_, [done = std::move(done), error = args.error()] { done(error); });
  eval_script(*connection_, lua::create_integration(), {}, args.value(),
              [this, integration = std::move(integration), done = std::move(done)](Result<RedisReply> result) mutable {
                auto answer = read_answer(std::move(result), "create_integration");
                if (!answer) return done(answer.error());
                const auto& values = answer.value().values;
                if (answer.value().status == "conflict") {
                  return done(conflict(integration, values.empty() ? "" : values[0].text));
                }
                const auto version = values.size() == 2 ? to_version(values[1]) : std::nullopt;
                if (answer.value().status != "ok" || !version) {
                  return done(Error{kCorrupt, "redis: unexpected answer of create_integration"});
                }
                auto flags = flags_from_json(values[0].text, "redis flags of " + integration.id);
                if (!flags) return done(flags.error());
                apply_flags(integration, flags.value());
                remember_location(integration.id, environment_field(integration.organization_id, integration.environment_id));
                notify(integration.organization_id, integration.environment_id, *version, true);
                done(std::move(integration));
              });
}

void RedisStore::update(Integration integration, StoreCallback<Integration> done) {
  auto args = write_arguments(integration);
  if (!args) return post_to(io_, [done = std::move(done), error = args.error()] { done(error); });
  eval_script(*connection_, lua::update_integration(), {}, args.value(),
              [this, integration = std::move(integration), done = std::move(done)](Result<RedisReply> result) mutable {
                auto answer = read_answer(std::move(result), "update_integration");
                if (!answer) return done(answer.error());
                const auto& values = answer.value().values;
                const std::string detail = values.empty() ? "" : values[0].text;
                if (answer.value().status == "not_found") {
                  return done(not_found(integration.organization_id, integration.environment_id, integration.id, detail));
                }
                if (answer.value().status == "conflict") return done(conflict(integration, detail));
                if (answer.value().status == "corrupt") return done(Error{kCorrupt, "redis key " + detail + ": missing flags of " + integration.id});
                const auto version = values.size() == 2 ? to_version(values[1]) : std::nullopt;
                if (answer.value().status != "ok" || !version) {
                  return done(Error{kCorrupt, "redis: unexpected answer of update_integration"});
                }
                auto flags = flags_from_json(values[0].text, "redis flags of " + integration.id);
                if (!flags) return done(flags.error());
                apply_flags(integration, flags.value());
                notify(integration.organization_id, integration.environment_id, *version, true);
                done(std::move(integration));
              });
}

namespace {

// set_primary and remove share their answer: {"ok", flags, version, document, location}.
struct OneWrite {
  Integration integration;
  std::uint64_t version = 0;
};

Result<OneWrite> read_one_write(Result<RedisReply> result, const char* script, const RedisKeys& keys,
                                const std::string& org, const std::string& id, const CredentialCipher* cipher) {
  auto answer = read_answer(std::move(result), script);
  if (!answer) return answer.error();
  const auto& values = answer.value().values;
  const std::string detail = values.empty() || !values[0].is_string() ? "" : values[0].text;
  if (answer.value().status == "not_found") return not_found(org, "", id, detail);
  if (answer.value().status == "corrupt") {
    return Error{kCorrupt, "redis key " + detail + ": missing flags of " + id};
  }
  const auto version = values.size() == 4 ? to_version(values[1]) : std::nullopt;
  if (answer.value().status != "ok" || !version) {
    return Error{kCorrupt, "redis: unexpected answer of " + std::string(script)};
  }
  auto integration = decode_one(keys, values[2], values[0], values[3], id, cipher, ReadOptions{});
  if (!integration) return integration.error();
  return OneWrite{std::move(integration).value(), *version};
}

}  // namespace

void RedisStore::set_primary(const std::string& organization_id, const std::string& id,
                             StoreCallback<Integration> done) {
  eval_script(*connection_, lua::set_primary(), {}, {keys_.prefix(), escape_key_part(organization_id), id},
              [this, organization_id, id, done = std::move(done)](Result<RedisReply> result) mutable {
                auto write = read_one_write(std::move(result), "set_primary", keys_, organization_id, id,
                                            options_.cipher.get());
                if (!write) return done(write.error());
                Integration& integration = write.value().integration;
                notify(integration.organization_id, integration.environment_id, write.value().version, true);
                done(std::move(integration));
              });
}

void RedisStore::remove(const std::string& organization_id, const std::string& id, const std::string& deleted_by,
                        const std::string& deleted_at, StoreCallback<Integration> done) {
  eval_script(*connection_, lua::remove_integration(), {},
              {keys_.prefix(), escape_key_part(organization_id), id, deleted_by, deleted_at},
              [this, organization_id, id, done = std::move(done)](Result<RedisReply> result) mutable {
                auto write = read_one_write(std::move(result), "remove_integration", keys_, organization_id, id,
                                            options_.cipher.get());
                if (!write) return done(write.error());
                Integration& integration = write.value().integration;
                notify(integration.organization_id, integration.environment_id, write.value().version, true);
                done(std::move(integration));
              });
}

void RedisStore::versions(StoreCallback<std::vector<EnvironmentVersion>> done) {
  connection_->command({"HGETALL", keys_.versions()}, [this, done = std::move(done)](Result<RedisReply> result) {
    if (!result.ok()) return done(result.error());
    const RedisReply& reply = result.value();
    if (reply.is_error()) return done(Error{kUnavailable, "redis refused HGETALL " + keys_.versions() + ": " + reply.text});
    if (!reply.is_array() || reply.elements.size() % 2 != 0) {
      return done(Error{kCorrupt, "redis key " + keys_.versions() + ": HGETALL did not answer pairs"});
    }
    std::vector<EnvironmentVersion> out;
    out.reserve(reply.elements.size() / 2);
    for (std::size_t i = 0; i < reply.elements.size(); i += 2) {
      const auto location = parse_environment_field(reply.elements[i].text);
      const auto version = to_version(reply.elements[i + 1]);
      if (!location || !version) {
        return done(Error{kCorrupt, "redis key " + keys_.versions() + ": malformed field or version at pair " +
                                        std::to_string(i / 2)});
      }
      out.push_back({location->first, location->second, *version});
    }
    done(std::move(out));
  });
}

void RedisStore::on_invalidation(std::function<void(const std::string&, const std::string&)> handler) {
  handlers_.push_back(std::move(handler));
  if (subscriber_) return;
  RedisOptions redis = options_.redis;
  redis.name = options_.redis.name + "-subscriber";
  subscriber_ = std::make_unique<RedisSubscriber>(io_, redis);
  subscriber_->on_state_change([this, name = redis.name](bool up, const std::string& why) {
    // A restarted Redis counts versions from 1 again: forget what was seen.
    if (up) last_notified_.clear();
    if (options_.on_state_change) options_.on_state_change(name, up, why);
  });
  subscriber_->subscribe(keys_.invalidation_channel(),
                         [this](const std::string&, const std::string& message) { on_message(message); });
  subscriber_->start();
}

void RedisStore::on_message(const std::string& message) {
  const auto invalidation = parse_invalidation_message(message);
  if (!invalidation) return;  // not ours: another writer on the channel
  notify(invalidation->organization_id, invalidation->environment_id, invalidation->version, false);
}

void RedisStore::notify(const std::string& org, const std::string& env, std::uint64_t version, bool local) {
  if (handlers_.empty()) return;
  auto& last = last_notified_[{org, env}];
  // The echo of this process's own write (same version, just reported) is not repeated.
  if (!local && last == version) return;
  last = version;
  for (const auto& handler : handlers_) {
    post_to(io_, [alive = std::weak_ptr<bool>(alive_), handler, org, env] {
      if (alive.lock()) handler(org, env);
    });
  }
}

}  // namespace switchboard::registry
