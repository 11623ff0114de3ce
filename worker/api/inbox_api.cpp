#include "worker/api/inbox_api.h"

#include <spdlog/spdlog.h>

#include "worker/inbox/inbox_stream.h"
#include "worker/logging.h"

namespace switchboard::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX sequences decoded; a malformed one is kept as it is.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

InboxApi::InboxApi(boost::asio::io_context& io, registry::RedisOptions options, std::string key_prefix)
    : connection_(io, std::move(options)), prefix_(std::move(key_prefix)) {
  connection_.start();
}

void InboxApi::read(const InboxQuery& query, std::function<void(InboxAnswer)> done) {
  auto page = worker::parse_inbox_query(query.query);
  if (!page) return done(InboxAnswer{400, page.error().message});
  const std::string key = worker::inbox_key(prefix_, query.organization_id, query.environment_id,
                                             percent_decode(query.subscriber_id));
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
