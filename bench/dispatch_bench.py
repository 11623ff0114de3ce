#!/usr/bin/env python3
"""Delivery benchmark (issue 6): one `switchboard run` with delivery.mode = "adapters"
delivering email events through the SendGrid adapter to `switchboard sink` on loopback, both
on the same machine. Run it through bench/dispatch_bench.sh; results: docs/performance.md,
"Delivery (issue 6)".

Per mode, a fresh mock broker, sink and worker: N ~1 KB email events (all routed to one
SendGrid integration whose credentials.baseUrl is the sink) are produced before the worker
starts; the worker consumes, routes, POSTs /v3/mail/send to the sink and produces one status
per event. The rate is deliveries per second over the middle 80 % of the statuses' `ts`
(start-up and tail left out); every status must be `sent` and the sink must have answered
exactly N SendGrid requests with 202.

  plain      http://127.0.0.1:P, sink latency 0 ms               target >= 20,000/s
  tls        https://127.0.0.1:P, delivery.ca_file = sink's cert  target >= 12,000/s
  latency50  plain, sink answers after 50 ms; max_in_flight and   target >= 10,000/s
             max_connections_per_host raised: concurrency carries it

Prints a JSON object per mode as it finishes, then the summary JSON and a one-line human
summary last. Reuses pipeline_bench.py (backlog, metrics polling, status rates) and the
process harness of tests/e2e/worker_e2e.py.
"""

import argparse
import json
import os
import signal
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pipeline_bench as pb  # noqa: E402

e2e = pb.e2e

# name: (target deliveries/s, sink options, worker options)
MODES = {
    "plain": (20000, [], {}),
    "tls": (12000, ["--tls-port", "0"], {}),
    "latency50": (10000, ["--latency-ms", "50"], {"max_in_flight": 4000, "max_connections_per_host": 1024}),
}


def run_mode(h, args, name, maker):
    target, sink_args, raised = MODES[name]
    broker = pb.start_broker(h, args.partitions)
    sink, info = h.start_sink_info(*sink_args)
    tls = "https_port" in info
    base_url = "https://127.0.0.1:%d" % info["https_port"] if tls else "http://127.0.0.1:%d" % info["http_port"]
    delivery = {"max_connections_per_host": raised.get("max_connections_per_host", args.max_connections)}
    if tls:
        delivery["ca_file"] = info["cert"]
    max_in_flight = raised.get("max_in_flight", args.max_in_flight)
    config = e2e.adapters_config(h, "dispatch-" + name, e2e.sendgrid_integrations(h, base_url), delivery=delivery,
                                 kafka={"fetch_wait_max_ms": 10, "commit_interval_ms": 500},
                                 worker={"max_in_flight": max_in_flight}, log={"level": "warn"})
    n = args.events
    size = pb.produce_backlog(h, maker, n, name, args.partitions)
    w = h.start_worker("w-" + name, config)
    perf = record_profile(h, w, name) if args.perf else None
    span, cpu = pb.drain_backlog(h, w, n, watch={"sink": sink.pid})
    statuses = pb.read_statuses(h)
    stats = e2e.sink_stats(info["http_port"])
    counts = pb.count_statuses(statuses)
    rates = pb.status_rates(statuses)
    if perf:
        h.stop(perf, timeout=30, sig=signal.SIGINT)  # perf writes its data on SIGINT
    rc, _ = h.stop(w.proc, timeout=20)
    h.stop(sink, timeout=5)
    h.stop(broker, timeout=10)
    e2e.check(len(statuses) == n, "%s: %d statuses for %d events" % (name, len(statuses), n))
    e2e.check(counts == {"sent": n}, "%s: statuses %s, want %d sent" % (name, counts, n))
    e2e.check(stats["by_endpoint"].get("sendgrid") == n and stats["by_status"] == {"202": n},
              "%s: the sink answered %s (%s), want %d SendGrid requests, all 202"
              % (name, stats["by_status"], stats["by_endpoint"], n))
    rate = rates["rate_middle_80pct"]
    result = dict({"mode": name, "target": target, "events": n, "event_bytes": size, "deliveries_per_s": rate,
                   "meets_target": rate >= target}, **rates)
    result.update({"rate_first_consumed_to_all_acked": round(n / max(1e-9, span)),
                   "worker_max_in_flight": max_in_flight,
                   "max_connections_per_host": delivery["max_connections_per_host"],
                   "sink_connections": stats["connections"], "sink_tls_connections": stats["tls_connections_accepted"],
                   "cpu_seconds": cpu, "cores_busy": {k: round(v / max(1e-9, span), 2) for k, v in cpu.items()},
                   "worker_cpu_us_per_delivery": round(cpu["worker"] / n * 1e6, 1),
                   "sink_cpu_us_per_delivery": round(cpu["sink"] / n * 1e6, 1), "worker_exit": rc})
    e2e.log("%s:" % name, json.dumps(result))
    return result


def record_profile(h, w, name):
    """`perf record` of the worker (DWARF call graphs, 299 Hz) while it drains the backlog."""
    return h.spawn("perf-" + name, ["perf", "record", "-F", "299", "--call-graph", "dwarf,16384",
                                    "-o", h.path("perf-%s.data" % name), "-p", str(w.proc.pid)])


def perf_reports(h, names):
    """Per mode, perf-MODE.txt in the kept temporary directory: inclusive time by symbol (the
    DWARF call graphs attribute the adapters', HTTP client's and pipeline's shares)."""
    out = {}
    for name in names:
        data = h.path("perf-%s.data" % name)
        if not os.path.exists(data):
            continue
        path = h.path("perf-%s.txt" % name)
        with open(path, "wb") as fh:
            subprocess.run(["perf", "report", "-i", data, "--children", "--sort", "symbol", "--stdio",
                            "--percent-limit", "1", "-g", "none"], stdout=fh, stderr=subprocess.DEVNULL, timeout=180)
        out[name] = path
    return out


def load_average():
    with open("/proc/loadavg") as fh:
        return [float(x) for x in fh.read().split()[:3]]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--switchboard", default=os.path.join(REPO, "build", "switchboard"))
    ap.add_argument("--modes", default="plain,tls,latency50", help="comma-separated: " + ", ".join(MODES))
    ap.add_argument("--events", type=int, default=100000, help="events per mode")
    ap.add_argument("--partitions", type=int, default=32, help="the mock keeps 5 MiB per partition")
    ap.add_argument("--max-in-flight", type=int, default=1000, help="worker.max_in_flight of plain and tls")
    ap.add_argument("--max-connections", type=int, default=64,
                    help="delivery.max_connections_per_host of plain and tls")
    ap.add_argument("--perf", action="store_true", help="perf record the worker; reports kept in the temp dir")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    names = [m for m in args.modes.split(",") if m]
    unknown = [m for m in names if m not in MODES]
    if unknown:
        ap.error("unknown modes %s (known: %s)" % (unknown, ", ".join(MODES)))
    h = e2e.Harness(args.switchboard, args.keep or args.perf)
    maker = pb.EventMaker(channels=("email",))
    out = {"events_per_mode": args.events, "cores": os.cpu_count(), "load_average_before": load_average()}
    try:
        for name in names:
            out[name] = run_mode(h, args, name, maker)
        out["load_average_after"] = load_average()
        if args.perf:
            out["perf_reports"] = perf_reports(h, names)
    except (e2e.Failure, subprocess.TimeoutExpired) as e:
        e2e.log("FAILED:", e)
        h.keep = True
        return 1
    finally:
        h.cleanup()
    print(json.dumps(out))
    print("dispatch_bench: " + "; ".join(
        "%s %d/s (target %d, %s)" % (n, out[n]["deliveries_per_s"], out[n]["target"],
                                     "met" if out[n]["meets_target"] else "NOT met") for n in names)
          + "; load average %s before, %s after" % (out["load_average_before"], out["load_average_after"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
