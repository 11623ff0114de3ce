#pragma once
// The provider catalog: which providerId belongs to which channel
// (the "Provider ids" table of shared/notes/providers.md).

#include <span>
#include <string_view>

#include "routing/channel.h"

namespace switchboard::routing {

// True when `provider_id` is a provider of `channel`. Thread-safe, allocation-free.
bool provider_belongs_to(std::string_view provider_id, Channel channel) noexcept;

// Every provider id of a channel, in catalog order.
std::span<const std::string_view> providers_of(Channel channel) noexcept;

}  // namespace switchboard::routing
