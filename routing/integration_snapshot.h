#pragma once
// An immutable, indexed set of integrations that routing reads: per (organization,
// environment) and channel, the eligible integrations in selection order with their
// compiled conditions. Integrations of other environments and channels cost nothing per
// decision. Environments are built separately and shared between snapshots, so replacing
// one environment (with_environment) rebuilds only that one. Build once, then share
// read-only between threads (std::shared_ptr<const IntegrationSnapshot>).

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "routing/condition_program.h"
#include "routing/event_parser.h"
#include "routing/field_table.h"
#include "routing/integration.h"

namespace switchboard::routing {

class IntegrationSnapshot final : public FieldTableSource {
 public:
  struct Entry {
    Integration integration;
    ConditionProgram program;           // compiled only for eligible integrations
    std::uint32_t bucket_position = 0;  // index in its bucket's `ordered`, when eligible
  };
  // Eligible (active, not deleted, kind delivery) integrations of one channel.
  struct Bucket {
    FieldTable fields;
    std::vector<std::uint32_t> ordered;  // local entry indexes: priority desc, createdAt desc, _id asc
  };
  struct Environment {
    std::string organization_id;
    std::string environment_id;
    std::vector<Entry> entries;  // input order
    std::array<Bucket, kChannelCount> buckets;

    // Builds one environment; every integration must carry its organization and environment.
    static std::shared_ptr<const Environment> build(std::string organization_id, std::string environment_id,
                                                    std::vector<Integration> integrations);
  };
  // An environment and the snapshot-wide index of its first entry.
  struct EnvironmentRef {
    const Environment* environment = nullptr;
    std::uint32_t base = 0;
    explicit operator bool() const noexcept { return environment != nullptr; }
  };

  // Integrations keep their input order within their environment (explain lists
  // rejections in it).
  static std::shared_ptr<const IntegrationSnapshot> build(std::vector<Integration> integrations);

  // A new snapshot equal to this one except for (organization, environment), which gets
  // `integrations` (an empty list removes the environment). Other environments are shared.
  std::shared_ptr<const IntegrationSnapshot> with_environment(const std::string& organization_id,
                                                              const std::string& environment_id,
                                                              std::vector<Integration> integrations) const;

  EnvironmentRef find(std::string_view organization_id, std::string_view environment_id) const noexcept;
  // Snapshot-wide entry index (Candidate::entry, Rejection::entry).
  const Entry& entry(std::uint32_t index) const noexcept { return *entries_[index]; }
  std::size_t size() const noexcept { return entries_.size(); }
  std::size_t environment_count() const noexcept { return environments_.size(); }

  const FieldTable* field_table_for(std::string_view organization_id, std::string_view environment_id,
                                    Channel channel) const noexcept override;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  static std::shared_ptr<const IntegrationSnapshot> assemble(
      std::vector<std::shared_ptr<const Environment>> environments);

  std::vector<std::shared_ptr<const Environment>> environments_;
  std::vector<std::uint32_t> bases_;      // per environment: index of its first entry in entries_
  std::vector<const Entry*> entries_;
  // environment id -> indexes into environments_ (one per organization using that id)
  std::unordered_map<std::string, std::vector<std::uint32_t>, StringHash, std::equal_to<>> by_environment_;
};

// The selection order of contract section 4: priority descending, createdAt descending
// (absent is oldest), _id ascending byte-wise. True when a goes before b.
bool selection_order_before(const Integration& a, const Integration& b) noexcept;

}  // namespace switchboard::routing
