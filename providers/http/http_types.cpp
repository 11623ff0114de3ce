#include "providers/http/http_types.h"

#include <array>
#include <cctype>
#include <algorithm>
#include <charconv>

namespace switchboard::providers {
namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) noexcept { return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f'); }

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

UrlParse url_error(std::string message) { return {std::nullopt, std::move(message)}; }

}  // namespace

std::string Url::host_header() const {
  std::string out;
  out.reserve(host.size() + 8);
  if (ipv6_literal) {
    out.push_back('[');
    out += host;
    out.push_back(']');
  } else {
    out += host;
  }
  if (port != (tls ? 443 : 80)) {
    out.push_back(':');
    out += std::to_string(port);
  }
  return out;
}

std::string Url::origin() const {
  std::string out(scheme());
  out += "://";
  if (ipv6_literal) {
    out += '[' + host + ']';
  } else {
    out += host;
  }
  out.push_back(':');
  out += std::to_string(port);
  return out;
}

UrlParse parse_url(std::string_view text) {
  const std::size_t colon = text.find("://");
  if (colon == std::string_view::npos) return url_error("not an absolute URL (expected http:// or https://)");
  Url url;
  const std::string_view scheme = text.substr(0, colon);
  if (iequals(scheme, "https")) {
    url.tls = true;
  } else if (!iequals(scheme, "http")) {
    return url_error("unsupported scheme '" + std::string(scheme) + "' (expected http or https)");
  }
  std::string_view rest = text.substr(colon + 3);
  const std::size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return url_error("user info in URLs is not supported; pass credentials in a header");
  }

  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return url_error("unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    if (host.empty() || host.find(':') == std::string_view::npos) return url_error("bad IPv6 literal");
    for (char c : host) {
      if (!is_hex(c) && c != ':' && c != '.') return url_error("bad IPv6 literal");
    }
    url.ipv6_literal = true;
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return url_error("unexpected characters after the IPv6 literal");
      port_text = after.substr(1);
    }
  } else {
    const std::size_t port_colon = authority.find(':');
    host = authority.substr(0, port_colon);
    if (port_colon != std::string_view::npos) port_text = authority.substr(port_colon + 1);
    for (char c : host) {
      if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_') {
        return url_error("bad character in host name");
      }
    }
  }
  if (host.empty()) return url_error("empty host");
  url.host.reserve(host.size());
  for (char c : host) url.host.push_back(lower(c));

  url.port = url.tls ? 443 : 80;
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      return url_error("bad port '" + std::string(port_text) + "'");
    }
    url.port = static_cast<std::uint16_t>(value);
  }

  // Path and query; the fragment is never sent.
  rest = rest.substr(0, rest.find('#'));
  for (char c : rest) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return url_error("URL path contains a space or control character (percent-encode it)");
    }
  }
  if (rest.empty() || rest.front() == '?') url.target = "/";
  url.target += rest;
  return {std::move(url), {}};
}

std::string_view http_method_name(HttpMethod method) noexcept {
  static constexpr std::array<std::string_view, 6> kNames = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
  return kNames[static_cast<std::size_t>(method)];
}

const std::string* HttpResponse::header(std::string_view lower_name) const noexcept {
  for (const HttpHeaderField& field : headers) {
    if (field.name == lower_name) return &field.value;
  }
  return nullptr;
}

std::string_view transport_error_kind_name(TransportErrorKind kind) noexcept {
  static constexpr std::array<std::string_view, 9> kNames = {
      "timeout", "connect", "tls", "reset", "dns", "protocol", "overloaded", "cancelled", "invalid_request"};
  return kNames[static_cast<std::size_t>(kind)];
}

// ---------------------------------------------------------------------------------------
// Retry-After

namespace {

// Reads a run of 1..max_digits digits.
bool read_number(std::string_view& s, std::size_t min_digits, std::size_t max_digits, int& out) {
  std::size_t n = 0;
  int value = 0;
  while (n < s.size() && n < max_digits && is_digit(s[n])) {
    value = value * 10 + (s[n] - '0');
    ++n;
  }
  if (n < min_digits) return false;
  s.remove_prefix(n);
  out = value;
  return true;
}

bool read_char(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

void skip_spaces(std::string_view& s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
}

bool read_month(std::string_view& s, int& month) {
  static constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                              "jul", "aug", "sep", "oct", "nov", "dec"};
  if (s.size() < 3) return false;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (iequals(s.substr(0, 3), kMonths[i])) {
      month = static_cast<int>(i) + 1;
      s.remove_prefix(3);
      return true;
    }
  }
  return false;
}

bool read_time(std::string_view& s, int& h, int& m, int& sec) {
  return read_number(s, 2, 2, h) && read_char(s, ':') && read_number(s, 2, 2, m) && read_char(s, ':') &&
         read_number(s, 2, 2, sec) && h <= 23 && m <= 59 && sec <= 60;  // 60: a leap second
}

// The three HTTP-date forms of RFC 9110 section 5.6.7, as seconds since the epoch.
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view s) {
  // Day name: "Sun," (IMF-fixdate), "Sunday," (RFC 850) or "Sun" (asctime).
  std::size_t name = 0;
  while (name < s.size() && is_alpha(s[name])) ++name;
  if (name < 3) return std::nullopt;
  s.remove_prefix(name);
  const bool comma = read_char(s, ',');
  skip_spaces(s);
  int year = 0, month = 0, day = 0, h = 0, m = 0, sec = 0;
  if (comma) {
    // "06 Nov 1994 08:49:37 GMT" or "06-Nov-94 08:49:37 GMT"
    if (!read_number(s, 1, 2, day)) return std::nullopt;
    const bool dashes = read_char(s, '-');
    if (!dashes && !read_char(s, ' ')) return std::nullopt;
    if (!read_month(s, month)) return std::nullopt;
    if (!read_char(s, dashes ? '-' : ' ')) return std::nullopt;
    const std::size_t before = s.size();
    if (!read_number(s, 2, 4, year)) return std::nullopt;
    const std::size_t digits = before - s.size();
    if (digits == 2) {
      year += year < 70 ? 2000 : 1900;  // RFC 850's two-digit years
    } else if (digits != 4) {
      return std::nullopt;
    }
    if (!read_char(s, ' ') || !read_time(s, h, m, sec)) return std::nullopt;
    skip_spaces(s);
    if (!iequals(s, "GMT") && !iequals(s, "UTC")) return std::nullopt;
  } else {
    // asctime: "Nov  6 08:49:37 1994"
    if (!read_month(s, month)) return std::nullopt;
    skip_spaces(s);
    if (!read_number(s, 1, 2, day) || !read_char(s, ' ') || !read_time(s, h, m, sec) || !read_char(s, ' ') ||
        !read_number(s, 4, 4, year) || !s.empty()) {
      return std::nullopt;
    }
  }
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{m} + seconds{sec};
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (is_digit(value.front())) {
    // delta-seconds; absurd values are clamped to a year rather than overflowing.
    constexpr std::int64_t kMaxSeconds = 365LL * 24 * 3600;
    std::int64_t seconds = 0;
    for (char c : value) {
      if (!is_digit(c)) return std::nullopt;
      seconds = std::min<std::int64_t>(seconds * 10 + (c - '0'), kMaxSeconds);
    }
    return std::chrono::milliseconds{seconds * 1000};
  }
  const auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  const auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(*date - now);
  return delta.count() > 0 ? delta : std::chrono::milliseconds{0};
}

// ---------------------------------------------------------------------------------------
// Outcomes

DeliveryOutcome outcome_from_http(const HttpResult& result) {
  return outcome_from_http(result, std::chrono::system_clock::now());
}

DeliveryOutcome outcome_from_http(const HttpResult& result, std::chrono::system_clock::time_point now) {
  if (!result.ok()) {
    const TransportError& error = result.error();
    const OutcomeKind kind =
        error.kind == TransportErrorKind::kInvalidRequest ? OutcomeKind::kPermanent : OutcomeKind::kRetryable;
    std::string text(transport_error_kind_name(error.kind));
    text += ": ";
    text += error.message;
    return DeliveryOutcome::failure(kind, std::move(text));
  }
  const HttpResponse& response = result.response();
  const OutcomeKind kind = classify_http_status(response.status);
  if (kind == OutcomeKind::kSent) {
    const std::string* id = response.header("x-message-id");
    DeliveryOutcome outcome = DeliveryOutcome::sent(id ? *id : std::string{});
    outcome.http_status = response.status;
    return outcome;
  }
  // A short excerpt of the provider's answer helps the operator; keep it to one line.
  constexpr std::size_t kExcerpt = 160;
  std::string text = "HTTP " + std::to_string(response.status);
  if (!response.body.empty()) {
    text += ": ";
    std::size_t n = std::min(response.body.size(), kExcerpt);
    // Do not cut a UTF-8 sequence in half.
    while (n < response.body.size() && n > 0 && (static_cast<unsigned char>(response.body[n]) & 0xC0) == 0x80) --n;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = response.body[i];
      text.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
    }
    if (response.body.size() > kExcerpt) text += "...";
  }
  DeliveryOutcome outcome = DeliveryOutcome::failure(kind, std::move(text), response.status);
  if (const std::string* retry_after = response.header("retry-after")) {
    outcome.retry_after = parse_retry_after(*retry_after, now);
  }
  return outcome;
}

}  // namespace switchboard::providers
