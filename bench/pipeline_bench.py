#!/usr/bin/env python3
"""Worker pipeline benchmark (issue 5): `switchboard run` with delivery.mode = "null" against
`switchboard broker` (librdkafka's mock cluster) on the same machine. Run it through
bench/pipeline_bench.sh; results: docs/performance.md, "Worker pipeline".

Phase 1, throughput: N events of ~1 KB (email and sms, routed against
tests/e2e/worker_fixtures/integrations.json, one target each; keyed, lz4) are produced before
the worker starts, on --partitions partitions (32 by default: the mock keeps only 5 MiB per
partition and silently evicts beyond, which the bench checks); the worker then consumes,
routes, "delivers" and produces one status per event. The rate is N over the span of the
statuses' `ts` (first to last status created), cross-checked by N over the time from the
first consumed event to the last status acknowledged (/metrics polled every 50 ms).

Phase 2, latency: a fresh broker (--latency-partitions, 6) and worker; events stamped with
`createdAt` are produced at a steady RATE (default: half the phase-1 rate) for SECONDS. The
statuses' `latencyMs` is the worker's time from taking the message (on_message) to producing
its status; the end-to-end latency is status `ts` - `createdAt` (the load generator, kcat's
producer, the mock broker, the fetch wait and the worker's queues included). The first
second is warm-up and not counted.

Phase 3, baseline: the same steady stream read by a plain `kcat -C` instead of the worker
(createdAt to the line read): the end-to-end latency without any worker. The worker's
added latency is roughly phase 2's minus phase 3's.

Prints one JSON object on the last line. Standard library and kcat only; it reuses the
process harness of tests/e2e/worker_e2e.py (process groups, deadlines, cleanup), and
bench/dispatch_bench.py reuses its backlog helpers (EventMaker, produce_backlog,
drain_backlog, status_rates).
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))
import worker_e2e as e2e  # noqa: E402

BODY_WORDS = ("order shipped tracking parcel delivery window courier address invoice payment receipt "
              "thanks support account settings preferences unsubscribe newsletter summer sale").split()


class EventMaker:
    """~1 KB events from a template: cheap enough to produce 50k+/s from Python."""

    def __init__(self, seed=1, channels=("email", "email", "email", "sms", "sms")):
        """channels: event i gets channels[i % len(channels)]."""
        import random
        self.channels = channels
        rng = random.Random(seed)
        self.bodies = [" ".join(rng.choice(BODY_WORDS) for _ in range(70)) for _ in range(64)]
        self.template = (
            '{"id":"%s","organizationId":"org-e2e","environmentId":"env-e2e","channel":"%s",'
            '"transactionId":"txn-%s","subscriber":{"subscriberId":"sub-%d","email":"user%d@bench.test",'
            '"phone":"%s","firstName":"Ada","lastName":"Lovelace","locale":"%s",'
            '"data":{"tier":"%s","signupYear":2019,"score":87.5}},'
            '"tenant":{"identifier":"acme","name":"Acme","data":{"plan":"pro","region":"eu-central"}},'
            '"payload":{"amount":%d,"currency":"EUR","order":{"id":"ord-%d","items":3,"status":"paid"}},'
            '"content":{"subject":"Your order ord-%d has shipped","body":"%s"}%s}')
        self.phones = ["+4915112345678", "+15550123", "+33612345678"]
        self.locales = ["de", "en", "fr", "at", "en"]
        self.tiers = ["gold", "silver", "bronze"]
        self.amounts = [5, 120, 999, 1000, 2500]

    def line(self, i, prefix, created_at=None, keyed=True):
        """One event; keyed: "ID<TAB>JSON" for kcat -K '\\t' (keys spread the events over the
        partitions; without them the sticky partitioner fills a few partitions at a time)."""
        eid = "%s-%07d" % (prefix, i)
        extra = ',"createdAt":"%s"' % created_at if created_at else ""
        event = self.template % (eid, self.channels[i % len(self.channels)], eid, i, i, self.phones[i % 3],
                                 self.locales[i % 5], self.tiers[i % 3], self.amounts[i % 5], i, i,
                                 self.bodies[i % 64], extra)
        return ((eid + "\t" if keyed else "") + event).encode()


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def iso_ms(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_ts(ts):
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()


def read_statuses(h, timeout=120):
    r = subprocess.run([h.kcat, "-b", h.bootstrap, "-t", e2e.STATUS_TOPIC, "-C", "-e", "-q", "-o", "beginning",
                        "-X", "fetch.wait.max.ms=50", "-f", "%s\n"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    e2e.check(r.returncode == 0, "kcat: " + r.stderr.decode()[-300:])
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def first_offsets(h, topic=e2e.EVENTS_TOPIC, partitions=None):
    out = []
    for p in range(partitions or 64):
        r = subprocess.run([h.kcat, "-b", h.bootstrap, "-t", topic, "-C", "-p", str(p), "-o", "beginning", "-c", "1",
                            "-e", "-q", "-f", "%o\n"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        if r.returncode != 0:
            break
        out.append(int(r.stdout.strip() or -1))
    return out


def worker_config(h, args):
    return h.write_config("bench", kafka={"fetch_wait_max_ms": args.fetch_wait_ms, "commit_interval_ms": 500},
                          worker={"max_in_flight": args.max_in_flight}, log={"level": "warn"})


def start_broker(h, partitions):
    f = h.path("bootstrap")
    if os.path.exists(f):
        os.unlink(f)
    p = h.spawn("broker%d" % h.next_id(), [h.bin, "broker", "--partitions", str(partitions), "--bootstrap-file", f])
    h.bootstrap = e2e.wait_until(lambda: os.path.exists(f) and open(f).read().strip(), 20, "broker", alive=[p])
    return p


def produce_backlog(h, maker, n, prefix, partitions):
    """Produces n events (keyed, lz4) before any worker runs; fails when the mock broker
    evicted some (it keeps 5 MiB per partition). Returns the size of one event."""
    t = time.monotonic()
    h.produce((maker.line(i, prefix) for i in range(n)),
              extra=["-K", "\t", "-z", "lz4", "-X", "linger.ms=20", "-X", "batch.num.messages=10000",
                     "-X", "queue.buffering.max.messages=2000000"], timeout=300)
    size = len(maker.line(0, prefix, keyed=False))
    e2e.log("%d events of ~%d bytes produced in %.1f s" % (n, size, time.monotonic() - t))
    firsts = first_offsets(h, partitions=partitions)
    e2e.check(all(o == 0 for o in firsts),
              "the mock broker evicted events (5 MiB per partition): first offsets %s; use more --partitions "
              "or fewer --events" % firsts)
    return size


def drain_backlog(h, w, n, watch=None, timeout=300):
    """Polls the worker's /metrics every 50 ms until it produced n statuses and has nothing
    in flight. Returns (seconds from the first consumed event to the last status acknowledged,
    CPU seconds over that span per process: the worker and `watch` {name: pid})."""
    samples = []  # (t, consumed, deliveries, in_flight)
    pids = dict(watch or {}, worker=w.proc.pid)
    cpu0 = None
    deadline = time.monotonic() + timeout
    while True:
        e2e.check(w.proc.poll() is None, "worker exited")
        e2e.check(time.monotonic() < deadline, "the worker did not finish %d events in %d s" % (n, timeout))
        status, _ = w.get("/metrics")
        if status == 200:
            m = w.metrics()
            s = (time.monotonic(), w.metric("switchboard_events_consumed_total", m),
                 w.metric("switchboard_deliveries_total", m), w.metric("switchboard_in_flight", m))
            if cpu0 is None and s[1] > 0:
                cpu0 = {k: cpu_seconds(pid) for k, pid in pids.items()}
            samples.append(s)
            if s[2] >= n and s[3] == 0:
                break
            if s[1] > 0 and s[3] == 0 and len(samples) > 100 and samples[-100][2] == s[2]:
                raise e2e.Failure("no progress for 5 s: consumed %d, statuses %d of %d events; first offsets "
                                  "per partition (mock retention evicts beyond 5 MiB): %s"
                                  % (s[1], s[2], n, first_offsets(h)))
        time.sleep(0.05)
    cpu = {k: round(cpu_seconds(pid) - (cpu0 or {}).get(k, 0.0), 2) for k, pid in pids.items()}
    first = next(s for s in samples if s[1] > 0)
    e2e.check(samples[-1][1] == n, "the worker consumed %d of %d events (mock retention evicted some?)"
              % (samples[-1][1], n))
    return samples[-1][0] - first[0], cpu


def status_rates(statuses):
    """Rates from the statuses' `ts`: over the whole span, over the middle 80 % (without the
    start-up and the tail), and the densest 1 s window."""
    ts = sorted(parse_ts(st["ts"]) for st in statuses)
    n = len(ts)
    lo, hi = ts[n // 10], ts[n - 1 - n // 10]
    best, j = 0, 0
    for i in range(n):
        while ts[i] - ts[j] > 1.0:
            j += 1
        best = max(best, i - j + 1)
    return {"rate_by_status_ts": round(n / max(1e-3, ts[-1] - ts[0])),
            "rate_middle_80pct": round((n - 1 - 2 * (n // 10)) / max(1e-3, hi - lo)),
            "best_1s_window": best, "seconds": round(ts[-1] - ts[0], 3)}


def count_statuses(statuses):
    counts = {}
    for st in statuses:
        counts[st["status"]] = counts.get(st["status"], 0) + 1
    return counts


def phase_throughput(h, args, maker):
    broker = start_broker(h, args.partitions)
    n = args.events
    size = produce_backlog(h, maker, n, "tp", args.partitions)
    w = h.start_worker("w-tp", worker_config(h, args))
    span, cpu = drain_backlog(h, w, n)
    statuses = read_statuses(h)
    e2e.check(len(statuses) == n, "%d statuses for %d events" % (len(statuses), n))
    rc, _ = h.stop(w.proc, timeout=20)
    h.stop(broker, timeout=10)
    result = dict({"events": n, "event_bytes": size, "statuses": count_statuses(statuses)}, **status_rates(statuses))
    result.update({"rate_first_consumed_to_all_acked": round(n / max(1e-9, span)),
                   "worker_cpu_seconds": cpu["worker"], "worker_cpu_us_per_event": round(cpu["worker"] / n * 1e6, 1),
                   "worker_exit": rc})
    e2e.log("throughput:", json.dumps(result))
    return result


def phase_latency(h, args, maker, rate):
    broker = start_broker(h, args.latency_partitions)
    config = worker_config(h, args)
    w = h.start_worker("w-lat", config)
    w.wait_ready(30)
    # Warm-up: the status producer's metadata and connections.
    h.produce([maker.line(i, "warm") for i in range(2000)], extra=["-K", "\t"])
    e2e.wait_until(lambda: w.metric("switchboard_deliveries_total") >= 2000, 30, "warm-up statuses")
    in_flight = []  # sampled every 100 ms: at max_in_flight the consumer is held

    def sample():
        while not done.is_set():
            status, _ = w.get("/metrics")
            if status == 200:
                in_flight.append(w.metric("switchboard_in_flight"))
            time.sleep(0.1)

    import threading
    done = threading.Event()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start, stamps, achieved, cores = produce_steady(h, maker, rate, args.seconds, "lat",
                                                    watch={"worker": w.proc.pid, "broker": broker.pid})
    done.set()
    sampler.join(5)
    total = len(stamps)
    e2e.wait_until(lambda: w.metric("switchboard_deliveries_total") >= 2000 + total, 60, "latency-phase statuses")
    statuses = [s for s in read_statuses(h) if s["eventId"].startswith("lat-")]
    e2e.check(len(statuses) == total, "%d statuses for %d events" % (len(statuses), total))
    lat, e2e_ms = [], []
    warm_until = start + 1.0  # the first second is warm-up
    for s in statuses:
        created = stamps[int(s["eventId"].split("-")[1])]
        if created < warm_until:
            continue
        lat.append(s["latencyMs"])
        e2e_ms.append((parse_ts(s["ts"]) - created) * 1000.0)
    rc, _ = h.stop(w.proc, timeout=20)
    h.stop(broker, timeout=10)
    pct = e2e.percentile
    result = {"rate": round(rate), "achieved_rate": round(achieved), "events": total, "counted": len(lat),
              "latency_ms": {"p50": round(pct(lat, 50), 3), "p90": round(pct(lat, 90), 3),
                             "p99": round(pct(lat, 99), 3), "p999": round(pct(lat, 99.9), 3),
                             "max": round(max(lat), 3)},
              "end_to_end_ms": {"p50": round(pct(e2e_ms, 50), 1), "p99": round(pct(e2e_ms, 99), 1)},
              "in_flight": {"p50": pct(in_flight, 50), "max": max(in_flight or [0]),
                            "held_samples": sum(1 for x in in_flight if x >= args.max_in_flight),
                            "samples": len(in_flight)},
              "cores_busy": cores, "worker_exit": rc}
    e2e.log("latency:", json.dumps(result))
    return result


def produce_steady(h, maker, rate, seconds, prefix, watch=None):
    """Writes events stamped with createdAt to a `kcat -P` at `rate`/s for `seconds`.
    Returns (wall start, stamps per event index, achieved rate, cores busy per process of
    `watch` {name: pid}, the producer kcat and this script included)."""
    kcat = h.spawn("producer%d" % h.next_id(), [h.kcat, "-b", h.bootstrap, "-t", e2e.EVENTS_TOPIC, "-P",
                                                "-K", "\t", "-X", "linger.ms=1"], stdin=subprocess.PIPE)
    pids = dict(watch or {}, producer_kcat=kcat.pid)
    cpu0 = {k: cpu_seconds(pid) for k, pid in pids.items()}
    cpu0["load_generator_python"] = sum(os.times()[:2])
    start = time.time()
    t0 = time.monotonic()
    n = 0
    total = int(rate * seconds)
    stamps = []  # wall time written into createdAt, per event index (the status does not echo it)
    while n < total:
        due = min(total, int((time.monotonic() - t0) * rate) + 1)
        if due > n:
            now = time.time()
            stamp = iso_ms(now)
            kcat.stdin.write(b"".join(maker.line(i, prefix, stamp) + b"\n" for i in range(n, due)))
            kcat.stdin.flush()
            stamps.extend([parse_ts(stamp)] * (due - n))
            n = due
        time.sleep(0.002)
    elapsed = time.monotonic() - t0
    cpu1 = {k: cpu_seconds(pid) for k, pid in pids.items()}
    cpu1["load_generator_python"] = sum(os.times()[:2])
    cores = {k: round((cpu1[k] - cpu0[k]) / elapsed, 2) for k in cpu0}
    kcat.stdin.close()
    e2e.check(kcat.wait(30) == 0, "producer kcat failed")
    return start, stamps, total / elapsed, cores


def phase_baseline(h, args, maker, rate):
    """The same steady stream read by a plain `kcat -C` (same fetch.wait.max.ms) instead of
    the worker: what the producer, the mock broker and the fetch add without any worker."""
    broker = start_broker(h, args.latency_partitions)
    h.produce([maker.line(i, "warm") for i in range(2000)], extra=["-K", "\t"])
    consumer = h.spawn("baseline-consumer", [h.kcat, "-b", h.bootstrap, "-t", e2e.EVENTS_TOPIC, "-C", "-q", "-u",
                                             "-o", "end", "-X", "fetch.wait.max.ms=%d" % args.fetch_wait_ms,
                                             "-f", "%s\n"], stdout=subprocess.PIPE)
    received = []

    def reader():
        import re
        pat = re.compile(rb'"id":"base-(\d+)".*"createdAt":"([^"]+)"')
        for line in consumer.stdout:
            now = time.time()
            m = pat.search(line)
            if m:
                received.append((int(m.group(1)), now))

    import threading
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    time.sleep(2.0)  # the consumer's assignment
    start, stamps, achieved, cores = produce_steady(h, maker, rate, args.seconds, "base",
                                                    watch={"broker": broker.pid, "consumer_kcat": consumer.pid})
    e2e.wait_until(lambda: len(received) >= len(stamps), 30, "baseline consumer caught up")
    h.stop(consumer, timeout=5)
    h.stop(broker, timeout=10)
    ms = [(now - stamps[i]) * 1000.0 for i, now in received if stamps[i] >= start + 1.0]
    pct = e2e.percentile
    result = {"rate": round(rate), "achieved_rate": round(achieved), "counted": len(ms),
              "producer_to_kcat_consumer_ms": {"p50": round(pct(ms, 50), 1), "p99": round(pct(ms, 99), 1)},
              "cores_busy": cores}
    e2e.log("baseline:", json.dumps(result))
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--switchboard", default=os.path.join(REPO, "build", "switchboard"))
    ap.add_argument("--events", type=int, default=300000)
    ap.add_argument("--partitions", type=int, default=32,
                    help="partitions per topic; the mock keeps 5 MiB per partition: 300k lz4 events need ~24")
    ap.add_argument("--latency-partitions", type=int, default=6,
                    help="partitions per topic in the latency phases (a steady stream: retention is no issue)")
    ap.add_argument("--seconds", type=float, default=6.0,
                    help="length of the latency phase (the mock's retention must hold its statuses)")
    ap.add_argument("--rate", type=float, default=0.0, help="latency-phase rate; 0: half the measured maximum")
    ap.add_argument("--fetch-wait-ms", type=int, default=10)
    ap.add_argument("--max-in-flight", type=int, default=1000)
    ap.add_argument("--phase", choices=["both", "throughput", "latency"], default="both")
    ap.add_argument("--no-baseline", action="store_true", help="skip the broker-only latency baseline")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    h = e2e.Harness(args.switchboard, args.keep)
    maker = EventMaker()
    out = {"events": args.events, "partitions": args.partitions, "latency_partitions": args.latency_partitions,
           "fetch_wait_max_ms": args.fetch_wait_ms}
    try:
        if args.phase in ("both", "throughput"):
            out["throughput"] = phase_throughput(h, args, maker)
        if args.phase in ("both", "latency"):
            rate = args.rate or out["throughput"]["rate_by_status_ts"] / 2.0
            out["latency"] = phase_latency(h, args, maker, rate)
            if not args.no_baseline:
                out["baseline"] = phase_baseline(h, args, maker, rate)
    except (e2e.Failure, subprocess.TimeoutExpired) as e:
        e2e.log("FAILED:", e)
        h.keep = True
        return 1
    finally:
        h.cleanup()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
