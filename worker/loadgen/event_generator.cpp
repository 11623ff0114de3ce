#include "worker/loadgen/event_generator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace switchboard::loadgen {
namespace {

std::string json_quoted(const std::string& text) { return nlohmann::json(text).dump(); }

std::vector<double> weights_of(const std::vector<Weighted>& items) {
  std::vector<double> out;
  for (const auto& i : items) out.push_back(i.weight);
  return out;
}

// A stable per-subscriber hash, so a subscriber keeps its locale, tier and phone.
std::uint64_t mix_bits(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The top 53 bits of `bits` as a double in [0, 1).
double unit_of(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

constexpr std::string_view kWords[] = {"order", "shipped", "tracking", "parcel", "delivery", "window", "courier",
                                       "invoice", "payment", "receipt", "account", "settings", "summer", "sale"};

std::string body_text(std::size_t bytes) {
  std::string out;
  for (std::size_t i = 0; out.size() < bytes; ++i) {
    if (!out.empty()) out += ' ';
    out += kWords[(i * 7 + 3) % std::size(kWords)];
  }
  out.resize(bytes);
  return out;
}

}  // namespace

void append_iso_ms(std::string& out, std::int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(unix_ms)};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                              static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                              static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  out.append(buf, static_cast<std::size_t>(n));
}

std::size_t EventGenerator::Table::draw(std::mt19937_64& rng) const {
  if (cumulative.size() <= 1) return 0;
  return pick(std::generate_canonical<double, 53>(rng));
}

std::size_t EventGenerator::Table::pick(double unit) const {
  if (cumulative.size() <= 1) return 0;
  const double x = unit * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
  return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

EventGenerator::Table EventGenerator::table_of(const std::vector<double>& weights) {
  Table t;
  double sum = 0;
  for (const double w : weights) t.cumulative.push_back(sum += w);
  return t;
}

EventGenerator::EventGenerator(const Mix& mix, EventIds ids, std::uint64_t seed)
    : mix_(mix), ids_(std::move(ids)), rng_(seed) {
  // Every string from the mix is JSON-quoted once here, so next() only concatenates.
  mix_.organization_id = json_quoted(mix_.organization_id);
  mix_.environment_id = json_quoted(mix_.environment_id);
  for (auto& c : mix_.channels) channel_names_.push_back(c.value);
  channel_names_.push_back("invalid");
  for (auto& t : mix_.tenants) t.identifier = t.identifier.empty() ? "" : json_quoted(t.identifier);
  if (mix_.payloads.empty()) mix_.payloads.push_back(PayloadShape{});
  for (const auto& p : mix_.payloads) bodies_.push_back(json_quoted(body_text(p.body_bytes)));
  for (auto* list : {&mix_.locales, &mix_.tiers, &mix_.chat.providers, &mix_.push.providers}) {
    for (auto& w : *list) w.value = json_quoted(w.value);
  }
  if (mix_.locales.empty()) mix_.locales.push_back({json_quoted("en"), 1});
  if (mix_.phones.empty()) mix_.phones.push_back("+15550123");
  for (auto& p : mix_.phones) p = json_quoted(p);
  channels_ = table_of(weights_of(mix_.channels));
  std::vector<double> tenant_weights;
  for (const auto& t : mix_.tenants) tenant_weights.push_back(t.weight);
  tenants_ = table_of(tenant_weights);
  std::vector<double> payload_weights;
  for (const auto& p : mix_.payloads) payload_weights.push_back(p.weight);
  payloads_ = table_of(payload_weights);
  locales_ = table_of(weights_of(mix_.locales));
  tiers_ = table_of(weights_of(mix_.tiers));
  chat_providers_ = table_of(weights_of(mix_.chat.providers));
  push_providers_ = table_of(weights_of(mix_.push.providers));
}

void EventGenerator::append_subscriber(std::string& out, std::uint64_t subscriber, std::string_view channel) {
  const std::uint64_t h = mix_bits(subscriber);
  out += R"("subscriber":{"subscriberId":"sub-)";
  out += std::to_string(subscriber);
  out += R"(","email":"user)";
  out += std::to_string(subscriber);
  out += R"(@load.test","phone":)";
  out += mix_.phones[h % mix_.phones.size()];
  out += R"(,"firstName":"Ada","locale":)";
  // Locale and tier follow the weights across subscribers, fixed per subscriber: drawn
  // from further hashes of the subscriber (seeding a generator per event cost more than
  // building the rest of the event).
  out += mix_.locales[locales_.pick(unit_of(mix_bits(h ^ 1)))].value;
  out += R"(,"data":{)";
  if (!mix_.tiers.empty()) {
    out += R"("tier":)";
    out += mix_.tiers[tiers_.pick(unit_of(mix_bits(h ^ 2)))].value;
  }
  out += '}';
  if (channel == "chat") append_channels(out, mix_.chat, chat_providers_, true);
  if (channel == "push") append_channels(out, mix_.push, push_providers_, false);
  out += '}';
}

void EventGenerator::append_channels(std::string& out, const FanOut& fan_out, const Table& providers, bool chat) {
  if (fan_out.max_targets == 0) return;
  const int n = std::uniform_int_distribution<int>(fan_out.min_targets, fan_out.max_targets)(rng_);
  out += R"(,"channels":[)";
  for (int i = 0; i < n; ++i) {
    if (i) out += ',';
    out += R"({"providerId":)";
    out += fan_out.providers[providers.draw(rng_)].value;
    // Distinct credentials per entry: identical entries would count as one target.
    out += chat ? R"(,"credentials":{"webhookUrl":"https://hooks.load.test/)"
                : R"(,"credentials":{"deviceTokens":["tok-)";
    out += std::to_string(i);
    out += chat ? R"("}})" : R"("]}})";
  }
  out += ']';
}

GeneratedEvent EventGenerator::next(std::uint64_t sequence, std::int64_t created_unix_ms, std::string& out) {
  out.clear();
  GeneratedEvent g;
  g.invalid = mix_.invalid_share > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < mix_.invalid_share;
  g.channel = g.invalid ? invalid_channel() : static_cast<std::uint32_t>(channels_.draw(rng_));
  const std::uint64_t invalid_kind = g.invalid ? invalid_count_++ % 3 : 0;
  const std::string_view channel =
      g.invalid ? std::string_view(invalid_kind == 0 ? "fax" : "push") : std::string_view(channel_names_[g.channel]);
  const std::uint64_t subscriber = std::uniform_int_distribution<std::uint64_t>(0, mix_.subscribers - 1)(rng_);

  out += R"({"id":")";
  ids_.append(out, sequence);
  out += R"(","organizationId":)";
  out += mix_.organization_id;
  out += R"(,"environmentId":)";
  out += mix_.environment_id;
  out += R"(,"channel":")";
  out += channel;
  out += R"(","transactionId":"txn-)";
  out += std::to_string(sequence);
  out += "\",";
  if (invalid_kind == 1) {
    out += R"("subscriber":"sub-)" + std::to_string(subscriber) + '"';
  } else if (invalid_kind == 2) {
    out += R"("subscriber":{"subscriberId":"s","channels":{"providerId":"fcm"}})";
  } else {
    append_subscriber(out, subscriber, channel);
  }
  if (!mix_.tenants.empty()) {
    const TenantShape& t = mix_.tenants[tenants_.draw(rng_)];
    if (!t.identifier.empty()) {
      out += R"(,"tenant":{"identifier":)";
      out += t.identifier;
      out += R"(,"data":)";
      out += t.data_json;
      out += '}';
    }
  }
  const std::size_t shape = payloads_.draw(rng_);
  out += R"(,"payload":)";
  out += mix_.payloads[shape].payload_json;
  out += R"(,"content":{"subject":"Your order","title":"Order update","body":)";
  out += bodies_[shape];
  out += R"(},"createdAt":")";
  append_iso_ms(out, created_unix_ms);
  out += "\"}";
  return g;
}

}  // namespace switchboard::loadgen
