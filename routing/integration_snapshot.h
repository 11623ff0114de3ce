#pragma once
// An immutable, indexed set of integrations that routing reads: per (organization,
// environment) and channel, the eligible integrations in selection order with their
// compiled conditions. Integrations of other environments and channels cost nothing per
// decision. Build once, share read-only between threads (std::shared_ptr<const ...>).

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
    ConditionProgram program;  // compiled only for eligible integrations
    std::uint32_t bucket_position = 0;  // index in its bucket's `ordered`, when eligible
  };
  // Eligible (active, not deleted, kind delivery) integrations of one channel.
  struct Bucket {
    FieldTable fields;
    std::vector<std::uint32_t> ordered;  // entry indexes: priority desc, createdAt desc, _id asc
  };
  struct Environment {
    std::string organization_id;
    std::string environment_id;
    std::array<Bucket, kChannelCount> buckets;
    std::vector<std::uint32_t> all;  // every integration of the environment, in input order
  };

  // Integrations keep their input order (explain lists rejections in it).
  static std::shared_ptr<const IntegrationSnapshot> build(std::vector<Integration> integrations);

  const Environment* find(std::string_view organization_id, std::string_view environment_id) const noexcept;
  const Entry& entry(std::uint32_t index) const noexcept { return entries_[index]; }
  std::size_t size() const noexcept { return entries_.size(); }

  const FieldTable* field_table_for(std::string_view organization_id, std::string_view environment_id,
                                    Channel channel) const noexcept override;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  std::vector<Entry> entries_;
  std::vector<Environment> environments_;
  // environment id -> indexes into environments_ (one per organization using that id)
  std::unordered_map<std::string, std::vector<std::uint32_t>, StringHash, std::equal_to<>> by_environment_;
};

// The selection order of contract section 4: priority descending, createdAt descending
// (absent is oldest), _id ascending byte-wise. True when a goes before b.
bool selection_order_before(const Integration& a, const Integration& b) noexcept;

}  // namespace switchboard::routing
