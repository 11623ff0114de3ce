// `switchboard registry import|export`: bulk load and dump the configured integration store
// (docs/api.md, "Bulk import and export").

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "config/switchboard_config.h"
#include "registry/credential_cipher.h"
#include "registry/registry_factory.h"
#include "routing/integration_json.h"
#include "routing/timestamp.h"
#include "worker/cli/commands.h"
#include "worker/cli/file_io.h"
#include "worker/cli/snapshot_file.h"

namespace switchboard::cli {

namespace {

namespace asio = boost::asio;
using routing::Integration;

constexpr int kExitStore = 1;  // the store failed or refused a write

struct RegistryOptions {
  std::string config;
  std::string file;               // import
  bool with_credentials = false;  // export
  std::string organization;       // export filter
  std::string environment;        // export filter
};

int fail(const std::string& verb, const std::string& message, int code = kExitUsage) {
  std::cerr << "switchboard registry " << verb << ": " << message << "\n";
  return code;
}

// Runs one store operation to completion on `io` (the CLI has nothing else to do meanwhile).
template <typename T, typename Start>
Result<T> await(asio::io_context& io, Start start) {
  std::optional<Result<T>> out;
  start([&out](Result<T> result) { out.emplace(std::move(result)); });
  while (!out) {
    if (io.stopped()) io.restart();
    if (io.run_one() == 0 && !out) return Error{registry::kUnavailable, "the store did not answer"};
  }
  return std::move(*out);
}

// The opened store, once it answers (Redis connects in the background).
struct OpenStore {
  asio::io_context io;
  std::unique_ptr<registry::IntegrationStore> store;
};

std::unique_ptr<OpenStore> open_store(const std::string& verb, const RegistryOptions& o, int& exit_code) {
  config::Config cfg;
  try {
    cfg = config::load_config(o.config, environ);
  } catch (const config::ConfigError& e) {
    exit_code = fail(verb, e.what());
    return nullptr;
  }
  auto cipher = registry::CredentialCipher::from_environment();
  if (!cipher) {
    exit_code = fail(verb, cipher.error().message + ", then `export SWITCHBOARD_SECRET_KEY=<that value>`");
    return nullptr;
  }
  auto open = std::make_unique<OpenStore>();
  try {
    open->store = registry::make_integration_store(
        open->io, cfg.registry, std::make_shared<const registry::CredentialCipher>(std::move(cipher).value()));
  } catch (const std::exception& e) {
    exit_code = fail(verb, e.what(), kExitStore);
    return nullptr;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(cfg.registry.start_timeout_s);
  for (;;) {
    auto ready = await<std::vector<registry::EnvironmentVersion>>(
        open->io, [&](auto done) { open->store->versions(std::move(done)); });
    if (ready) break;
    if (ready.error().code != registry::kUnavailable || std::chrono::steady_clock::now() >= deadline) {
      exit_code = fail(verb,
                       "the integration store is not reachable: " + ready.error().message +
                           " (registry.start_timeout_s = " + std::to_string(cfg.registry.start_timeout_s) + ")",
                       kExitStore);
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return open;
}

Result<std::vector<registry::EnvironmentVersion>> environments(OpenStore& s) {
  return await<std::vector<registry::EnvironmentVersion>>(s.io, [&](auto done) { s.store->versions(std::move(done)); });
}

Result<std::vector<Integration>> list_environment(OpenStore& s, const std::string& org, const std::string& env) {
  return await<std::vector<Integration>>(s.io, [&](auto done) { s.store->list(org, env, std::move(done)); });
}

// ---- import ---------------------------------------------------------------------------------

std::string now_text() {
  return routing::format_timestamp_millis(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

int run_import(const RegistryOptions& o) {
  std::string error;
  const auto text = read_whole_file(o.file, error);
  if (!text) return fail("import", error);
  routing::IntegrationFile file = routing::parse_integrations_file(*text);
  if (!file.errors.empty()) return fail("import", "invalid file " + o.file + ": " + first_error_line(file.errors));

  int exit_code = 0;
  auto s = open_store("import", o, exit_code);
  if (!s) return exit_code;

  // Identifiers taken by other _ids in the store (deleted ones stay taken) make the whole
  // import fail before anything is written.
  std::set<std::string> organizations;
  for (const Integration& i : file.integrations) organizations.insert(i.organization_id);
  auto envs = environments(*s);
  if (!envs) return fail("import", "store: " + envs.error().message, kExitStore);
  std::map<std::pair<std::string, std::string>, std::string> owner;  // (org, identifier) -> _id
  for (const auto& env : envs.value()) {
    if (!organizations.count(env.organization_id)) continue;
    auto existing = list_environment(*s, env.organization_id, env.environment_id);
    if (!existing) return fail("import", "store: " + existing.error().message, kExitStore);
    for (const Integration& i : existing.value()) owner[{i.organization_id, i.identifier}] = i.id;
  }
  std::vector<std::string> conflicts;
  for (const Integration& i : file.integrations) {
    const auto it = owner.find({i.organization_id, i.identifier});
    if (it != owner.end() && it->second != i.id) {
      conflicts.push_back("identifier \"" + i.identifier + "\" of " + i.id + " is already used by " + it->second +
                          " in organization " + i.organization_id);
    }
  }
  if (!conflicts.empty()) {
    for (const auto& c : conflicts) std::cerr << "switchboard registry import: " << c << "\n";
    return fail("import", std::to_string(conflicts.size()) + " identifier conflict(s); nothing was written",
                kExitStore);
  }

  std::size_t created = 0, replaced = 0, unchanged = 0, promoted = 0;
  for (Integration& wanted : file.integrations) {
    const std::string org = wanted.organization_id, id = wanted.id;
    auto stored = await<Integration>(s->io, [&](auto done) { s->store->get(org, id, std::move(done)); });
    Result<Integration> written = Error{};
    if (stored && stored.value().deleted && wanted.deleted) {
      ++unchanged;  // deleted on both sides (re-importing an export)
      continue;
    }
    if (stored) {
      if (stored.value().deleted || stored.value().environment_id != wanted.environment_id) {
        return fail("import",
                    id + " exists in the store " +
                        (stored.value().deleted ? std::string("as deleted") : "in another environment") +
                        " and cannot be replaced; give the file's integration another _id",
                    kExitStore);
      }
      // A file without credentials (an export made without --with-credentials) keeps the stored ones.
      if (!wanted.credentials) wanted.credentials = stored.value().credentials;
      written = await<Integration>(s->io, [&](auto done) { s->store->update(wanted, std::move(done)); });
      if (written) ++replaced;
    } else if (stored.error().code == registry::kNotFound) {
      written = await<Integration>(s->io, [&](auto done) { s->store->create(wanted, std::move(done)); });
      if (written) ++created;
    } else {
      written = stored.error();
    }
    if (!written) {
      return fail("import",
                  "writing " + id + " failed (" + written.error().code + "): " + written.error().message + "; " +
                      std::to_string(created + replaced) + " integration(s) were written before",
                  kExitStore);
    }
    // The store applies the primary rules; a file that names a primary makes it one.
    if (wanted.primary && wanted.active && !wanted.deleted && !written.value().primary) {
      auto made = await<Integration>(s->io, [&](auto done) { s->store->set_primary(org, id, std::move(done)); });
      if (!made) return fail("import", "set-primary of " + id + " failed: " + made.error().message, kExitStore);
      ++promoted;
    }
    if (wanted.deleted && !written.value().deleted) {
      const std::string by = wanted.deleted_by.value_or("import");
      const std::string at = wanted.deleted_at.value_or(now_text());
      auto removed = await<Integration>(s->io, [&](auto done) { s->store->remove(org, id, by, at, std::move(done)); });
      if (!removed) return fail("import", "deleting " + id + " failed: " + removed.error().message, kExitStore);
    }
  }
  std::cout << "{\"imported\":" << file.integrations.size() << ",\"created\":" << created
            << ",\"replaced\":" << replaced << ",\"unchanged\":" << unchanged << ",\"made_primary\":" << promoted << "}"
            << std::endl;
  return 0;
}

// ---- export ---------------------------------------------------------------------------------

int run_export(const RegistryOptions& o) {
  if (!o.environment.empty() && o.organization.empty()) return fail("export", "--environment needs --organization");
  int exit_code = 0;
  auto s = open_store("export", o, exit_code);
  if (!s) return exit_code;
  auto envs = environments(*s);
  if (!envs) return fail("export", "store: " + envs.error().message, kExitStore);
  std::set<std::pair<std::string, std::string>> wanted;  // sorted: a stable output order
  for (const auto& env : envs.value()) {
    if (!o.organization.empty() && env.organization_id != o.organization) continue;
    if (!o.environment.empty() && env.environment_id != o.environment) continue;
    wanted.emplace(env.organization_id, env.environment_id);
  }
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [org, env] : wanted) {
    auto list = list_environment(*s, org, env);
    if (!list) return fail("export", "store: " + list.error().message, kExitStore);
    for (const Integration& i : list.value()) out.push_back(routing::integration_to_json(i, o.with_credentials));
  }
  const std::string text = out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  std::cerr << "switchboard registry export: " << out.size() << " integration(s) from " << wanted.size()
            << " environment(s)" << (o.with_credentials ? ", with credentials" : ", without credentials") << "\n";
  return 0;
}

}  // namespace

void add_registry_command(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<RegistryOptions>();
  CLI::App* cmd = app.add_subcommand("registry", "Bulk import or export the integrations of the configured store");
  cmd->require_subcommand(1, 1);
  cmd->footer("Both need SWITCHBOARD_SECRET_KEY (the key the store's credentials are encrypted with).");

  CLI::App* import = cmd->add_subcommand(
      "import",
      "Load a JSON array of integrations (the explain/validate file format, _id required): validates the whole "
      "file first, fails before writing on an identifier used by another _id, then creates new _ids and replaces "
      "existing ones (an integration without credentials keeps the stored ones; one deleted in both is left as is)");
  import->add_option("--config", options->config, "Config file (TOML)")->required();
  import->add_option("--file", options->file, "Integrations file ('-' for stdin)")->required();
  import->callback([&runner, options] { runner = [options] { return run_import(*options);
};
}  // namespace switchboard::cli
);

CLI::App* exp =
    cmd->add_subcommand("export", "Print the stored integrations (deleted ones included) as a JSON array on stdout");
exp->add_option("--config", options->config, "Config file (TOML)")->required();
exp->add_flag("--with-credentials", options->with_credentials, "Include credentials (decrypted): handle with care");
exp->add_option("--organization", options->organization, "Only this organization");
exp->add_option("--environment", options->environment, "Only this environment (needs --organization)");
exp->callback([&runner, options] { runner = [options] { return run_export(*options); }; });
}

}  // namespace switchboard::cli
