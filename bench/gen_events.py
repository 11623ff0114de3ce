#!/usr/bin/env python3
"""Inputs for bench/explain_batch.sh (routing, issue 3), deterministic (fixed seeds).

  gen_events.py --integrations OUT.json      the 50 email integrations of BM_RouteDecision/50
  gen_events.py --events OUT.jsonl [--lines N]  N (default 100000) event lines of ~1 KB

The integrations mirror bench/route_bench.cpp exactly (same splitmix64 RNG, same call
order), so the batch routes against the set the micro-benchmarks use; --check FILE
compares a file with them. Events are mostly email (org-bench/env-bench, whose 50
integrations they are routed against) and sms, some push/chat/in_app, and ~2% invalid
lines (not JSON, missing or mistyped fields). Their values vary around those of the
benchmark's event, so the integrations' conditions pass for some events and not others.
"""

import argparse
import json
import sys

MASK = (1 << 64) - 1


class Rng:
    """splitmix64, as in route_bench.cpp."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def percent(self, p):
        return self.below(100) < p


ORG = "org-bench"
ENV = "env-bench"

# (on, path, kind, value) as in route_bench.cpp's field_pool(), same order.
POOL = [
    ("payload", "amount", "number", 129.99),
    ("payload", "currency", "string", "EUR"),
    ("payload", "country", "string", "DE"),
    ("payload", "campaign", "string", "spring-sale"),
    ("payload", "isTest", "bool", False),
    ("payload", "order.id", "string", "ord-55312"),
    ("payload", "order.total", "number", 129.99),
    ("payload", "order.items", "number", 3),
    ("payload", "order.status", "string", "paid"),
    ("payload", "order.tags", "array", ["gift", "express"]),
    ("payload", "order.shipping.method", "string", "express"),
    ("payload", "order.shipping.country", "string", "DE"),
    ("subscriber", "email", "string", "ada.lovelace@example.org"),
    ("subscriber", "locale", "string", "de-DE"),
    ("subscriber", "firstName", "string", "Ada"),
    ("subscriber", "data.tier", "string", "gold"),
    ("subscriber", "data.signupYear", "number", 2019),
    ("subscriber", "data.score", "number", 87.5),
    ("subscriber", "data.tags", "array", ["beta", "newsletter", "vip"]),
    ("tenant", "identifier", "string", "acme"),
    ("tenant", "data.plan", "string", "pro"),
    ("tenant", "data.region", "string", "eu-central"),
    ("tenant", "data.seats", "number", 120),
    ("payload", "coupon.code", "missing", None),
    ("payload", "order.giftWrap", "missing", None),
    ("subscriber", "data.vipLevel", "missing", None),
    ("tenant", "data.contract", "missing", None),
]

OTHER_WORDS = ["USD", "silver", "winter-sale", "fr-FR", "enterprise", "us-west", "pending", "standard"]


def other_word(rng, avoid):
    while True:
        w = OTHER_WORDS[rng.below(len(OTHER_WORDS))]
        if w not in avoid:
            return w


def num(v):
    """C's "%.10g"."""
    return "%.10g" % v


def make_child(kind, value, want, rng):
    if kind == "string":
        ops = ["EQUAL", "NOT_EQUAL", "IN", "NOT_IN", "ANY_IN", "ALL_IN", "LIKE", "NOT_LIKE", "LARGER",
               "SMALLER_EQUAL", "IS_DEFINED"]
        op = ops[rng.below(len(ops) if want else len(ops) - 1)]
        s = value
        alt = other_word(rng, s)
        part = s[1:1 + min(4, len(s) - 1)]
        if op == "EQUAL": return op, s if want else alt
        if op == "NOT_EQUAL": return op, alt if want else s
        if op == "IN": return op, part if want else alt
        if op == "NOT_IN": return op, alt if want else part
        if op == "ANY_IN":
            alt2 = other_word(rng, s)
            return op, (alt + ", " + s + ", " + alt2) if want else (alt + ", " + alt2)
        if op == "ALL_IN": return op, s if want else s + "," + alt
        if op == "LIKE": return op, s[:2] + "%" if want else "%" + alt + "%"
        if op == "NOT_LIKE": return op, "%" + alt + "%" if want else s[:2] + "%"
        if op == "LARGER": return op, "A" if want else "~"
        if op == "SMALLER_EQUAL": return op, "~" if want else "A"
        return op, None
    if kind == "number":
        ops = ["EQUAL", "NOT_EQUAL", "LARGER", "SMALLER", "LARGER_EQUAL", "SMALLER_EQUAL", "BETWEEN",
               "NOT_BETWEEN", "ANY_IN", "IS_DEFINED"]
        op = ops[rng.below(len(ops) if want else len(ops) - 1)]
        n = value
        inside = num(n - 5) + "," + num(n + 5)
        outside = num(n + 1) + ", " + num(n + 50)
        if op == "EQUAL": return op, num(n if want else n + 1)
        if op == "NOT_EQUAL": return op, num(n + 1 if want else n)
        if op == "LARGER": return op, num(n - 1 if want else n)
        if op == "SMALLER": return op, num(n + 1 if want else n)
        if op == "LARGER_EQUAL": return op, num(n if want else n + 1)
        if op == "SMALLER_EQUAL": return op, num(n if want else n - 1)
        if op == "BETWEEN": return op, inside if want else outside
        if op == "NOT_BETWEEN": return op, outside if want else inside
        if op == "ANY_IN": return op, ("-1, " + num(n) + ", -2") if want else "-1,-2,-3"
        return op, None
    if kind == "bool":
        ops = ["EQUAL", "NOT_EQUAL", "IS_DEFINED"]
        op = ops[rng.below(len(ops) if want else len(ops) - 1)]
        equal = (op == "EQUAL") == want
        if op == "IS_DEFINED":
            return op, None
        b = value if equal else not value
        return op, "true" if b else "false"
    if kind == "array":
        ops = ["IN", "NOT_IN", "ANY_IN", "ALL_IN", "IS_DEFINED"]
        op = ops[rng.below(len(ops) if want else len(ops) - 1)]
        element = value[rng.below(len(value))]
        alt = other_word(rng, "")
        if op == "IN": return op, element if want else alt
        if op == "NOT_IN": return op, alt if want else element
        if op == "ANY_IN":
            alt2 = other_word(rng, "")
            return op, (alt + "," + element) if want else (alt + "," + alt2)
        if op == "ALL_IN": return op, (value[0] + "," + value[-1]) if want else (element + "," + alt)
        return op, None
    # missing
    passing = ["NOT_EQUAL", "NOT_IN", "NOT_LIKE", "NOT_BETWEEN"]
    failing = ["EQUAL", "IN", "LIKE", "LARGER", "ANY_IN", "IS_DEFINED", "BETWEEN"]
    op = passing[rng.below(len(passing))] if want else failing[rng.below(len(failing))]
    if op == "IS_DEFINED": return op, None
    if op in ("NOT_BETWEEN", "BETWEEN"): return op, "1,10"
    if op in ("NOT_LIKE", "LIKE"): return op, "%" + other_word(rng, "") + "%"
    if op == "LARGER": return op, "0"
    return op, other_word(rng, "")


PASS_PERCENT = 5


def make_conditions(passing, rng):
    group_count = 1 + rng.below(3)
    passing_group = rng.below(group_count) if passing else -1
    groups = []
    for g in range(group_count):
        group_result = g == passing_group
        negated = rng.percent(10)
        inner = group_result != negated
        is_and = rng.percent(70)
        child_count = 2 + rng.below(3)
        wants = []
        for _ in range(child_count):
            wants.append((inner or rng.percent(60)) if is_and else (inner and rng.percent(30)))
        if is_and and not inner and all(wants):
            wants[rng.below(child_count)] = False
        if not is_and and inner and not any(wants):
            wants[rng.below(child_count)] = True
        children = []
        for c in range(child_count):
            on, path, kind, value = POOL[rng.below(len(POOL))]
            op, v = make_child(kind, value, wants[c], rng)
            child = {"field": path}
            if v is not None:
                child["value"] = v
            child["operator"] = op
            child["on"] = on
            children.append(child)
        groups.append({"isNegated": negated, "type": "GROUP", "value": "AND" if is_and else "OR",
                       "children": children})
    return groups


PROVIDERS = {
    "email": ["sendgrid", "mailgun", "ses", "postmark", "resend", "mailjet", "sparkpost", "mailersend"],
    "sms": ["twilio", "nexmo", "plivo", "sns", "telnyx"],
    "chat": ["slack", "discord", "msteams"],
    "push": ["fcm", "apns", "expo"],
}

EVENT_ENV_SEED = 0x51574348424F4152


def email_integrations(count=50):
    """append_environment(out, 0, "env-bench", count, mixed=false, kEventEnvSeed) of route_bench.cpp."""
    rng = Rng(EVENT_ENV_SEED)
    out = []
    has_primary = set()
    for k in range(count):
        channel = "email"
        conditioned = k % 2 == 1
        identifier = "%s-%s-%d" % (ENV, channel, k)
        month = 1 + rng.below(12)
        day = 1 + rng.below(28)
        hour = rng.below(24)
        minute = rng.below(60)
        providers = PROVIDERS[channel]
        provider = providers[rng.below(len(providers))]
        priority = rng.below(4)
        integration = {
            "_id": "%08x%016x" % (0, k),
            "_environmentId": ENV,
            "_organizationId": ORG,
            "name": identifier,
            "identifier": identifier,
            "providerId": provider,
            "channel": channel,
            "kind": "delivery",
            "credentials": {"apiKey": "key-%d" % k, "from": "noreply@example.org", "senderName": "Bench"},
            "active": True,
            "deleted": False,
            "primary": (not conditioned) and channel not in has_primary,
            "priority": priority,
            "createdAt": "2025-%02d-%02dT%02d:%02d:00.000Z" % (month, day, hour, minute),
        }
        if not conditioned:
            has_primary.add(channel)
            integration["conditions"] = []
        else:
            integration["conditions"] = make_conditions(rng.percent(PASS_PERCENT), rng)
        out.append(integration)
    return out


# ---- events -----------------------------------------------------------------------------

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Radia", "Linus"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Perlman"]
LOCALES = ["de-DE", "en-GB", "en-US", "fr-FR", "es-ES", "it-IT"]
COUNTRIES = ["DE", "FR", "GB", "US", "ES", "IT", "NL"]
CURRENCIES = ["EUR", "USD", "GBP"]
TIERS = ["gold", "silver", "bronze", "free"]
TAGS = ["beta", "newsletter", "vip", "early", "churn-risk"]
ORDER_TAGS = ["gift", "express", "fragile", "bulk"]
STATUSES = ["paid", "pending", "shipped", "refunded"]
METHODS = ["express", "standard", "pickup"]
CAMPAIGNS = ["spring-sale", "winter-sale", "black-friday", "none"]
PLANS = ["pro", "free", "enterprise", "team"]
REGIONS = ["eu-central", "us-west", "eu-west", "ap-south"]
TENANTS = ["acme", "globex", "initech", "umbrella", "hooli"]


def pick(rng, items):
    return items[rng.below(len(items))]


def money(rng):
    return round(rng.below(50000) / 100 + 1, 2)


def make_event(n, rng):
    r = rng.below(100)
    channel = "email" if r < 70 else "sms" if r < 90 else "push" if r < 95 else "chat" if r < 98 else "in_app"
    first, last = pick(rng, FIRST), pick(rng, LAST)
    order_id = "ord-%05d" % rng.below(100000)
    items = 1 + rng.below(9)
    total = money(rng)
    currency = pick(rng, CURRENCIES)
    subscriber = {
        "subscriberId": "sub-%06d" % rng.below(1000000),
        "email": "%s.%s@example.org" % (first.lower(), last.lower()),
        "phone": "+49151%08d" % rng.below(100000000),
        "firstName": first,
        "lastName": last,
        "locale": pick(rng, LOCALES),
        "data": {
            "tier": pick(rng, TIERS),
            "signupYear": 2010 + rng.below(16),
            "score": rng.below(1000) / 10,
            "tags": [pick(rng, TAGS) for _ in range(1 + rng.below(3))],
        },
    }
    if channel in ("chat", "push"):
        if channel == "chat":
            subscriber["channels"] = [{"providerId": "slack", "integrationIdentifier": "slack-main",
                                       "credentials": {"webhookUrl": "https://hooks.example/T%d" % rng.below(1000)}}]
        else:
            subscriber["channels"] = [{"providerId": "fcm", "credentials": {
                "deviceTokens": ["tok-%08x" % rng.below(1 << 32), "tok-%08x" % rng.below(1 << 32)]}}]
    event = {
        "id": "evt-%07d" % n,
        "organizationId": ORG,
        "environmentId": ENV,
        "channel": channel,
        "transactionId": "txn-%08x" % rng.below(1 << 32),
        "subscriber": subscriber,
    }
    if rng.percent(90):
        event["tenant"] = {"identifier": pick(rng, TENANTS), "name": "Tenant Ltd",
                           "data": {"plan": pick(rng, PLANS), "region": pick(rng, REGIONS),
                                    "seats": 1 + rng.below(500)}}
    event["payload"] = {
        "amount": total,
        "currency": currency,
        "country": pick(rng, COUNTRIES),
        "campaign": pick(rng, CAMPAIGNS),
        "isTest": rng.percent(5),
        "order": {"id": order_id, "total": total, "items": items, "status": pick(rng, STATUSES),
                  "tags": [pick(rng, ORDER_TAGS) for _ in range(rng.below(3))],
                  "shipping": {"method": pick(rng, METHODS), "country": pick(rng, COUNTRIES),
                               "eta": "2026-11-%02d" % (1 + rng.below(28))}},
    }
    if channel == "email":
        event["content"] = {
            "subject": "Your order %s has shipped" % order_id,
            "body": ("Hi %s, good news: your order %s (%d items, %s %.2f) is on its way with express shipping "
                     "and should arrive soon. Track it any time from your account." % (first, order_id, items,
                                                                                        currency, total)),
            "html": ("<html><body><h1>Your order has shipped</h1><p>Hi %s,</p><p>Good news: your order "
                     "<b>%s</b> (%d items, %s %.2f) is on its way.</p><p><a href=\"https://shop.example.org/"
                     "orders/%s\">Track your order</a></p></body></html>" % (first, order_id, items, currency,
                                                                             total, order_id)),
        }
    else:
        event["content"] = {
            "title": "Order %s shipped" % order_id,
            "body": ("Hi %s, your order %s (%d items, %s %.2f) is on its way. It should arrive within a few "
                     "days; track it in the app or on the website any time you like." % (first, order_id, items,
                                                                                        currency, total)),
            "data": {"deepLink": "app://orders/%s" % order_id, "campaign": "shipping-update"},
        }
    if rng.percent(3):
        event["overrides"] = {"providerId": "sendgrid"} if channel == "email" else {"senderName": "Shop"}
    event["createdAt"] = "2026-11-22T10:%02d:%02d.%03dZ" % (rng.below(60), rng.below(60), rng.below(1000))
    return event


def invalid_line(n, rng):
    kind = rng.below(5)
    if kind == 0:
        return '{"id": "evt-%07d", "organizationId": "org-bench", "environmentId": ' % n  # truncated JSON
    if kind == 1:
        return json.dumps({"id": "evt-%07d" % n, "organizationId": ORG, "environmentId": ENV, "channel": "email"})
    if kind == 2:
        return json.dumps({"id": "evt-%07d" % n, "organizationId": ORG, "environmentId": ENV, "channel": "fax",
                           "subscriber": {"subscriberId": "s"}})
    if kind == 3:
        return json.dumps({"id": n, "organizationId": ORG, "environmentId": ENV, "channel": "sms",
                           "subscriber": {"subscriberId": "s"}})
    return "not json at all"


def write_events(path, lines):
    rng = Rng(0x4556454E5453)  # "EVENTS"
    with open(path, "w") as f:
        for n in range(1, lines + 1):
            if rng.percent(2):
                f.write(invalid_line(n, rng) + "\n")
            else:
                f.write(json.dumps(make_event(n, rng), separators=(",", ":")) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--integrations", help="write the 50 email integrations here")
    ap.add_argument("--events", help="write the events JSONL here")
    ap.add_argument("--lines", type=int, default=100000)
    ap.add_argument("--check", help="compare this integrations file with the generated one; exit 1 if different")
    args = ap.parse_args()
    if args.integrations:
        with open(args.integrations, "w") as f:
            json.dump(email_integrations(), f, separators=(",", ":"))
    if args.events:
        write_events(args.events, args.lines)
    if args.check:
        with open(args.check) as f:
            theirs = json.load(f)
        if theirs != email_integrations():
            print("gen_events.py: %s differs from the generated integrations" % args.check, file=sys.stderr)
            return 1
        print("gen_events.py: %s matches" % args.check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
