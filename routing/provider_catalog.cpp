#include "routing/provider_catalog.h"

#include <algorithm>
#include <array>

namespace switchboard::routing {

namespace {

constexpr std::array<std::string_view, 1> kInApp = {"novu"};
constexpr std::array<std::string_view, 21> kEmail = {
    "emailjs", "mailgun",  "mailjet",    "mandrill", "nodemailer",    "postmark",   "sendgrid",
    "sendinblue", "ses",   "netcore",    "infobip-email", "resend",   "plunk",      "mailersend",
    "mailtrap", "clickatell", "outlook365", "novu-email", "sparkpost", "email-webhook", "braze"};
constexpr std::array<std::string_view, 31> kSms = {
    "nexmo",         "plivo",        "sms77",      "sms-central",  "sns",        "telnyx",
    "twilio",        "gupshup",      "firetext",   "infobip-sms",  "burst-sms",  "bulk-sms",
    "isend-sms",     "clickatell",   "forty-six-elks", "kannel",   "maqsam",     "termii",
    "africas-talking", "novu-sms",   "sendchamp",  "generic-sms",  "clicksend",  "bandwidth",
    "messagebird",   "simpletexting", "azure-sms", "ring-central", "brevo-sms",  "eazy-sms",
    "mobishastra"};
constexpr std::array<std::string_view, 10> kChat = {"slack",          "discord",   "msteams",    "mattermost",
                                                    "ryver",          "zulip",     "grafana-on-call",
                                                    "getstream",      "rocket-chat", "whatsapp-business"};
constexpr std::array<std::string_view, 7> kPush = {"fcm",          "apns",         "expo",        "one-signal",
                                                   "pushpad",      "push-webhook", "pusher-beams"};

}  // namespace

std::span<const std::string_view> providers_of(Channel channel) noexcept {
  switch (channel) {
    case Channel::kInApp: return kInApp;
    case Channel::kEmail: return kEmail;
    case Channel::kSms: return kSms;
    case Channel::kChat: return kChat;
    case Channel::kPush: return kPush;
  }
  return {};
}

bool provider_belongs_to(std::string_view provider_id, Channel channel) noexcept {
  auto ids = providers_of(channel);
  return std::find(ids.begin(), ids.end(), provider_id) != ids.end();
}

}  // namespace switchboard::routing
