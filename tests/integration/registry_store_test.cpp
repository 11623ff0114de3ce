// One suite, two stores: FileStore and RedisStore must follow the same bookkeeping rules
// (registry/integration_store.h, registry/integration_table.h).

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "registry/file_store.h"
#include "registry/redis_store.h"
#include "registry_test_support.h"

namespace switchboard::registry::testing {
namespace {

using routing::Channel;

class FileBackend {
 public:
  static constexpr const char* kName = "file";
  explicit FileBackend(TestLoop&) : dir_(temp_dir()), path_(dir_ / "integrations.json") {}
  ~FileBackend() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::unique_ptr<IntegrationStore> open(TestLoop& loop, std::shared_ptr<const CredentialCipher> cipher) {
    return std::make_unique<FileStore>(loop.io(), path_, std::move(cipher));
  }
  bool ready(IntegrationStore&) { return true; }
  // The stored bytes, to check that no credential is in clear.
  std::string raw() {
    std::ifstream in(path_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

class RedisBackend {
 public:
  static constexpr const char* kName = "redis";
  explicit RedisBackend(TestLoop&) : prefix_(unique_prefix()) {}
  std::unique_ptr<IntegrationStore> open(TestLoop& loop, std::shared_ptr<const CredentialCipher> cipher) {
    RedisStoreOptions options;
    options.redis.endpoint = redis_endpoint();
    options.key_prefix = prefix_;
    options.cipher = std::move(cipher);
    auto store = std::make_unique<RedisStore>(loop.io(), std::move(options));
    EXPECT_TRUE(loop.run_until([&] { return store->connected(); }, 5s)) << "RedisStore did not connect";
    return store;
  }
  bool ready(IntegrationStore& store) { return static_cast<RedisStore&>(store).connected(); }
  std::string raw() {
    std::string out;
    const std::string keys = redis_cli("--scan --pattern '" + prefix_ + "*'");
    std::size_t start = 0;
    while (start < keys.size()) {
      const auto end = keys.find('\n', start);
      const std::string key = keys.substr(start, end == std::string::npos ? std::string::npos : end - start);
      out += key + "\n";
      out += redis_cli("hgetall '" + key + "'") + redis_cli("get '" + key + "'") + "\n";
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return out;
  }

 private:
  std::string prefix_;
};

template <typename Backend>
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (std::is_same_v<Backend, RedisBackend>) {
      ASSERT_TRUE(redis_available());
    }
    store_ = backend_.open(loop_, cipher_);
  }

  Result<Integration> create(Integration integration) {
    return loop_.await<Integration>([&](auto done) { store_->create(std::move(integration), done); });
  }
  Result<Integration> update(Integration integration) {
    return loop_.await<Integration>([&](auto done) { store_->update(std::move(integration), done); });
  }
  Result<Integration> get(const std::string& id, const std::string& org = "org-1") {
    return loop_.await<Integration>([&](auto done) { store_->get(org, id, done); });
  }
  Result<Integration> set_primary(const std::string& id, const std::string& org = "org-1") {
    return loop_.await<Integration>([&](auto done) { store_->set_primary(org, id, done); });
  }
  Result<Integration> remove(const std::string& id, const std::string& org = "org-1") {
    return loop_.await<Integration>(
        [&](auto done) { store_->remove(org, id, "user-9", "2026-11-23T08:00:00.000Z", done); });
  }
  Result<std::vector<Integration>> list(const std::string& env = "env-1", const std::string& org = "org-1") {
    return loop_.await<std::vector<Integration>>([&](auto done) { store_->list(org, env, done); });
  }
  std::uint64_t version_of(const std::string& org, const std::string& env) {
    const auto all = loop_.await<std::vector<EnvironmentVersion>>([&](auto done) { store_->versions(done); });
    EXPECT_TRUE(all.ok()) << (all.ok() ? "" : all.error().message);
    if (!all.ok()) return 0;
    for (const auto& entry : all.value()) {
      if (entry.organization_id == org && entry.environment_id == env) return entry.version;
    }
    return 0;
  }
  bool is_primary(const std::string& id) {
    const auto found = get(id);
    EXPECT_TRUE(found.ok()) << id;
    return found.ok() && found.value().primary;
  }

  TestLoop loop_;
  Backend backend_{loop_};
  std::shared_ptr<const CredentialCipher> cipher_ = cipher(kKeyA);
  std::unique_ptr<IntegrationStore> store_;
};

using Backends = ::testing::Types<FileBackend, RedisBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};
TYPED_TEST_SUITE(StoreTest, Backends, BackendNames);

TYPED_TEST(StoreTest, CreateGetAndListInCreationOrder) {
  const auto a = this->create(sample_integration("id-b", "second-made-first", Channel::kEmail));
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(this->create(sample_integration("id-a", "made-second", Channel::kSms)).ok());
  ASSERT_TRUE(this->create(sample_integration("id-c", "other-env", Channel::kSms, true, "env-2")).ok());

  const auto got = this->get("id-b");
  ASSERT_TRUE(got.ok()) << got.error().message;
  auto expected = sample_integration("id-b", "second-made-first", Channel::kEmail);
  expected.primary = true;
  EXPECT_EQ(got.value(), expected);  // every field, credentials decrypted, exact types

  const auto listed = this->list();
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed.value().size(), 2u);
  EXPECT_EQ(listed.value()[0].id, "id-b");
  EXPECT_EQ(listed.value()[1].id, "id-a");
  EXPECT_EQ(this->list("env-2").value().size(), 1u);
  EXPECT_TRUE(this->list("env-none").value().empty());
}

TYPED_TEST(StoreTest, MissingOrForeignIntegrationsAreNotFound) {
  ASSERT_TRUE(this->create(sample_integration("id-1", "one")).ok());
  EXPECT_EQ(this->get("nope").error().code, kNotFound);
  EXPECT_EQ(this->get("id-1", "org-2").error().code, kNotFound);
  EXPECT_EQ(this->set_primary("id-1", "org-2").error().code, kNotFound);
  EXPECT_EQ(this->remove("id-1", "org-2").error().code, kNotFound);
  EXPECT_EQ(this->update(sample_integration("nope", "nope")).error().code, kNotFound);
  EXPECT_EQ(this->update(sample_integration("id-1", "one", Channel::kEmail, true, "env-2")).error().code, kNotFound);
  EXPECT_EQ(this->update(sample_integration("id-1", "one", Channel::kEmail, true, "env-1", "org-2")).error().code,
            kNotFound);
}

TYPED_TEST(StoreTest, PrimaryRuleOnCreate) {
  EXPECT_TRUE(this->create(sample_integration("e1", "e1", Channel::kEmail)).value().primary);
  EXPECT_FALSE(this->create(sample_integration("e2", "e2", Channel::kEmail)).value().primary);
  EXPECT_TRUE(this->create(sample_integration("s1", "s1", Channel::kSms)).value().primary);
  EXPECT_FALSE(this->create(sample_integration("c1", "c1", Channel::kChat)).value().primary);
  EXPECT_FALSE(this->create(sample_integration("s2", "s2", Channel::kSms, false)).value().primary);
  EXPECT_TRUE(this->create(sample_integration("e3", "e3", Channel::kEmail, true, "env-2")).value().primary);
  auto agent = sample_integration("ag", "ag", Channel::kEmail);
  agent.kind = routing::IntegrationKind::kAgent;
  EXPECT_FALSE(this->create(agent).value().primary);
  EXPECT_TRUE(this->is_primary("e1"));
  EXPECT_FALSE(this->is_primary("e2"));
}

TYPED_TEST(StoreTest, IdentifierAndIdConflicts) {
  ASSERT_TRUE(this->create(sample_integration("id-1", "taken")).ok());
  const auto same_identifier = this->create(sample_integration("id-2", "taken", Channel::kSms, true, "env-2"));
  ASSERT_FALSE(same_identifier.ok());
  EXPECT_EQ(same_identifier.error().code, kConflict);
  EXPECT_NE(same_identifier.error().message.find("taken"), std::string::npos);
  EXPECT_TRUE(this->create(sample_integration("id-3", "taken", Channel::kSms, true, "env-1", "org-2")).ok());
  EXPECT_EQ(this->create(sample_integration("id-1", "fresh")).error().code, kConflict);
  // Renaming onto a taken identifier conflicts; onto a free one releases the old.
  ASSERT_TRUE(this->create(sample_integration("id-4", "four")).ok());
  EXPECT_EQ(this->update(sample_integration("id-4", "taken")).error().code, kConflict);
  ASSERT_TRUE(this->update(sample_integration("id-4", "four-renamed")).ok());
  EXPECT_TRUE(this->create(sample_integration("id-5", "four")).ok());
  // A deleted integration keeps its identifier.
  ASSERT_TRUE(this->remove("id-5").ok());
  EXPECT_EQ(this->create(sample_integration("id-6", "four")).error().code, kConflict);
}

TYPED_TEST(StoreTest, UpdateReplacesButKeepsStoreOwnedFields) {
  ASSERT_TRUE(this->create(sample_integration("id-1", "one")).ok());
  auto changed = sample_integration("id-1", "one");
  changed.name = "Renamed";
  changed.priority = 7;
  changed.primary = false;  // ignored: primary changes only by the rules
  changed.deleted = true;   // ignored: remove() deletes
  changed.credentials->front().value = "SG.rotated";
  const auto updated = this->update(changed);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_TRUE(updated.value().primary);
  EXPECT_FALSE(updated.value().deleted);
  const auto got = this->get("id-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value().name, "Renamed");
  EXPECT_EQ(got.value().priority, 7);
  EXPECT_EQ(got.value().find_credential("apiKey")->value, "SG.rotated");
  EXPECT_EQ(got.value(), updated.value());
}

TYPED_TEST(StoreTest, DeactivatingAPrimaryPromotesNothingAndReactivatingClaimsTheSlot) {
  ASSERT_TRUE(this->create(sample_integration("a", "a")).ok());
  ASSERT_TRUE(this->create(sample_integration("b", "b")).ok());
  const auto off = this->update(sample_integration("a", "a", Channel::kEmail, false));
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off.value().primary);
  EXPECT_FALSE(this->is_primary("b"));
  EXPECT_FALSE(this->update(sample_integration("b", "b")).value().primary);  // already active: no change
  EXPECT_TRUE(this->update(sample_integration("a", "a")).value().primary);   // activation, empty slot
  EXPECT_FALSE(this->is_primary("b"));
}

TYPED_TEST(StoreTest, SetPrimaryActivatesAndDemotesTheOthers) {
  ASSERT_TRUE(this->create(sample_integration("a", "a")).ok());
  ASSERT_TRUE(this->create(sample_integration("b", "b", Channel::kEmail, false)).ok());
  ASSERT_TRUE(this->create(sample_integration("s", "s", Channel::kSms)).ok());
  ASSERT_TRUE(this->create(sample_integration("x", "x", Channel::kEmail, true, "env-2")).ok());
  const auto b = this->set_primary("b");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_TRUE(b.value().primary);
  EXPECT_TRUE(b.value().active);
  EXPECT_EQ(b.value().find_credential("apiKey")->value, kSecretApiKey);
  EXPECT_FALSE(this->is_primary("a"));
  EXPECT_TRUE(this->is_primary("s"));  // other channel
  EXPECT_TRUE(this->is_primary("x"));  // other environment
  EXPECT_TRUE(this->set_primary("b").ok());  // idempotent
  EXPECT_TRUE(this->is_primary("b"));
}

TYPED_TEST(StoreTest, RemoveIsSoftPromotesNothingAndIsFinal) {
  ASSERT_TRUE(this->create(sample_integration("a", "a")).ok());
  ASSERT_TRUE(this->create(sample_integration("b", "b")).ok());
  const auto removed = this->remove("a");
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_TRUE(removed.value().deleted);
  EXPECT_FALSE(removed.value().active);
  EXPECT_FALSE(removed.value().primary);
  EXPECT_EQ(removed.value().deleted_by, "user-9");
  EXPECT_EQ(removed.value().deleted_at, "2026-11-23T08:00:00.000Z");
  EXPECT_EQ(this->get("a").value(), removed.value());
  EXPECT_FALSE(this->is_primary("b"));
  EXPECT_EQ(this->list().value().size(), 2u);
  EXPECT_EQ(this->remove("a").error().code, kNotFound);
  EXPECT_EQ(this->set_primary("a").error().code, kNotFound);
  EXPECT_EQ(this->update(sample_integration("a", "a")).error().code, kNotFound);
}

TYPED_TEST(StoreTest, EveryWriteBumpsTheEnvironmentVersion) {
  EXPECT_EQ(this->version_of("org-1", "env-1"), 0u);
  ASSERT_TRUE(this->create(sample_integration("a", "a")).ok());
  const auto v1 = this->version_of("org-1", "env-1");
  EXPECT_GE(v1, 1u);
  ASSERT_TRUE(this->update(sample_integration("a", "a")).ok());
  ASSERT_TRUE(this->set_primary("a").ok());
  ASSERT_TRUE(this->remove("a").ok());
  EXPECT_EQ(this->version_of("org-1", "env-1"), v1 + 3);
  EXPECT_EQ(this->version_of("org-1", "env-2"), 0u);
  // A rejected write changes nothing.
  ASSERT_FALSE(this->remove("a").ok());
  EXPECT_EQ(this->version_of("org-1", "env-1"), v1 + 3);
}

TYPED_TEST(StoreTest, InvalidationAfterEachWrite) {
  std::vector<std::pair<std::string, std::string>> seen;
  this->store_->on_invalidation([&](const std::string& org, const std::string& env) { seen.emplace_back(org, env); });
  this->loop_.run_for(100ms);  // let the subscriber (Redis) connect
  ASSERT_TRUE(this->create(sample_integration("a", "a", Channel::kEmail, true, "env-7")).ok());
  ASSERT_TRUE(this->loop_.run_until([&] { return !seen.empty(); }, 2s));
  EXPECT_EQ(seen.front(), std::make_pair(std::string("org-1"), std::string("env-7")));
}

TYPED_TEST(StoreTest, ReopenedStoreSeesEverything) {
  ASSERT_TRUE(this->create(sample_integration("a", "a")).ok());
  ASSERT_TRUE(this->create(sample_integration("b", "b", Channel::kSms)).ok());
  ASSERT_TRUE(this->set_primary("a").ok());
  const auto before = this->list().value();
  this->store_.reset();
  this->store_ = this->backend_.open(this->loop_, this->cipher_);
  const auto after = this->list();
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(after.value(), before);
}

TYPED_TEST(StoreTest, StoredBytesHoldNoPlaintextCredential) {
  ASSERT_TRUE(this->create(sample_integration("a", "a")).ok());
  const std::string raw = this->backend_.raw();
  EXPECT_NE(raw.find("sb1:"), std::string::npos) << raw;
  EXPECT_EQ(raw.find(kSecretApiKey), std::string::npos) << raw;
  EXPECT_NE(raw.find("\"identifier\""), std::string::npos);  // the rest stays readable
}

TYPED_TEST(StoreTest, WrongKeyFailsClearlyWithoutTheValue) {
  ASSERT_TRUE(this->create(sample_integration("a", "a")).ok());
  this->store_.reset();
  if constexpr (std::is_same_v<TypeParam, FileBackend>) {
    try {
      this->backend_.open(this->loop_, cipher(kKeyB));
      FAIL() << "FileStore opened a file encrypted with another key";
    } catch (const std::runtime_error& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("SWITCHBOARD_SECRET_KEY"), std::string::npos) << message;
      EXPECT_EQ(message.find(kSecretApiKey), std::string::npos);
    }
  } else {
    this->store_ = this->backend_.open(this->loop_, cipher(kKeyB));
    const auto listed = this->list();
    ASSERT_FALSE(listed.ok());
    EXPECT_EQ(listed.error().code, kDecryptFailed);
    EXPECT_NE(listed.error().message.find("SWITCHBOARD_SECRET_KEY"), std::string::npos) << listed.error().message;
    EXPECT_EQ(listed.error().message.find(kSecretApiKey), std::string::npos);
    const auto one = this->get("a");
    ASSERT_FALSE(one.ok());
    EXPECT_EQ(one.error().code, kDecryptFailed);
    EXPECT_NE(one.error().message.find("apiKey"), std::string::npos);
  }
  // The previous-key slot opens it.
  this->store_.reset();
  this->store_ = this->backend_.open(this->loop_, cipher(kKeyB, kKeyA));
  const auto rotated = this->get("a");
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  EXPECT_EQ(rotated.value().find_credential("apiKey")->value, kSecretApiKey);
}

TYPED_TEST(StoreTest, ReadsWithoutCredentialsLeaveThemOut) {
  ASSERT_TRUE(this->create(sample_integration("a", "a")).ok());
  ASSERT_TRUE(this->create(sample_integration("b", "b", Channel::kSms)).ok());
  const ReadOptions without{.with_credentials = false};
  const auto get_without = [&](const std::string& id) {
    return this->loop_.template await<Integration>(
        [&](auto done) { this->store_->get("org-1", id, without, done); });
  };
  const auto list_without = [&] {
    return this->loop_.template await<std::vector<Integration>>(
        [&](auto done) { this->store_->list("org-1", "env-1", without, done); });
  };
  // The same integrations as a full read, credentials absent.
  const auto full = this->get("a");
  ASSERT_TRUE(full.ok()) << full.error().message;
  ASSERT_TRUE(full.value().credentials.has_value());
  Integration expected = full.value();
  expected.credentials.reset();
  const auto one = get_without("a");
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_EQ(one.value(), expected);
  const auto listed = list_without();
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed.value().size(), 2u);
  EXPECT_EQ(listed.value()[0], expected);
  EXPECT_FALSE(listed.value()[1].credentials.has_value());
  EXPECT_EQ(get_without("nope").error().code, kNotFound);
  // Flags written by the scripts are merged as in a full read.
  ASSERT_TRUE(this->remove("b").ok());
  const auto removed = get_without("b");
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_TRUE(removed.value().deleted);
  EXPECT_EQ(removed.value().deleted_by, "user-9");

  if constexpr (std::is_same_v<TypeParam, RedisBackend>) {
    // Another key: reads without credentials need no decryption and still work; full
    // reads still fail.
    this->store_.reset();
    this->store_ = this->backend_.open(this->loop_, cipher(kKeyB));
    const auto other_key = get_without("a");
    ASSERT_TRUE(other_key.ok()) << other_key.error().message;
    EXPECT_EQ(other_key.value(), expected);
    EXPECT_TRUE(list_without().ok());
    EXPECT_EQ(this->get("a").error().code, kDecryptFailed);
    EXPECT_EQ(this->list().error().code, kDecryptFailed);
  }
}

TYPED_TEST(StoreTest, WithoutCipherCredentialsAreStoredAsWritten) {
  this->store_.reset();
  this->store_ = this->backend_.open(this->loop_, nullptr);
  ASSERT_TRUE(this->create(sample_integration("a", "a")).ok());
  EXPECT_NE(this->backend_.raw().find(kSecretApiKey), std::string::npos);
  EXPECT_EQ(this->get("a").value().find_credential("tlsOptions")->value, R"({"ciphers":[],"opts":{}})");
}

}  // namespace
}  // namespace switchboard::registry::testing
