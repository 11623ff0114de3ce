#!/usr/bin/env python3
"""End-to-end tests of the worker, `switchboard run` (issues 5 and 6).

Each scenario starts its own mock Kafka cluster (`switchboard broker`, bootstrap file in a
temporary directory), writes a worker config there, starts one or more workers (admin
endpoints on 127.0.0.1, one port each), produces events with kcat, reads
notifications.status and notifications.dlq back with kcat and checks the delivery contract
(spec routing.md sections 2, 5 and 6; docs/delivery-semantics.md).

  worker_e2e.py --switchboard build/switchboard --scenario NAME [--keep] [--verbose]

  happy          10,000 mixed events (email, sms, push/chat fan-out, unroutable ones): one
                 status per target, as `switchboard explain --events` predicts; after a
                 SIGTERM a new worker of the group finds nothing uncommitted
  sigterm_drain  SIGTERM while events stream in and deliveries (webhook to a slow sink) are
                 in flight: exit 0 within drain_timeout + 5 s, a second worker completes the
                 rest, no event gets two statuses
  kill           3 workers (Redis registry and dedup), one SIGKILLed mid-stream and
                 restarted: every event ends with a final status; duplicates are counted
  poison         invalid JSON, wrong types, binary garbage and a 10 MiB event between valid
                 ones: each bad one in the DLQ with x-switchboard-error/-source, the valid
                 ones `sent`, the worker keeps going and commits past them
  redis_down     Redis stopped mid-stream: routing goes on from the snapshot, /readyz stays
                 ready, dedup errors are counted; Redis restarted on its port: dedup works again
  backpressure   webhook to a sink answering after 5 s, worker.max_in_flight = 200, 5,000
                 events: in flight never above 200, RSS stays within baseline + 100 MB
  tls_delivery   delivery.mode = adapters, SendGrid (credentials.baseUrl) to a sink over
                 HTTPS, delivery.ca_file = the sink's certificate: 500 events all `sent` at
                 the first attempt with unique message ids, every sink connection TLS
  tls_wrong_ca   the same with another sink's self-signed certificate as CA: every event
                 `failed` with "certificate verify failed" in its error, no request reached
                 the sink, no dead letters, the worker healthy and its offsets committed
  provider_errors  a sink answering 30 % of requests with 503: every event `sent` after
                 retries; attempts match the sink's counts of 503 and 202 answers

kill and redis_down need Redis: run them under scripts/with_redis.sh (it exports
SWITCHBOARD_TEST_REDIS_URL, _PORT and _SERVER). Every child runs in its own process group
(and gets SIGKILL if the harness dies, PR_SET_PDEATHSIG); all are killed at the end, also
on failure. Every wait has a deadline, and the whole scenario has one (--budget).
Python 3 standard library and kcat only. Exit 0 when every check passed.
"""

import argparse
import base64
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "worker_fixtures")
INTEGRATIONS = os.path.join(FIXTURES, "integrations.json")
REPO = os.path.dirname(os.path.dirname(HERE))
EVENTS_TOPIC = "notifications.events"
STATUS_TOPIC = "notifications.status"
DLQ_TOPIC = "notifications.dlq"
MAX_EVENT_BYTES = 262144  # worker.max_event_bytes default: dead letters of bigger events keep this much
FINAL = {"sent", "failed", "no_integration", "invalid", "duplicate"}
ORG, ENV = "org-e2e", "env-e2e"

VERBOSE = False
HARNESS_DIR = [tempfile.gettempdir()]  # the current harness' directory


class Failure(Exception):
    pass


class Budget(Exception):
    pass


def log(*parts):
    print("[%7.2f]" % (time.monotonic() - T0), *parts, flush=True)


T0 = time.monotonic()


def check(condition, what):
    if not condition:
        raise Failure(what)


def wait_until(predicate, timeout, what, interval=0.1, alive=()):
    """Polls predicate() until truthy (returned), or raises Failure after `timeout` s.
    `alive`: processes that must keep running meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        for p in alive:
            if p.poll() is not None:
                raise Failure("%s: process %s exited with %s" % (what, p.args[-3:], p.returncode))
        if time.monotonic() >= deadline:
            raise Failure("timed out after %.0f s: %s" % (timeout, what))
        time.sleep(interval)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def toml(sections):
    out = []
    for section, values in sections.items():
        out.append("[%s]" % section)
        for k, v in values.items():
            if isinstance(v, bool):
                out.append("%s = %s" % (k, "true" if v else "false"))
            elif isinstance(v, (int, float)):
                out.append("%s = %s" % (k, v))
            else:
                out.append("%s = %s" % (k, json.dumps(v)))  # a valid TOML basic string
        out.append("")
    return "\n".join(out)


# ---- processes ----------------------------------------------------------------------------

PDEATHSIG = ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []


class Harness:
    def __init__(self, binary, keep):
        self.bin = os.path.abspath(binary)
        self.keep = keep
        self.dir = tempfile.mkdtemp(prefix="worker_e2e.")
        HARNESS_DIR[0] = self.dir
        self.procs = []  # (name, Popen)
        self.bootstrap = None
        self.kcat = shutil.which("kcat") or shutil.which("kafkacat")
        if not self.kcat:
            raise Failure("kcat is needed (apt-get install kcat)")
        self.counter = 0

    def path(self, name):
        return os.path.join(self.dir, name)

    def spawn(self, name, argv, env=None, stdin=subprocess.DEVNULL, stdout=None):
        """Starts argv in its own process group; stdout/stderr to DIR/name.out/.err unless
        stdout=subprocess.PIPE."""
        err = open(self.path(name + ".err"), "ab")
        out = stdout if stdout is not None else open(self.path(name + ".out"), "ab")
        p = subprocess.Popen(PDEATHSIG + list(argv), stdin=stdin, stdout=out, stderr=err, env=env,
                             start_new_session=True)
        p.name = name
        self.procs.append(p)
        if VERBOSE:
            log("started", name, "pid", p.pid)
        return p

    @staticmethod
    def signal_group(p, sig):
        try:
            os.killpg(p.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, p, timeout=10.0, sig=signal.SIGTERM):
        """Signals p's group and waits; returns (exit code, seconds). SIGKILL after `timeout`."""
        start = time.monotonic()
        if p.poll() is None:
            self.signal_group(p, sig)
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal_group(p, signal.SIGKILL)
            p.wait(5)
            rc = None
        return rc, time.monotonic() - start

    def cleanup(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                self.signal_group(p, signal.SIGTERM)
        deadline = time.monotonic() + 5
        for p in self.procs:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for p in self.procs:
            self.signal_group(p, signal.SIGKILL)  # the leader's group, also its leftovers
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                log("WARNING: pid", p.pid, "did not die")
        if self.keep:
            log("kept", self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # ---- broker, sink ----------------------------------------------------------------------

    def start_broker(self):
        f = self.path("bootstrap")
        p = self.spawn("broker", [self.bin, "broker", "--partitions", "6", "--bootstrap-file", f])

        def read():
            try:
                with open(f) as fh:
                    return fh.read().strip()
            except OSError:
                return ""

        self.bootstrap = wait_until(read, 20, "broker bootstrap file", alive=[p])
        self.broker = p
        return p

    def start_sink(self, *extra):
        """Returns (process, plain HTTP port)."""
        p, info = self.start_sink_info(*extra)
        return p, info["http_port"]

    def start_sink_info(self, *extra):
        """Returns (process, the sink's startup line: http_port, and with --tls-port also
        https_port and cert, the PEM path of its self-signed certificate)."""
        name = "sink%d" % self.next_id()
        p = self.spawn(name, [self.bin, "sink", "--port", "0", "--bind", "127.0.0.1",
                              "--cert-dir", self.path(name + "-cert")] + list(extra))

        def info():
            try:
                with open(self.path(name + ".out")) as fh:
                    for line in fh:
                        if line.startswith("{"):
                            d = json.loads(line)
                            return d if "http_port" in d else None
            except (OSError, ValueError):
                pass
            return None

        return p, wait_until(info, 15, "sink startup line", alive=[p])

    def next_id(self):
        self.counter += 1
        return self.counter

    # ---- kcat ------------------------------------------------------------------------------

    def produce(self, lines, topic=EVENTS_TOPIC, headers=(), extra=(), timeout=60):
        """Produces each bytes item of `lines` as one message (newline-delimited)."""
        f = self.path("produce%d.jsonl" % self.next_id())
        with open(f, "wb") as fh:
            for line in lines:
                assert b"\n" not in line
                fh.write(line + b"\n")
        argv = [self.kcat, "-b", self.bootstrap, "-t", topic, "-P", "-l", "-X", "linger.ms=5"]
        for h in headers:
            argv += ["-H", h]
        argv += list(extra)
        argv.append(f)
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        check(r.returncode == 0, "kcat produce failed: %s" % r.stderr.decode(errors="replace")[-500:])
        os.unlink(f)

    def read_topic(self, topic, timeout=60):
        """Every record of `topic` (from the beginning to the current end):
        list of dict(partition, offset, key, value, headers[list of (k, v)])."""
        fmt = "%p %o %K %S\n%k%s\n%h\n"
        argv = [self.kcat, "-b", self.bootstrap, "-t", topic, "-C", "-e", "-q", "-o", "beginning",
                "-X", "fetch.wait.max.ms=50", "-f", fmt]
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        check(r.returncode == 0, "kcat consume %s failed: %s" % (topic, r.stderr.decode(errors="replace")[-500:]))
        data, pos, records = r.stdout, 0, []
        while pos < len(data):
            nl = data.index(b"\n", pos)
            part, offset, klen, vlen = data[pos:nl].split(b" ")
            klen, vlen = max(0, int(klen)), max(0, int(vlen))
            pos = nl + 1
            key = data[pos:pos + klen]
            value = data[pos + klen:pos + klen + vlen]
            pos += klen + vlen
            check(data[pos:pos + 1] == b"\n", "kcat output framing")
            nl = data.index(b"\n", pos + 1)
            headers = parse_kcat_headers(data[pos + 1:nl].decode(errors="replace"))
            pos = nl + 1
            records.append({"partition": int(part), "offset": int(offset), "key": key, "value": value,
                            "headers": headers})
        return records

    def tail(self, topic):
        return Tail(self, topic)

    # ---- workers ---------------------------------------------------------------------------

    def write_config(self, name, registry=None, kafka=None, worker=None, delivery=None, **more):
        sections = {
            "registry": {"backend": "file", "file": INTEGRATIONS, "poll_ms": 500},
            "kafka": {"brokers": self.bootstrap, "group_id": "e2e", "session_timeout_ms": 6000,
                      "heartbeat_interval_ms": 500, "fetch_wait_max_ms": 10, "commit_interval_ms": 200},
            "worker": {"admin_bind": "127.0.0.1", "drain_timeout_ms": 10000},
            "delivery": {"mode": "null"},
        }
        for section, values in (("registry", registry), ("kafka", kafka), ("worker", worker),
                                ("delivery", delivery)) + tuple(more.items()):
            if values:
                sections.setdefault(section, {}).update(values)
        f = self.path(name + ".toml")
        with open(f, "w") as fh:
            fh.write(toml(sections))
        return f

    def start_worker(self, name, config, env=None):
        port = free_port()
        e = dict(os.environ)
        e["SWITCHBOARD_WORKER_ADMIN_PORT"] = str(port)  # also exercises the env overrides
        e.update(env or {})
        p = self.spawn(name, [self.bin, "run", "--config", config], env=e)
        return Worker(name, p, port, self.path(name + ".out"))  # JSON log lines on stdout


def parse_kcat_headers(text):
    """kcat's %h is "k=v,k=v" without escaping; the worker appends x-switchboard-error and
    x-switchboard-source last, so those two are split off from the end first."""
    headers = []
    m = re.search(r"(?:^|,)x-switchboard-error=(.*),x-switchboard-source=([^,]*)$", text, re.S)
    if m:
        rest = text[:m.start()]
        tail = [("x-switchboard-error", m.group(1)), ("x-switchboard-source", m.group(2))]
    else:
        rest, tail = text, []
    for item in rest.split(",") if rest else []:
        k, _, v = item.partition("=")
        headers.append((k, v))
    return headers + tail


class Tail(threading.Thread):
    """A background `kcat -C` of a topic from the beginning; JSON records in .records."""

    def __init__(self, harness, topic):
        super().__init__(daemon=True)
        self.lock = threading.Lock()
        self.records = []
        self.bad = []
        argv = [harness.kcat, "-b", harness.bootstrap, "-t", topic, "-C", "-q", "-u", "-o", "beginning",
                "-X", "fetch.wait.max.ms=20", "-f", "%s\n"]
        self.proc = harness.spawn("tail-" + topic, argv, stdout=subprocess.PIPE)
        self.start()

    def run(self):
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                with self.lock:
                    self.bad.append(line)
                continue
            with self.lock:
                self.records.append(rec)

    def snapshot(self):
        with self.lock:
            return list(self.records)

    def count(self):
        with self.lock:
            return len(self.records)


class Worker:
    def __init__(self, name, proc, port, log_path):
        self.name, self.proc, self.port, self.log_path = name, proc, port, log_path

    def get(self, path, timeout=2.0):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.port, path), timeout=timeout) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")
        except (OSError, urllib.error.URLError) as e:
            return None, str(e)

    def ready(self):
        return self.get("/readyz")[0] == 200

    def wait_ready(self, timeout=30):
        wait_until(self.ready, timeout, "%s ready (/readyz 200)" % self.name, interval=0.1, alive=[self.proc])

    def metrics(self):
        status, body = self.get("/metrics")
        check(status == 200, "%s /metrics: %s %s" % (self.name, status, body[:200]))
        out = {}
        for line in body.splitlines():
            if not line or line.startswith("#"):
                continue
            series, _, value = line.rpartition(" ")
            try:
                out[series] = float(value)
            except ValueError:
                pass
        return out

    def metric(self, name, m=None):
        m = self.metrics() if m is None else m
        return sum(v for k, v in m.items() if k == name or k.startswith(name + "{"))

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as fh:
                return fh.read()
        except OSError:
            return ""

    def rss_kb(self):
        try:
            with open("/proc/%d/status" % self.proc.pid) as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None


class StreamProducer(threading.Thread):
    """Writes events to a long-running `kcat -P` at `rate` events/s until stop()."""

    def __init__(self, harness, make_event, rate, limit=None):
        super().__init__(daemon=True)
        # Spawned here, on the main thread: PR_SET_PDEATHSIG fires when the spawning thread ends.
        self.proc = harness.spawn("stream%d" % harness.next_id(),
                                  [harness.kcat, "-b", harness.bootstrap, "-t", EVENTS_TOPIC, "-P",
                                   "-X", "linger.ms=2"], stdin=subprocess.PIPE)
        self.make_event, self.rate, self.limit = make_event, rate, limit
        self.produced = []  # event ids, in order
        self.events = []  # the events, in order
        self.stopping = threading.Event()
        self.error = None
        self.start()

    def run(self):
        start = time.monotonic()
        n = 0
        try:
            while not self.stopping.is_set() and (self.limit is None or n < self.limit):
                due = int((time.monotonic() - start) * self.rate) + 1
                if self.limit is not None:
                    due = min(due, self.limit)
                chunk = []
                while n < due:
                    event = self.make_event(n)
                    chunk.append(json.dumps(event, separators=(",", ":")).encode() + b"\n")
                    self.produced.append(event["id"])
                    self.events.append(event)
                    n += 1
                if chunk:
                    self.proc.stdin.write(b"".join(chunk))
                    self.proc.stdin.flush()
                time.sleep(0.01)
        except (BrokenPipeError, OSError) as e:
            self.error = str(e)

    def stop(self, timeout=20):
        self.stopping.set()
        self.join(timeout)
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            rc = None
        check(self.error is None, "stream producer: %s" % self.error)
        check(rc == 0, "stream producer kcat exited with %s" % rc)
        return list(self.produced)


# ---- events -------------------------------------------------------------------------------

PUSH_PROVIDERS = ["fcm", "apns", "one-signal", "expo"]


def make_event(rng, eid, channel=None, env=ENV, created_at=None):
    """A valid event (spec section 2) of a random shape."""
    if channel is None:
        r = rng.random()
        channel = ("email" if r < 0.40 else "sms" if r < 0.62 else "push" if r < 0.87 else "chat" if r < 0.95
                   else "in_app")
    tier = rng.choice(["gold", "silver", "bronze"])
    locale = rng.choice(["de", "en", "fr", "at"])
    subscriber = {
        "subscriberId": "sub-%d" % rng.randrange(100000),
        "email": "user%d@e2e.test" % rng.randrange(100000),
        "phone": rng.choice(["+4915112345678", "+15550123", "+33612345678"]),
        "firstName": "Ada", "locale": locale, "data": {"tier": tier},
    }
    event = {"id": eid, "organizationId": ORG, "environmentId": env, "channel": channel,
             "transactionId": "txn-" + eid, "subscriber": subscriber,
             "payload": {"amount": rng.choice([5, 120, 999, 1000, 2500])},
             "content": {"subject": "Hello", "body": "Your order shipped.", "title": "Order"}}
    if channel in ("push", "chat"):
        entries = []
        for _ in range(rng.randrange(0, 5)):  # 0 entries: target `default`, no_subscriber_channels
            if channel == "push":
                provider = rng.choice(PUSH_PROVIDERS + ["slack"])  # slack: not a push provider, ignored
                entries.append({"providerId": provider, "credentials": {"deviceTokens": ["tok-%d" % rng.randrange(9)]}})
            else:
                provider = rng.choice(["slack", "slack", "discord"])
                entries.append({"providerId": provider, "credentials": {"webhookUrl": "https://hooks.e2e.test/x"}})
        if entries and rng.random() < 0.2:
            entries.append(dict(entries[0]))  # identical entries count once
        subscriber["channels"] = entries
    if channel == "email" and rng.random() < 0.05:
        event["overrides"] = {"integrationIdentifier": rng.choice(["sg-main", "nope"])}
    if created_at is not None:
        event["createdAt"] = created_at
    return event


def email_event(eid):
    return {"id": eid, "organizationId": ORG, "environmentId": ENV, "channel": "email",
            "subscriber": {"subscriberId": "s-" + eid, "email": eid + "@e2e.test", "locale": "en"},
            "content": {"subject": "Hi", "body": "text"}}


def dumps(event):
    return json.dumps(event, separators=(",", ":")).encode()


def explain_expectations(h, events_file):
    """(eventId, target) -> (status, chosen identifier or None), by `switchboard explain --events`.
    `events_file` may also be a list of events."""
    if not isinstance(events_file, str):
        events = events_file
        events_file = h.path("explain%d.jsonl" % h.next_id())
        with open(events_file, "wb") as fh:
            for e in events:
                fh.write(dumps(e) + b"\n")
    r = subprocess.run([h.bin, "explain", "--integrations", INTEGRATIONS, "--events", events_file],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(r.returncode == 0, "explain failed: %s" % r.stderr.decode()[-300:])
    expected = {}
    for line in r.stdout.decode().splitlines():
        d = json.loads(line)
        check("error" not in d, "explain rejected a generated event: %s" % line)
        for t in d["targets"]:
            status = "sent" if t["status"] == "routed" else "no_integration"
            chosen = t["chosen"]["identifier"] if t.get("chosen") else None
            expected[(d["eventId"], t["target"])] = (status, chosen)
    return expected


def group_by_target(statuses):
    by = {}
    for s in statuses:
        by.setdefault((s.get("eventId"), s.get("target")), []).append(s)
    return by


def by_event(statuses):
    by = {}
    for s in statuses:
        by.setdefault(s.get("eventId"), []).append(s)
    return by


def check_every_target(statuses, expected, what):
    """Every expected (eventId, target) has at least one status, and each is the expected
    one (or `duplicate`, the event-level status of a redelivered completed event); no status
    for anything else. Returns the targets with more than one status."""
    got = group_by_target(statuses)
    with open(os.path.join(HARNESS_DIR[0], "statuses-%s.jsonl" % what), "w") as fh:  # for a failed run's autopsy
        for st in statuses:
            fh.write(json.dumps(st) + "\n")
    dup_events = {s["eventId"] for s in statuses if s.get("status") == "duplicate"}
    problems = []
    missing = [k for k in expected if k not in got]
    if missing:
        problems.append("%d targets without status, e.g. %s" % (len(missing), missing[:5]))
    for key, recs in got.items():
        if key in expected:
            want = expected[key][0]
            kinds = [r["status"] for r in recs]
            if want not in kinds or any(k not in (want, "duplicate") for k in kinds):
                problems.append("%s: %s, want %s (and maybe `duplicate`)" % (key, kinds, want))
        elif not (key[0] in dup_events and all(r["status"] == "duplicate" for r in recs)):
            problems.append("unexpected status for %s: %s" % (key, [r["status"] for r in recs]))
    check(not problems, "%s: %d problems: %s" % (what, len(problems), "; ".join(problems[:8])))
    return {k: v for k, v in got.items() if len(v) > 1}


def assert_nothing_redelivered(h, status_tail, config, name, env=None, settle=10.0):
    """A fresh worker of the group: after it joined, `settle` s (from its start) without
    consuming anything nor producing a status = every offset was committed."""
    before = status_tail.count()
    start = time.monotonic()
    w = h.start_worker(name, config, env)
    w.wait_ready(30)
    time.sleep(max(0.0, settle - (time.monotonic() - start)))
    m = w.metrics()
    consumed = w.metric("switchboard_events_consumed_total", m)
    # Per partition: -1 = nothing consumed yet (position unknown), else end - position.
    lag = sum(v for k, v in m.items() if k.startswith("switchboard_consumer_lag{") and v > 0)
    after = status_tail.count()
    log("%s: joined, consumed %d, lag %d, new statuses %d" % (name, consumed, lag, after - before))
    check(consumed == 0, "%s consumed %d events already processed: offsets were not committed" % (name, consumed))
    check(after == before, "%s produced %d new statuses (redelivery)" % (name, after - before))
    check(lag == 0, "%s: consumer lag %d" % (name, lag))
    return w


def stop_worker(h, w, limit):
    rc, took = h.stop(w.proc, timeout=limit)
    log("%s: SIGTERM -> exit %s in %.2f s" % (w.name, rc, took))
    check(rc == 0, "%s: exit code %s after SIGTERM (wanted 0 within %.0f s)" % (w.name, rc, limit))
    text = w.log_text()
    check("drain timed out" not in text, "%s: drain timed out" % w.name)
    return took


# ---- scenarios ----------------------------------------------------------------------------

def scenario_happy(h, args):
    rng = random.Random(5)
    n = 10000
    events = [make_event(rng, "a-%05d" % i, env=(ENV if rng.random() > 0.03 else "env-other")) for i in range(n)]
    events_file = h.path("events.jsonl")
    with open(events_file, "wb") as fh:
        for e in events:
            fh.write(dumps(e) + b"\n")
    expected = explain_expectations(h, events_file)
    n_sent = sum(1 for s, _ in expected.values() if s == "sent")
    log("happy: %d events, %d targets expected (%d sent, %d no_integration)"
        % (n, len(expected), n_sent, len(expected) - n_sent))

    h.start_broker()
    status = h.tail(STATUS_TOPIC)
    config = h.write_config("happy")
    w = h.start_worker("w1", config)
    w.wait_ready(30)
    t0 = time.monotonic()
    h.produce([dumps(e) for e in events])
    wait_until(lambda: status.count() >= len(expected), 60, "%d statuses" % len(expected), alive=[w.proc])
    took = time.monotonic() - t0
    time.sleep(1.0)  # anything extra (a duplicate) would show now
    statuses = status.snapshot()
    log("happy: %d statuses in %.2f s after produce start" % (len(statuses), took))
    check(not status.bad, "status topic has non-JSON records: %r" % status.bad[:3])
    got = group_by_target(statuses)
    missing = [k for k in expected if k not in got]
    extra = [k for k in got if k not in expected]
    dup = [k for k, v in got.items() if len(v) > 1]
    check(not missing, "%d targets without status, e.g. %s" % (len(missing), missing[:5]))
    check(not extra, "%d unexpected status targets, e.g. %s" % (len(extra), extra[:5]))
    check(not dup, "%d targets with several statuses, e.g. %s" % (len(dup), dup[:5]))
    wrong = []
    for key, (want, chosen) in expected.items():
        s = got[key][0]
        if s["status"] != want or (want == "sent" and s.get("integrationIdentifier") != chosen):
            wrong.append((key, want, chosen, s["status"], s.get("integrationIdentifier"), s.get("reason")))
        for field in ("organizationId", "environmentId", "channel", "ts", "latencyMs"):
            if field not in s:
                wrong.append((key, "missing field " + field))
    check(not wrong, "%d statuses differ from explain, e.g. %s" % (len(wrong), wrong[:5]))
    check(not h.read_topic(DLQ_TOPIC), "dead letters for valid events")
    m = w.metrics()
    check(w.metric("switchboard_events_consumed_total", m) == n, "consumed_total != %d" % n)
    check(w.metric("switchboard_in_flight", m) == 0, "in_flight not 0 at the end")
    stop_worker(h, w, 10 + 5)
    assert_nothing_redelivered(h, status, config, "w2")
    return {"events": n, "targets": len(expected), "seconds_to_all_statuses": round(took, 2)}


def scenario_sigterm_drain(h, args):
    h.start_broker()
    sink, port = h.start_sink("--latency-ms", "300")
    status = h.tail(STATUS_TOPIC)
    drain_ms = 10000
    config = h.write_config("drain", worker={"drain_timeout_ms": drain_ms},
                            delivery={"mode": "webhook", "webhook_url": "http://127.0.0.1:%d/e2e" % port,
                                      "max_connections_per_host": 512})
    w1 = h.start_worker("w1", config)
    w1.wait_ready(30)
    stream = StreamProducer(h, lambda i: email_event("b-%05d" % i), rate=400)
    time.sleep(3.0)
    in_flight = w1.metric("switchboard_in_flight")
    produced_at_term = len(stream.produced)
    took = stop_worker(h, w1, drain_ms / 1000.0 + 5)
    check(in_flight > 0, "nothing in flight at SIGTERM: the drain was not exercised")
    time.sleep(1.5)
    produced = stream.stop()
    n1 = status.count()
    log("sigterm_drain: %d in flight at SIGTERM, %d produced by then, %d in total; %d statuses from w1"
        % (in_flight, produced_at_term, len(produced), n1))
    w2 = h.start_worker("w2", config)
    w2.wait_ready(30)
    ids = set(produced)
    wait_until(lambda: len({s["eventId"] for s in status.snapshot()} & ids) >= len(ids), 45,
               "a status for each of %d events" % len(ids), interval=0.2, alive=[w2.proc])
    time.sleep(1.0)
    statuses = status.snapshot()
    per = by_event(statuses)
    twice = {k: [s["status"] for s in v] for k, v in per.items() if len(v) > 1}
    check_every_target(statuses, explain_expectations(h, stream.events), "sigterm_drain")
    check(not twice, "%d events with two statuses after a clean shutdown, e.g. %s"
          % (len(twice), list(twice.items())[:5]))
    check(set(per) == ids, "statuses for unknown events: %s" % sorted(set(per) - ids)[:5])
    stop_worker(h, w2, drain_ms / 1000.0 + 5)
    return {"in_flight_at_sigterm": int(in_flight), "exit_seconds": round(took, 2), "events": len(ids),
            "statuses_from_first_worker": n1}


def redis_env(h):
    url = os.environ.get("SWITCHBOARD_TEST_REDIS_URL")
    check(url, "SWITCHBOARD_TEST_REDIS_URL is not set: run under scripts/with_redis.sh")
    key = base64.b64encode(os.urandom(32)).decode()
    return url, {"SWITCHBOARD_SECRET_KEY": key}


def redis_config(h, name, url, prefix, **more):
    registry = {"backend": "redis", "redis_url": url, "key_prefix": prefix, "poll_ms": 500,
                "reconnect_max_ms": 1000, "command_timeout_ms": 500}
    return h.write_config(name, registry=registry, **more)


def import_integrations(h, config, env):
    e = dict(os.environ)
    e.update(env)
    r = subprocess.run([h.bin, "registry", "import", "--config", config, "--file", INTEGRATIONS],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, timeout=30)
    check(r.returncode == 0, "registry import failed: %s" % (r.stderr.decode() + r.stdout.decode())[-400:])


def scenario_kill(h, args):
    url, env = redis_env(h)
    h.start_broker()
    status = h.tail(STATUS_TOPIC)
    config = redis_config(h, "kill", url, "sb-e2e-kill-%d:" % os.getpid(), kafka={"commit_interval_ms": 500})
    import_integrations(h, config, env)
    workers = [h.start_worker("w%d" % i, config, env) for i in (1, 2, 3)]
    for w in workers:
        w.wait_ready(30)
    rng = random.Random(7)
    stream = StreamProducer(h, lambda i: make_event(rng, "c-%05d" % i), rate=1000)
    time.sleep(3.0)
    victim = workers[1]
    before = victim.metric("switchboard_events_consumed_total")
    rc, _ = h.stop(victim.proc, timeout=5, sig=signal.SIGKILL)
    log("kill: SIGKILLed %s after it consumed %d events (rc %s); restarting it" % (victim.name, before, rc))
    restarted = h.start_worker("w2b", config, env)
    time.sleep(4.0)
    produced = stream.stop()
    ids = set(produced)
    log("kill: %d events produced" % len(ids))
    live = [workers[0], workers[2], restarted]
    wait_until(lambda: ids <= {s["eventId"] for s in status.snapshot() if s.get("status") in FINAL}, 75,
               "a final status for each of %d events" % len(ids), interval=0.25, alive=[w.proc for w in live])
    time.sleep(1.0)
    statuses = status.snapshot()
    repeated = check_every_target(statuses, explain_expectations(h, stream.events), "kill")
    double_sent = sum(1 for v in repeated.values() if sum(1 for s in v if s["status"] == "sent") > 1)
    dup_status = sum(1 for s in statuses if s["status"] == "duplicate")
    again = {k[0] for k in repeated} | {s["eventId"] for s in statuses if s["status"] == "duplicate"}
    consumed = sum(w.metric("switchboard_events_consumed_total") for w in live)
    log("kill: %d statuses for %d events; %d events processed more than once: %d targets with a repeated "
        "status (%d sent twice), %d `duplicate` statuses; the 3 live workers consumed %d"
        % (len(statuses), len(ids), len(again), len(repeated), double_sent, dup_status, consumed))
    check({s["eventId"] for s in statuses} == ids, "statuses for unknown events")
    for w in live:
        stop_worker(h, w, 15)
    return {"events": len(ids), "statuses": len(statuses), "events_processed_again": len(again),
            "targets_with_repeated_status": len(repeated), "targets_sent_twice": double_sent, "duplicate_statuses": dup_status,
            "consumed_by_survivors_and_restarted": int(consumed)}


def scenario_poison(h, args):
    h.start_broker()
    status = h.tail(STATUS_TOPIC)
    config = h.write_config("poison")
    w = h.start_worker("w1", config)
    w.wait_ready(30)
    big = email_event("p-huge")
    big["payload"] = {"blob": "x" * (10 * 1024 * 1024)}
    bad = [
        ("invalid-json", b'{"id": "p-bad-json", "organizationId": "org-e2e", "channel": '),
        ("not-an-object", b'["p-array"]'),
        ("id-number", b'{"id": 42, "organizationId": "org-e2e", "environmentId": "env-e2e", "channel": "email",'
                      b' "subscriber": {"subscriberId": "s"}}'),
        ("channel-unknown", dumps(dict(email_event("p-fax"), channel="fax"))),
        ("subscriber-string", dumps(dict(email_event("p-sub"), subscriber="someone"))),
        ("missing-org", dumps({k: v for k, v in email_event("p-noorg").items() if k != "organizationId"})),
        ("channels-not-array", dumps(dict(email_event("p-chan"), channel="push",
                                          subscriber={"subscriberId": "s", "channels": {"providerId": "fcm"}}))),
        ("binary", bytes([0x00, 0xff, 0xfe, 0x80, 0x7b, 0x22, 0x01, 0x02, 0xc3, 0x28]) * 20),
        ("huge", dumps(big)),
    ]
    # A status `invalid` is emitted when the ids are readable (spec section 2).
    invalid_status_ids = {"p-fax", "p-sub", "p-noorg", "p-chan"}
    valid_ids = []
    rng = random.Random(11)
    for i, (name, payload) in enumerate(bad):
        batch = [make_event(rng, "d-%02d-%03d" % (i, j)) for j in range(100)]
        valid_ids += [e["id"] for e in batch]
        h.produce([dumps(e) for e in batch])
        extra = ["-z", "lz4", "-X", "message.max.bytes=33554432"] if name == "huge" else []
        h.produce([payload], headers=["x-e2e-case=" + name], extra=extra)
    batch = [make_event(rng, "d-tail-%03d" % j) for j in range(100)]
    valid_ids += [e["id"] for e in batch]
    h.produce([dumps(e) for e in batch])

    def dlq_complete():
        recs = h.read_topic(DLQ_TOPIC)
        return recs if len(recs) >= len(bad) else None

    def valid_done():
        return set(valid_ids) <= {s["eventId"] for s in status.snapshot()}

    wait_until(valid_done, 45, "statuses of the %d valid events" % len(valid_ids), interval=0.2, alive=[w.proc])
    problems = []
    try:
        dlq = wait_until(dlq_complete, 20, "%d dead letters" % len(bad), interval=0.5, alive=[w.proc])
    except Failure as e:
        dlq = h.read_topic(DLQ_TOPIC)
        problems.append(str(e))
    by_case = {}
    for r in dlq:
        case = dict(r["headers"]).get("x-e2e-case")
        by_case.setdefault(case, []).append(r)
    cases = {}
    for name, payload in bad:
        recs = by_case.get(name, [])
        if len(recs) != 1:
            problems.append("case %s: %d dead letters (want 1)" % (name, len(recs)))
            cases[name] = "missing"
            continue
        r = recs[0]
        hd = dict(r["headers"])
        err, src = hd.get("x-switchboard-error", ""), hd.get("x-switchboard-source", "")
        cases[name] = err[:60]
        if not re.match(r"^[a-z_]+: .+", err):
            problems.append("case %s: x-switchboard-error %r" % (name, err))
        if not re.match(r"^notifications\.events/\d+/\d+$", src):
            problems.append("case %s: x-switchboard-source %r" % (name, src))
        if name == "huge":
            # Over worker.max_event_bytes the dead letter keeps the first max_event_bytes only.
            if hd.get("x-switchboard-truncated") != "true" or hd.get("x-switchboard-original-bytes") != str(len(payload)) \
                    or len(r["value"]) != MAX_EVENT_BYTES or r["value"] != payload[:MAX_EVENT_BYTES]:
                problems.append("case huge: dead letter of %d bytes, headers %s" % (len(r["value"]), hd))
        elif r["value"] != payload:
            problems.append("case %s: dead letter holds %d bytes, the event had %d" % (name, len(r["value"]), len(payload)))
    if dlq and len(dlq) != len(bad):
        problems.append("%d dead letters for %d bad events" % (len(dlq), len(bad)))
    statuses = status.snapshot()
    per = by_event(statuses)
    for eid in valid_ids:
        got = [s["status"] for s in per.get(eid, [])]
        if not got or any(g not in ("sent", "no_integration") for g in got):
            problems.append("valid event %s: statuses %s" % (eid, got))
            break
    for eid in invalid_status_ids:
        got = [s["status"] for s in per.get(eid, [])]
        if got != ["invalid"]:
            problems.append("bad event %s: statuses %s (want one `invalid`)" % (eid, got))
    expected_ids = set(valid_ids) | invalid_status_ids
    stray = sorted(set(per) - expected_ids)
    if stray:
        problems.append("statuses for unexpected ids: %s" % stray[:5])
    # The worker goes on: more valid events after the poison ones, nothing stuck in flight.
    more = [make_event(rng, "d-after-%03d" % j) for j in range(50)]
    h.produce([dumps(e) for e in more])
    try:
        wait_until(lambda: {e["id"] for e in more} <= {s["eventId"] for s in status.snapshot()}, 20,
                   "statuses of 50 events produced after the poison", alive=[w.proc])
    except Failure as e:
        problems.append(str(e))
    time.sleep(0.5)
    m = w.metrics()
    in_flight = w.metric("switchboard_in_flight", m)
    invalid_total = w.metric("switchboard_events_invalid_total", m)
    produce_retries = w.metric("switchboard_produce_retries_total", m)
    log("poison: dead letters by case %s; invalid_total %d, in_flight %d, produce_retries %d"
        % (cases, invalid_total, in_flight, produce_retries))
    if in_flight != 0:
        problems.append("%d events still in flight (a dead letter never acknowledged?)" % in_flight)
    check(w.get("/healthz")[0] == 200 and w.proc.poll() is None, "worker died")
    check(not problems, "; ".join(problems))
    stop_worker(h, w, 15)
    assert_nothing_redelivered(h, status, config, "w2")
    return {"bad_events": len(bad), "valid_events": len(valid_ids) + len(more), "dlq": cases}


def redis_cli(port, *argv, timeout=10):
    r = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port)] + list(argv), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return r.returncode, r.stdout.decode().strip()


def scenario_redis_down(h, args):
    url, env = redis_env(h)
    port = int(os.environ.get("SWITCHBOARD_TEST_REDIS_PORT") or url.rsplit(":", 1)[1].split("/")[0])
    server = os.environ.get("SWITCHBOARD_TEST_REDIS_SERVER") or shutil.which("redis-server")
    h.start_broker()
    status = h.tail(STATUS_TOPIC)
    config = redis_config(h, "redis", url, "sb-e2e-down-%d:" % os.getpid())
    import_integrations(h, config, env)
    w = h.start_worker("w1", config, env)
    w.wait_ready(30)
    rng = random.Random(13)
    warm = [email_event("e-warm-%03d" % i) for i in range(200)]
    h.produce([dumps(e) for e in warm])
    warm_ids = {e["id"] for e in warm}
    wait_until(lambda: warm_ids <= {s["eventId"] for s in status.snapshot()}, 20, "warm-up statuses", alive=[w.proc])
    errors_before = w.metric("switchboard_dedup_errors_total")

    # Readiness is polled throughout the outage.
    not_ready = []
    polling = threading.Event()

    def poll_ready():
        while not polling.is_set():
            code = w.get("/readyz")[0]
            if code != 200:
                not_ready.append((round(time.monotonic() - T0, 2), code))
            time.sleep(0.2)

    poller = threading.Thread(target=poll_ready, daemon=True)
    poller.start()
    stream = StreamProducer(h, lambda i: make_event(rng, "e-%05d" % i, channel=rng.choice(["email", "sms"])),
                            rate=200)
    time.sleep(1.0)
    # Keep the data (registry and dedup records) for the restart, then stop without saving.
    rc, out = redis_cli(port, "CONFIG", "GET", "dir")
    check(rc == 0, "redis-cli CONFIG GET dir: %s" % out)
    redis_dir = out.splitlines()[-1]
    check(redis_cli(port, "SAVE")[0] == 0, "redis SAVE")
    redis_cli(port, "SHUTDOWN", "NOSAVE")
    wait_until(lambda: redis_cli(port, "PING", timeout=2)[0] != 0, 10, "redis down")
    down_at = len(stream.produced)
    log("redis_down: Redis on port %d stopped after %d events" % (port, down_at))
    time.sleep(5.0)
    during = stream.produced[down_at:]
    during_set = set(during)
    sent_during = {s["eventId"] for s in status.snapshot() if s["eventId"] in during_set}
    m = w.metrics()
    dedup_errors = w.metric("switchboard_dedup_errors_total", m) - errors_before
    age = w.metric("switchboard_registry_snapshot_age_seconds", m)
    log("redis_down: during the outage %d of %d events got their status so far, dedup errors +%d, snapshot age %.1f s"
        % (len(sent_during), len(during), dedup_errors, age))
    # Restart on the same port with the saved data.
    h.spawn("redis-restarted", [server, "--port", str(port), "--bind", "127.0.0.1", "--dir", redis_dir,
                                "--appendonly", "no", "--save", "", "--daemonize", "no"])
    wait_until(lambda: redis_cli(port, "PING", timeout=2)[1] == "PONG", 10, "redis restarted")
    restarted_at = time.monotonic()

    log_before = len(w.log_text())

    def recovered():
        a = w.metric("switchboard_dedup_errors_total")
        time.sleep(1.0)
        return (w.metric("switchboard_dedup_errors_total") == a
                and "registry reachable again" in w.log_text()[log_before:])

    wait_until(recovered, 20, "dedup errors stop growing after the restart", interval=0.0, alive=[w.proc])
    log("redis_down: worker recovered %.1f s after the restart" % (time.monotonic() - restarted_at))
    produced = stream.stop()
    ids = set(produced)
    wait_until(lambda: ids <= {s["eventId"] for s in status.snapshot()}, 30, "statuses of %d events" % len(ids),
               alive=[w.proc])
    polling.set()
    poller.join(2)
    # Dedup works again: an event completed before the outage (its record survived in the
    # saved data) and one completed after the restart are both reported `duplicate`.
    fresh = email_event("e-after-restart")
    h.produce([dumps(fresh)])
    wait_until(lambda: "e-after-restart" in {s["eventId"] for s in status.snapshot()}, 15, "fresh event status")
    time.sleep(0.5)  # the dedup record is written after the status is acknowledged
    h.produce([dumps(fresh), dumps(warm[0])])
    wait_until(lambda: sum(1 for s in status.snapshot() if s["eventId"] in ("e-after-restart", warm[0]["id"])) >= 4,
               15, "statuses of the two replayed events", alive=[w.proc])
    statuses = status.snapshot()
    replay = {eid: [s["status"] for s in statuses if s["eventId"] == eid] for eid in ("e-after-restart", warm[0]["id"])}
    log("redis_down: replayed events: %s" % replay)
    problems = []
    if not during:
        problems.append("no events were produced during the outage")
    if len(sent_during) < len(during) * 0.5:
        problems.append("only %d of %d events produced during the outage got a status while Redis was down"
                        % (len(sent_during), len(during)))
    if dedup_errors <= 0:
        problems.append("switchboard_dedup_errors_total did not grow while Redis was down")
    if not_ready:
        problems.append("/readyz was not 200 during the outage: %s" % not_ready[:5])
    try:
        repeated = check_every_target([s for s in statuses if s["eventId"] in ids],
                                      explain_expectations(h, stream.events), "redis_down")
        if repeated:
            problems.append("%d targets with several statuses: %s" % (len(repeated), list(repeated)[:3]))
    except Failure as e:
        problems.append(str(e))
    for eid, got in replay.items():
        if got != ["sent", "duplicate"]:
            problems.append("replayed %s: statuses %s (want sent, duplicate)" % (eid, got))
    check(not problems, "; ".join(problems))
    stop_worker(h, w, 15)
    return {"events": len(ids), "during_outage": len(during), "statuses_during_outage": len(sent_during),
            "dedup_errors": int(dedup_errors)}


def scenario_backpressure(h, args):
    h.start_broker()
    sink, port = h.start_sink("--latency-ms", "5000")
    max_in_flight = 200
    config = h.write_config("bp", worker={"max_in_flight": max_in_flight, "drain_timeout_ms": 1000},
                            delivery={"mode": "webhook", "webhook_url": "http://127.0.0.1:%d/e2e" % port,
                                      "max_connections_per_host": 512, "max_queue_ms": 10000,
                                      "timeout_ms": 20000})
    w = h.start_worker("w1", config)
    w.wait_ready(30)
    time.sleep(0.5)
    baseline = w.rss_kb()
    rng = random.Random(17)
    events = []
    for i in range(5000):
        e = make_event(rng, "f-%05d" % i, channel="email")
        e["content"]["body"] = "".join(rng.choice("abcdefghij ") for _ in range(700))  # ~1 KB events
        events.append(dumps(e))
    h.produce(events)
    samples = []
    for _ in range(20):
        rss = w.rss_kb()
        m = w.metrics()
        samples.append((rss, w.metric("switchboard_in_flight", m), w.metric("switchboard_consumer_lag", m),
                        w.metric("switchboard_events_consumed_total", m)))
        time.sleep(0.5)
    max_rss = max(s[0] for s in samples)
    max_if = max(s[1] for s in samples)
    max_lag = max(s[2] for s in samples)
    consumed = samples[-1][3]
    # The bound: 200 events in flight cost well under 1 MB (event copy, HTTP request, status),
    # and the consumer is held at max_in_flight, so the rest of the 5,000 events (~5.5 MB)
    # stays in the broker. What may legitimately grow is librdkafka's prefetch queue (bounded
    # by queued.max.messages.kbytes, 64 MiB by default, and at most the ~5.5 MB produced here),
    # the HTTP client's connections and the allocator's caches: baseline + 100 MB is far above
    # all of that, so a failure means a leak. With only ~5.5 MB of events even a worker without
    # back-pressure could stay below it: the checks that catch that are in flight <=
    # max_in_flight and "consumed in 10 s" (~2 x 200 with 5 s per delivery).
    bound_kb = baseline + 100 * 1024
    log("backpressure: baseline RSS %.1f MB, max %.1f MB (+%.1f MB), max in flight %d, max lag %d, "
        "consumed %d of 5000 in 10 s" % (baseline / 1024, max_rss / 1024, (max_rss - baseline) / 1024, max_if,
                                         max_lag, consumed))
    check(max_if <= max_in_flight, "switchboard_in_flight reached %d > max_in_flight %d" % (max_if, max_in_flight))
    check(max_if >= max_in_flight * 0.9, "in flight never near max_in_flight (%d): back-pressure not exercised" % max_if)
    check(max_rss <= bound_kb, "RSS %d kB above baseline %d kB + 100 MB" % (max_rss, baseline))
    check(consumed <= 2 * max_in_flight + max_in_flight,
          "%d events consumed in 10 s although each takes 5 s and at most %d are in flight"
          % (consumed, max_in_flight))
    check(w.proc.poll() is None, "worker died")
    return {"baseline_rss_mb": round(baseline / 1024, 1), "max_rss_mb": round(max_rss / 1024, 1),
            "max_in_flight": int(max_if), "consumed_in_10s": int(consumed), "max_lag": int(max_lag)}


# ---- delivery through the provider adapters (issue 6) -------------------------------------

def sendgrid_integrations(h, base_url):
    """An integrations file holding only the fixture's SendGrid integration (sg-main), its
    credentials.baseUrl set to `base_url`: every email event routes to it, no failover."""
    with open(INTEGRATIONS) as fh:
        sendgrid = next(i for i in json.load(fh) if i["identifier"] == "sg-main")
    sendgrid["credentials"]["baseUrl"] = base_url
    f = h.path("integrations-sendgrid-%d.json" % h.next_id())
    with open(f, "w") as fh:
        json.dump([sendgrid], fh)
    return f


def adapters_config(h, name, integrations, delivery=None, **more):
    return h.write_config(name, registry={"file": integrations},
                          delivery=dict({"mode": "adapters"}, **(delivery or {})), **more)


def sink_stats(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/_sink/stats" % port, timeout=5) as r:
        return json.loads(r.read())


def deliver_emails(h, config, n, prefix):
    """Starts a worker with `config`, produces `n` email events and waits for one final
    status each. Returns (worker, status tail, event ids, statuses by event id)."""
    status = h.tail(STATUS_TOPIC)
    w = h.start_worker("w1", config)
    w.wait_ready(30)
    ids = ["%s-%04d" % (prefix, i) for i in range(n)]
    h.produce([dumps(email_event(eid)) for eid in ids])
    wanted = set(ids)
    wait_until(lambda: wanted <= {s["eventId"] for s in status.snapshot() if s.get("status") in FINAL}, 45,
               "a final status for each of %d events" % n, interval=0.2, alive=[w.proc])
    time.sleep(0.5)  # a second status for an event would show now
    per = by_event(status.snapshot())
    check(not status.bad, "status topic has non-JSON records: %r" % status.bad[:3])
    check(set(per) == wanted, "statuses for unknown events: %s" % sorted(set(per) - wanted)[:5])
    twice = {k: [s["status"] for s in v] for k, v in per.items() if len(v) > 1}
    check(not twice, "%d events with several statuses, e.g. %s" % (len(twice), list(twice.items())[:3]))
    return w, status, ids, {k: v[0] for k, v in per.items()}


def check_worker_settled(h, w):
    """Healthy and ready, nothing in flight, no dead letters (a failed delivery is a status,
    not a dead letter)."""
    check(w.proc.poll() is None and w.get("/healthz")[0] == 200, "%s is not healthy" % w.name)
    check(w.ready(), "%s is not ready: %s" % (w.name, w.get("/readyz")[1]))
    check(w.metric("switchboard_in_flight") == 0, "events still in flight")
    dlq = h.read_topic(DLQ_TOPIC)
    check(not dlq, "%d dead letters, e.g. %s" % (len(dlq), dlq[:1]))


def scenario_tls_delivery(h, args):
    h.start_broker()
    sink, info = h.start_sink_info("--tls-port", "0")
    integrations = sendgrid_integrations(h, "https://127.0.0.1:%d" % info["https_port"])
    config = adapters_config(h, "tls", integrations, delivery={"ca_file": info["cert"]})
    n = 500
    w, status, ids, final = deliver_emails(h, config, n, "t")
    wrong = [(eid, s["status"], s.get("error")) for eid, s in final.items()
             if s["status"] != "sent" or s.get("providerId") != "sendgrid" or s.get("attempts") != 1
             or not s.get("providerMessageId")]
    check(not wrong, "%d events not sent over TLS at the first attempt with a message id, e.g. %s"
          % (len(wrong), wrong[:3]))
    check(len({s["providerMessageId"] for s in final.values()}) == n, "provider message ids are not unique")
    stats = sink_stats(info["http_port"])
    log("tls_delivery: sink stats %s" % json.dumps(stats))
    check(stats["by_endpoint"].get("sendgrid") == n and stats["requests"] == n,
          "the sink counted %s SendGrid requests of %d requests, want %d"
          % (stats["by_endpoint"], stats["requests"], n))
    check(stats["by_status"] == {"202": n}, "sink answers %s, want %d x 202" % (stats["by_status"], n))
    plain = stats["connections_accepted"] - stats["tls_connections_accepted"]
    check(stats["tls_connections_accepted"] >= 1 and plain == 1,  # 1: the stats request above
          "sink accepted %d plain and %d TLS connections: every delivery must use TLS"
          % (plain - 1, stats["tls_connections_accepted"]))
    check_worker_settled(h, w)
    stop_worker(h, w, 15)
    assert_nothing_redelivered(h, status, config, "w2")
    return {"events": n, "tls_connections": stats["tls_connections_accepted"], "sink_requests": stats["requests"]}


def scenario_tls_wrong_ca(h, args):
    h.start_broker()
    sink, info = h.start_sink_info("--tls-port", "0")
    # Another sink's certificate: a valid self-signed CA, but not the one that signed the target's.
    other, other_info = h.start_sink_info("--tls-port", "0")
    h.stop(other, timeout=5)
    check(other_info["cert"] != info["cert"], "both sinks wrote the same certificate file")
    integrations = sendgrid_integrations(h, "https://127.0.0.1:%d" % info["https_port"])
    # One attempt each: an event's error is then its own handshake's, or the open circuit's.
    config = adapters_config(h, "wrongca", integrations, delivery={"ca_file": other_info["cert"]},
                             retry={"max_attempts": 1})
    n = 200
    w, status, ids, final = deliver_emails(h, config, n, "x")
    verify = re.compile(r"TLS handshake with 127\.0\.0\.1:%d failed: .*certificate verify failed" % info["https_port"])
    # Verification failures are retryable, so after breaker.failure_threshold of them in a row
    # the integration's circuit opens and later events fail at once without a handshake.
    circuit = 'circuit open for integration "sg-main"'
    wrong = [(eid, s["status"], s.get("error")) for eid, s in final.items()
             if s["status"] != "failed" or s.get("providerMessageId")
             or not (verify.search(s.get("error") or "") or s.get("error") == circuit)]
    check(not wrong, "%d events not `failed` with a TLS verification error or an open circuit, e.g. %s"
          % (len(wrong), wrong[:3]))
    verified = sum(1 for s in final.values() if verify.search(s.get("error") or ""))
    check(verified >= 1, "no event failed with the TLS verification error itself")
    attempts = sorted({s["attempts"] for s in final.values()})
    stats = sink_stats(info["http_port"])
    log("tls_wrong_ca: attempts %s, error %r; sink stats %s"
        % (attempts, next(iter(final.values()))["error"], json.dumps(stats)))
    check(stats["requests"] == 0, "the sink answered %d requests although no handshake may succeed" % stats["requests"])
    check(stats["tls_connections_accepted"] >= 1, "no TLS connection reached the sink: nothing was verified")
    check_worker_settled(h, w)
    stop_worker(h, w, 15)
    assert_nothing_redelivered(h, status, config, "w2")
    return {"events": n, "attempts": attempts, "tls_connections_refused": stats["tls_connections_accepted"]}


def scenario_provider_errors(h, args):
    h.start_broker()
    error_rate = 0.3
    sink, port = h.start_sink("--error-rate", str(error_rate), "--error-status", "503", "--seed", "42")
    integrations = sendgrid_integrations(h, "http://127.0.0.1:%d" % port)
    # 10 attempts: an event fails only after 10 injected 503s in a row (0.3^10 = 6e-6 each).
    # The breaker would open on runs of injected 503s; this scenario is about retries alone.
    config = adapters_config(h, "errors", integrations, retry={"max_attempts": 10, "base_ms": 20, "max_ms": 200},
                             breaker={"failure_threshold": 1000000})
    n = 500
    w, status, ids, final = deliver_emails(h, config, n, "r")
    not_sent = [(eid, s["status"], s.get("attempts"), s.get("error")) for eid, s in final.items()
                if s["status"] != "sent" or not s.get("providerMessageId")]
    check(not not_sent, "%d events not sent despite retries, e.g. %s" % (len(not_sent), not_sent[:3]))
    attempts = [s["attempts"] for s in final.values()]
    retried = sum(1 for a in attempts if a > 1)
    stats = sink_stats(port)
    log("provider_errors: %d of %d events retried, attempts max %d, total %d; sink stats %s"
        % (retried, n, max(attempts), sum(attempts), json.dumps(stats)))
    # Each attempt is one request; each retry follows one injected 503.
    check(stats["requests"] == sum(attempts),
          "the sink got %d requests for %d attempts" % (stats["requests"], sum(attempts)))
    check(stats["by_status"].get("503", 0) == sum(attempts) - n and stats["by_status"].get("202") == n,
          "sink answers %s for %d retries and %d sends" % (stats["by_status"], sum(attempts) - n, n))
    check(n * error_rate * 0.6 <= retried <= n * error_rate * 1.4,
          "%d of %d events retried; with a 503 share of %.1f about %d were expected" % (retried, n, error_rate,
                                                                                      n * error_rate))
    check_worker_settled(h, w)
    stop_worker(h, w, 15)
    return {"events": n, "retried_events": retried, "max_attempts": max(attempts),
            "sink_503": stats["by_status"]["503"]}


SCENARIOS = {
    "happy": scenario_happy,
    "sigterm_drain": scenario_sigterm_drain,
    "kill": scenario_kill,
    "poison": scenario_poison,
    "redis_down": scenario_redis_down,
    "backpressure": scenario_backpressure,
    "tls_delivery": scenario_tls_delivery,
    "tls_wrong_ca": scenario_tls_wrong_ca,
    "provider_errors": scenario_provider_errors,
}


def main():
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--switchboard", default=os.path.join(REPO, "build", "switchboard"))
    ap.add_argument("--scenario", required=True, choices=sorted(SCENARIOS) + ["all"])
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (configs, logs)")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--budget", type=float, default=110.0, help="seconds for the whole scenario")
    args = ap.parse_args()
    VERBOSE = args.verbose
    names = sorted(SCENARIOS) if args.scenario == "all" else [args.scenario]

    def on_alarm(signum, frame):
        raise Budget("scenario budget of %.0f s exceeded" % args.budget)

    def on_term(signum, frame):
        raise Budget("terminated by signal %d" % signum)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    failed = 0
    for name in names:
        h = Harness(args.switchboard, args.keep)
        start = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, args.budget)
        try:
            result = SCENARIOS[name](h, args)
            signal.setitimer(signal.ITIMER_REAL, 0)
            log("PASS %s in %.1f s: %s" % (name, time.monotonic() - start, json.dumps(result)))
        except (Failure, Budget, subprocess.TimeoutExpired) as e:
            signal.setitimer(signal.ITIMER_REAL, 0)
            failed += 1
            log("FAIL %s after %.1f s: %s" % (name, time.monotonic() - start, e))
            h.keep = True  # logs and configs of a failed run stay for inspection
            for p in h.procs:
                if p.name.startswith("w") or p.name == "broker":
                    for ext in (".out", ".err"):
                        try:
                            with open(h.path(p.name + ext), errors="replace") as fh:
                                tail = fh.read()[-1200:]
                        except OSError:
                            continue
                        if tail.strip():
                            log("--- %s%s (pid %d, rc %s), tail:\n%s" % (p.name, ext, p.pid, p.poll(), tail))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            h.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
