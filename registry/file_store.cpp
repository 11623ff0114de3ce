#include "registry/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "registry/integration_codec.h"
#include "registry/redis_connection.h"  // post_to

namespace switchboard::registry {
namespace {

using Json = nlohmann::ordered_json;

// Closes a POSIX descriptor on every path out.
struct FdCloser {
  int fd = -1;
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  explicit FdCloser(int descriptor) : fd(descriptor) {}
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

Error io_error(const std::filesystem::path& path, const std::string& what, int error_number) {
  return Error{kUnavailable, "cannot write integrations file " + path.string() + ": " + what + ": " +
                                 std::strerror(error_number)};
}

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read integrations file " + path.string() + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read integrations file " + path.string());
  return text.str();
}

std::vector<Integration> load(const std::filesystem::path& path, const CredentialCipher* cipher) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (ec) throw std::runtime_error("cannot access integrations file " + path.string() + ": " + ec.message());
    return {};
  }
  const std::string text = read_whole_file(path);
  const Json document = Json::parse(text, nullptr, false);
  if (document.is_discarded()) {
    throw std::runtime_error("integrations file " + path.string() +
                             " is not valid JSON (check it with: switchboard validate --integrations " + path.string() +
                             ")");
  }
  if (!document.is_array()) throw std::runtime_error("integrations file " + path.string() + " must be a JSON array");
  std::vector<Integration> integrations;
  integrations.reserve(document.size());
  for (std::size_t i = 0; i < document.size(); ++i) {
    auto integration = decode_integration(document[i], cipher, path.string() + " [" + std::to_string(i) + "]");
    if (!integration) throw std::runtime_error(integration.error().message);
    integrations.push_back(std::move(integration).value());
  }
  return integrations;
}

}  // namespace

Result<bool> write_file_atomically(const std::filesystem::path& path, std::string_view text) {
  const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // Same directory: rename(2) is atomic only within one file system.
  std::string temp = (directory / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  FdCloser file(::mkstemp(temp.data()));  // mode 0600: the file holds credentials
  if (file.fd < 0) return io_error(path, "cannot create a temporary file in " + directory.string(), errno);
  const auto fail = [&](const std::string& what) {
    const int saved = errno;
    ::unlink(temp.c_str());
    return io_error(path, what, saved);
  };
  for (std::size_t written = 0; written < text.size();) {
    const ssize_t n = ::write(file.fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write failed");
    }
    written += static_cast<std::size_t>(n);
  }
  // Data on disk before the rename makes it visible: a crash leaves old or new, not empty.
  if (::fsync(file.fd) != 0) return fail("fsync failed");
  if (::close(file.release()) != 0) return fail("close failed");
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("rename failed");
  // The rename itself is durable only once the directory is synced.
  FdCloser dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd < 0 || ::fsync(dir.fd) != 0) return io_error(path, "fsync of the directory failed", errno);
  return true;
}

FileStore::FileStore(boost::asio::io_context& io, std::filesystem::path path,
                     std::shared_ptr<const CredentialCipher> cipher)
    : io_(io), path_(std::move(path)), cipher_(std::move(cipher)) {
  auto table = IntegrationTable::from(load(path_, cipher_.get()));
  if (!table) throw std::runtime_error("integrations file " + path_.string() + ": " + table.error().message);
  table_ = std::move(table).value();
  for (const Integration& integration : table_.all()) {
    versions_.try_emplace({integration.organization_id, integration.environment_id}, 1);
  }
}

FileStore::~FileStore() = default;

template <typename T>
void FileStore::finish(StoreCallback<T> done, Result<T> result) {
  post_to(io_, [alive = std::weak_ptr<bool>(alive_), done = std::move(done), result = std::move(result)]() mutable {
    if (alive.lock()) done(std::move(result));
  });
}

Result<bool> FileStore::persist(const IntegrationTable& table) const {
  Json document = Json::array();
  for (const Integration& integration : table.all()) {
    auto encoded = encode_integration(integration, cipher_.get());
    if (!encoded) return encoded.error();
    document.push_back(std::move(encoded).value());
  }
  return write_file_atomically(path_, document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
}

template <typename Change>
void FileStore::write(StoreCallback<Integration> done, Change change) {
  // On a copy: a failed file write must leave memory as it was.
  IntegrationTable next = table_;
  Result<Integration> result = change(next);
  if (result.ok()) {
    if (auto persisted = persist(next); !persisted) result = persisted.error();
  }
  if (!result.ok()) {
    finish(std::move(done), std::move(result));
    return;
  }
  table_ = std::move(next);
  const std::string org = result.value().organization_id;
  const std::string env = result.value().environment_id;
  ++versions_[{org, env}];
  finish(std::move(done), std::move(result));
  for (const auto& handler : handlers_) {
    post_to(io_, [alive = std::weak_ptr<bool>(alive_), handler, org, env] {
      if (alive.lock()) handler(org, env);
    });
  }
}

void FileStore::list(const std::string& organization_id, const std::string& environment_id, ReadOptions read,
                     StoreCallback<std::vector<Integration>> done) {
  std::vector<Integration> integrations = table_.list(organization_id, environment_id);
  if (!read.with_credentials) {
    for (Integration& integration : integrations) integration.credentials.reset();
  }
  finish<std::vector<Integration>>(std::move(done), std::move(integrations));
}

void FileStore::get(const std::string& organization_id, const std::string& id, ReadOptions read,
                    StoreCallback<Integration> done) {
  Result<Integration> result = table_.get(organization_id, id);
  if (result && !read.with_credentials) result.value().credentials.reset();
  finish(std::move(done), std::move(result));
}

void FileStore::create(Integration integration, StoreCallback<Integration> done) {
  write(std::move(done), [&](IntegrationTable& table) { return table.create(std::move(integration)); });
}

void FileStore::update(Integration integration, StoreCallback<Integration> done) {
  write(std::move(done), [&](IntegrationTable& table) { return table.update(std::move(integration)); });
}

void FileStore::set_primary(const std::string& organization_id, const std::string& id,
                            StoreCallback<Integration> done) {
  write(std::move(done), [&](IntegrationTable& table) { return table.set_primary(organization_id, id); });
}

void FileStore::remove(const std::string& organization_id, const std::string& id, const std::string& deleted_by,
                       const std::string& deleted_at, StoreCallback<Integration> done) {
  write(std::move(done),
        [&](IntegrationTable& table) { return table.remove(organization_id, id, deleted_by, deleted_at); });
}

void FileStore::versions(StoreCallback<std::vector<EnvironmentVersion>> done) {
  std::vector<EnvironmentVersion> out;
  out.reserve(versions_.size());
  for (const auto& [location, version] : versions_) out.push_back({location.first, location.second, version});
  finish<std::vector<EnvironmentVersion>>(std::move(done), std::move(out));
}

void FileStore::on_invalidation(std::function<void(const std::string&, const std::string&)> handler) {
  handlers_.push_back(std::move(handler));
}

}  // namespace switchboard::registry
