#pragma once
// The in-app inbox's Redis layout, shared by its writer (InboxProvider) and its reader
// (GET /v1/inbox/{subscriberId}, worker/api/inbox_api.h). Pure functions: commands as argv
// and replies decoded into API bodies.
//
// One stream per subscriber: `{registry.key_prefix}inbox:{organizationId}:{environmentId}:
// {subscriberId}` (ids escaped as every registry key: '%' ':' TAB LF CR become %25 %3A %09
// %0A %0D; the organization is part of the key because environment ids are only unique
// within an organization, and a caller only ever sees its own tenant), capped
// at about kInboxMaxLen entries (XADD MAXLEN ~: Redis trims whole macro nodes, so slightly
// more may stay). Entry fields: eventId, transactionId, subject, body, html, title, data
// (content.data as JSON text), createdAt (when the worker wrote it), integration (the
// identifier that delivered it). The stream entry id is the provider message id.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/switchboard_config.h"
#include "providers/adapters/outbound_message.h"
#include "registry/redis_reply.h"
#include "routing/result.h"

namespace switchboard::worker {

inline constexpr std::size_t kInboxMaxLen = 1000;
inline constexpr std::size_t kInboxDefaultLimit = 20;
inline constexpr std::size_t kInboxMaxLimit = 100;

std::string inbox_key(std::string_view key_prefix, std::string_view organization_id, std::string_view environment_id,
                      std::string_view subscriber_id);

// XADD <key> MAXLEN ~ 1000 * eventId .. integration ..; the reply is the new entry id.
std::vector<std::string> inbox_append_command(const std::string& key, const providers::OutboundMessage& message,
                                              std::string_view integration_identifier, std::string_view created_at);

struct InboxPageQuery {
  std::size_t limit = kInboxDefaultLimit;
  std::string before;  // a stream entry id ("1700000000000-0"); empty: from the newest
};

// "limit=N&before=ID" (both optional, any order, other parameters ignored). Error code
// "bad_query" with what to change: limit must be 1..100, before a stream entry id.
Result<InboxPageQuery> parse_inbox_query(std::string_view query);

// XREVRANGE <key> (<before>|+ - COUNT limit+1: newest first, one extra entry to tell
// whether there is a next page.
std::vector<std::string> inbox_page_command(const std::string& key, const InboxPageQuery& query);

// {"data":[{"id": entry id, <fields>...}, ...], "next": entry id | null} from an XREVRANGE
// reply: `data` decoded back to JSON (kept as a string when it is not JSON), `next` the id
// to pass as `before` for the following page. Error code "redis_reply" when the reply is
// not a stream range.
Result<std::string> inbox_page_body(const registry::RedisReply& reply, std::size_t limit);

// The connection settings of registry.redis_url (the Redis the registry and dedup use).
// Startup only: throws std::runtime_error naming the key when the URL is bad.
registry::RedisOptions inbox_redis_options(const config::RegistryConfig& registry, std::string name);

}  // namespace switchboard::worker
