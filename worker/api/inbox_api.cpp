#include "worker/api/inbox_api.h"

#include <spdlog/spdlog.h>

#include "providers/adapters/adapter_support.h"
#include "worker/inbox/inbox_stream.h"
#include "worker/logging.h"

namespace switchboard::api {

InboxApi::InboxApi(boost::asio::io_context& io, registry::RedisOptions options, std::string key_prefix)
    : connection_(io, std::move(options)), prefix_(std::move(key_prefix)) {
  connection_.start();
}

void InboxApi::read(const InboxQuery& query, std::function<void(InboxAnswer)> done) {
  auto page = worker::parse_inbox_query(query.query);
  if (!page) return done(InboxAnswer{400, page.error().message});
  const std::string key = worker::inbox_key(prefix_, query.organization_id, query.environment_id,
                                             providers::percent_decode(query.subscriber_id));
  const std::size_t limit = page.value().limit;
  connection_.command(worker::inbox_page_command(key, page.value()),
                      [limit, done = std::move(done)](Result<registry::RedisReply> reply) {
                        if (!reply) {
                          spdlog::warn(R"("msg":"inbox read failed","code":{},"error":{})",
                                       worker::log_quote(reply.error().code), worker::log_quote(reply.error().message));
                          return done(InboxAnswer{503, "the inbox store is unavailable; retry later"});
                        }
                        auto body = worker::inbox_page_body(reply.value(), limit);
                        if (!body) {
                          spdlog::warn(R"("msg":"inbox read failed","code":{},"error":{})",
                                       worker::log_quote(body.error().code), worker::log_quote(body.error().message));
                          return done(InboxAnswer{500, "internal error: the inbox store answered unexpectedly"});
                        }
                        done(InboxAnswer{200, std::move(body).value()});
                      });
}

InboxHandler InboxApi::handler() {
  return [this](InboxQuery query, std::function<void(InboxAnswer)> done) { read(query, std::move(done)); };
}

}  // namespace switchboard::api
