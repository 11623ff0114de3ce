#pragma once
// IntegrationStore over one JSON file: the integrations-file format `switchboard explain`
// reads (a JSON array of integrations, in creation order). For the demo and single
// machines.
//
// SINGLE PROCESS ONLY: the file is read once, at construction, and the process keeps the
// integrations in memory; two processes writing one file would overwrite each other's
// changes, and neither sees the other's writes. Use RedisStore for anything shared.
//
// Every write rewrites the whole file atomically (a temp file in the same directory,
// fsync, rename over the old file, fsync of the directory), with mode 0600 because it
// holds credentials. A failed write leaves file and memory unchanged and completes with
// kUnavailable naming the path and the OS error. With a cipher, credentials are written
// encrypted ("sb1:..."); plain values found in the file are accepted and encrypted at the
// next write. Note: a file with encrypted boolean or object credentials is no longer
// accepted by `switchboard explain` (it sees strings where the schema wants other types).
//
// Conventions of IntegrationStore: callbacks complete through a post on the io_context,
// never inline; not thread-safe; destroying the store drops callbacks not yet run. Writes
// block the io thread for the file write and two fsyncs (milliseconds): fine for the
// demo, another reason not to use it for a busy API. Versions start at 1 for every
// environment found in the file and are not persisted. on_invalidation handlers are
// called (posted) after every successful write.

#include <filesystem>
#include <map>
#include <memory>

#include "registry/credential_cipher.h"
#include "registry/integration_store.h"
#include "registry/integration_table.h"

namespace boost::asio {
class io_context;
}

namespace switchboard::registry {

class FileStore final : public IntegrationStore {
 public:
  // Loads `path` (a missing file is an empty store). Throws std::runtime_error naming the
  // file and the problem when it cannot be read, does not parse or validate, or holds
  // encrypted credentials that `cipher` (possibly null) cannot decrypt. Startup only.
  FileStore(boost::asio::io_context& io, std::filesystem::path path, std::shared_ptr<const CredentialCipher> cipher);
  ~FileStore() override;

  using IntegrationStore::get;
  using IntegrationStore::list;
  void list(const std::string& organization_id, const std::string& environment_id, ReadOptions read,
            StoreCallback<std::vector<Integration>> done) override;
  void get(const std::string& organization_id, const std::string& id, ReadOptions read,
           StoreCallback<Integration> done) override;
  void create(Integration integration, StoreCallback<Integration> done) override;
  void update(Integration integration, StoreCallback<Integration> done) override;
  void set_primary(const std::string& organization_id, const std::string& id, StoreCallback<Integration> done) override;
  void remove(const std::string& organization_id, const std::string& id, const std::string& deleted_by,
              const std::string& deleted_at, StoreCallback<Integration> done) override;
  void versions(StoreCallback<std::vector<EnvironmentVersion>> done) override;
  void on_invalidation(std::function<void(const std::string&, const std::string&)> handler) override;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  // Applies `change` to a copy of the table, writes the file, then commits and notifies.
  template <typename Change>
  void write(StoreCallback<Integration> done, Change change);
  template <typename T>
  void finish(StoreCallback<T> done, Result<T> result);
  Result<bool> persist(const IntegrationTable& table) const;

  boost::asio::io_context& io_;
  std::filesystem::path path_;
  std::shared_ptr<const CredentialCipher> cipher_;
  IntegrationTable table_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> versions_;
  std::vector<std::function<void(const std::string&, const std::string&)>> handlers_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // posted completions check it
};

// Writes `text` to `path` atomically (temp file in the same directory, fsync, rename,
// fsync directory), mode 0600. Error code kUnavailable, message with path and errno text.
Result<bool> write_file_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace switchboard::registry
