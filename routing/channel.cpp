#include "routing/channel.h"

namespace switchboard::routing {

namespace {
constexpr std::array<std::string_view, kChannelCount> kNames = {"in_app", "email", "sms", "chat", "push"};
}

std::optional<Channel> parse_channel(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Channel>(i);
  }
  return std::nullopt;
}

std::string_view channel_name(Channel channel) noexcept { return kNames[static_cast<std::size_t>(channel)]; }

}  // namespace switchboard::routing
