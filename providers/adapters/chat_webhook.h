#pragma once
// What the incoming-webhook chat adapters (slack, discord, msteams, mattermost) share: the
// URL they post to and the text they send. Pure functions.
//
// The URL is the subscriber's (fan-out: subscriber.channels[i].credentials.webhookUrl),
// else the integration's credentials.webhookUrl. It is a secret (whoever has it can post):
// it never appears in an outcome's error. credentials.baseUrl replaces its scheme, host and
// port (its own path, if any, is put in front), so tests and load runs reach the sink with
// real-looking subscriber URLs.

#include <string>
#include <variant>

#include "providers/adapters/http_adapter.h"

namespace switchboard::providers {

// The URL to post to, or `rejected` when there is none or it is not an http(s) URL.
std::variant<std::string, DeliveryOutcome> chat_webhook_url(const routing::Integration& integration,
                                                            const OutboundMessage& message);

// content.body, else content.subject ("" when both are empty).
const std::string& chat_text(const OutboundMessage& message);

// POST `url` with a JSON body.
HttpRequest json_post(std::string url, std::string body);

}  // namespace switchboard::providers
