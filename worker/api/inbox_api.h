#pragma once
// GET /v1/inbox/{subscriberId}?limit=N&before=<entryId>: the read side of the in-app inbox
// (worker/inbox/inbox_stream.h). IntegrationsApi authenticates the request and resolves the
// tenant (from the API key, or the admin's X-Switchboard-* headers), then
// hands it here; the answer is {"data":[{"id", "eventId", ...}], "next": entryId | null},
// newest first.
//
// Not thread-safe: construct, call and destroy on the io_context's thread (the API's store
// thread); answers are called there, posted.

#include <functional>
#include <string>

#include "registry/redis_connection.h"

namespace switchboard::api {

struct InboxQuery {
  std::string organization_id;
  std::string environment_id;
  std::string subscriber_id;  // the path segment as sent (percent-encoded or not)
  std::string query;          // the request's query string, without '?'
};

// 200 with the page in `body`, or an error status (400, 503, 500) with a one-line message.
struct InboxAnswer {
  int status = 200;
  std::string body;
};

using InboxHandler = std::function<void(InboxQuery, std::function<void(InboxAnswer)>)>;

class InboxApi {
 public:
  // Opens its own Redis connection (named "inbox-api"), started now.
  InboxApi(boost::asio::io_context& io, registry::RedisOptions options, std::string key_prefix);

  void read(const InboxQuery& query, std::function<void(InboxAnswer)> done);
  // read() bound to this object, for IntegrationsApiOptions::inbox. This object must outlive it.
  InboxHandler handler();
  // Connected: until then reads answer 503.
  bool is_up() const noexcept { return connection_.is_up(); }

 private:
  registry::RedisConnection connection_;
  std::string prefix_;
};

}  // namespace switchboard::api
