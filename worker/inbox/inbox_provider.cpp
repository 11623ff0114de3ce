#include "worker/inbox/inbox_provider.h"

#include <chrono>

#include "providers/adapters/adapter_support.h"
#include "routing/timestamp.h"
#include "worker/inbox/inbox_stream.h"

namespace switchboard::worker {
namespace {

using providers::DeliveryOutcome;
using providers::OutcomeKind;

std::string now_text() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return routing::format_timestamp_millis(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace

InboxProvider::InboxProvider(boost::asio::io_context& io, registry::RedisOptions options, std::string key_prefix)
    : connection_(io, std::move(options)), prefix_(std::move(key_prefix)) {
  connection_.start();
}

void InboxProvider::send(const providers::DeliveryRequest& request, providers::DeliveryCallback done) {
  const providers::DecodedMessage decoded = providers::decode_message(request);
  if (!decoded.error.empty()) return done(providers::rejected("cannot read the event: " + decoded.error));
  const providers::OutboundMessage& message = decoded.message;
  if (message.subscriber_id.empty() || message.environment_id.empty() || message.organization_id.empty()) {
    return done(providers::rejected("in_app event without subscriber.subscriberId, organizationId or environmentId"));
  }
  const std::string key = inbox_key(prefix_, message.organization_id, message.environment_id, message.subscriber_id);
  connection_.command(inbox_append_command(key, message, request.integration->identifier, now_text()),
                      [done = std::move(done)](Result<registry::RedisReply> reply) {
                        if (!reply) {
                          return done(DeliveryOutcome::failure(OutcomeKind::kRetryable,
                                                               "inbox: redis " + reply.error().code + ": " +
                                                                   reply.error().message));
                        }
                        if (!reply.value().is_string()) {
                          // An error reply (e.g. WRONGTYPE: the key is not a stream), or a
                          // reply XADD never gives.
                          return done(DeliveryOutcome::failure(
                              OutcomeKind::kRetryable,
                              "inbox: redis answered XADD with " +
                                  (reply.value().is_error()
                                       ? reply.value().text
                                       : std::string(registry::reply_type_name(reply.value().type)))));
                        }
                        done(DeliveryOutcome::sent(reply.value().text));
                      });
}

std::shared_ptr<providers::Provider> make_inbox_provider(boost::asio::io_context& io,
                                                         const config::RegistryConfig& registry) {
  if (registry.backend != "redis") return nullptr;
  return std::make_shared<InboxProvider>(io, inbox_redis_options(registry, "inbox"), registry.key_prefix);
}

}  // namespace switchboard::worker
