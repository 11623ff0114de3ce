#pragma once
// The five delivery channels of the contract (section 1).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace switchboard::routing {

enum class Channel : std::uint8_t { kInApp = 0, kEmail, kSms, kChat, kPush };
inline constexpr std::size_t kChannelCount = 5;
inline constexpr std::array<Channel, kChannelCount> kAllChannels = {
    Channel::kInApp, Channel::kEmail, Channel::kSms, Channel::kChat, Channel::kPush};

std::optional<Channel> parse_channel(std::string_view name) noexcept;
std::string_view channel_name(Channel channel) noexcept;

// chat and push deliver to every subscriber channel entry (contract 4.2).
inline constexpr bool is_fan_out(Channel c) noexcept { return c == Channel::kChat || c == Channel::kPush; }
// Only email and sms know primaries (contract 4.1 step b).
inline constexpr bool uses_primary(Channel c) noexcept { return c == Channel::kEmail || c == Channel::kSms; }

}  // namespace switchboard::routing
