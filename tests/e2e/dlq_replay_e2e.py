#!/usr/bin/env python3
"""End-to-end test of `switchboard dlq replay` against `switchboard broker` (mock cluster).

  dlq_replay_e2e.py --switchboard build/switchboard [--keep] [--verbose]

1. A real worker dead-letters poison events (invalid JSON, a wrong type, an event over
   worker.max_event_bytes, which is truncated), then stops. Good events that a worker
   dead-lettered (as after a since-fixed bug) are added to the dead-letter topic with kcat,
   with a key and a header of their own, plus one record that is no dead letter at all.
2. --dry-run: the summary counts what would be replayed and skipped (truncated,
   not_a_dead_letter); nothing reaches the events topic and nothing is committed.
3. The replay: every replayable record's value and key reach notifications.events
   byte for byte, with the original headers, without x-switchboard-error/-source and with
   x-switchboard-replayed-from; truncated ones are skipped and counted; the process exits
   at the end of the topic.
4. The same group again: nothing left (offsets were committed). A new group with
   --limit 2 takes exactly 2; --since in the future skips everything as before_since.

Reuses the harness of worker_e2e.py (processes, broker, kcat). Exit 0 when every check passed.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

import worker_e2e as e2e
from worker_e2e import DLQ_TOPIC, EVENTS_TOPIC, Failure, check, dumps, email_event, log, wait_until

REPLAYED_FROM = "x-switchboard-replayed-from"


def replay(h, *args, timeout=60):
    """Runs `switchboard dlq replay`; returns (exit code, summary dict, stderr text)."""
    argv = [h.bin, "dlq", "replay", "--brokers", h.bootstrap, "--from-topic", DLQ_TOPIC,
            "--to-topic", EVENTS_TOPIC] + list(args)
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
    if e2e.VERBOSE:
        log("dlq replay", " ".join(args), "->", r.returncode, out.strip(), err.strip()[-300:])
    lines = [l for l in out.splitlines() if l.startswith("{")]
    check(len(lines) == 1, "dlq replay %s: expected one summary line on stdout, got %r (stderr %s)"
          % (args, out, err[-500:]))
    return r.returncode, json.loads(lines[0]), err


def make_dead_letters(h):
    """Phase 1: returns (dlq records, ids of the good events added with kcat)."""
    h.start_broker()
    config = h.write_config("poison")
    w = h.start_worker("w1", config)
    w.wait_ready(30)
    big = email_event("p-huge")
    big["payload"] = {"blob": "x" * (e2e.MAX_EVENT_BYTES + 1000)}
    poison = [b'{"id": "p-bad-json", "organizationId": "org-e2e", "channel": ',
              dumps(dict(email_event("p-sub"), subscriber="someone"))]
    h.produce(poison, headers=["x-e2e-case=poison"])
    h.produce([dumps(big)], headers=["x-e2e-case=huge"], extra=["-z", "lz4"])
    wait_until(lambda: len(h.read_topic(DLQ_TOPIC)) >= 3, 30, "3 dead letters from the worker", interval=0.5,
               alive=[w.proc])
    # Stopped so that it does not consume the replayed copies; its clean shutdown is
    # worker_e2e.py's sigterm_drain scenario, not this test's subject.
    rc, _ = h.stop(w.proc, 20)
    if rc != 0:
        log("note: worker exit code %s after SIGTERM" % rc)
    # Good events a worker dead-lettered, as produced by a worker (same header names), keyed.
    good = [email_event("g-%02d" % i) for i in range(6)]
    lines = [("g-%02d\t" % i).encode() + dumps(e) for i, e in enumerate(good)]
    h.produce(lines, topic=DLQ_TOPIC, extra=["-K", "\t"],
              headers=["traceparent=00-abc-01", "x-switchboard-error=wrong_type: subscriber.locale was a number",
                       "x-switchboard-source=notifications.events/1/7"])
    # Something that is not a dead letter (no x-switchboard-error): never replayed.
    h.produce([dumps(email_event("stray"))], topic=DLQ_TOPIC, headers=["x-e2e-case=stray"])
    dlq = h.read_topic(DLQ_TOPIC)
    check(len(dlq) == 3 + len(good) + 1, "dead-letter topic holds %d records" % len(dlq))
    truncated = [r for r in dlq if dict(r["headers"]).get("x-switchboard-truncated") == "true"]
    check(len(truncated) == 1, "the worker marked %d dead letters truncated (want 1)" % len(truncated))
    return dlq, [e["id"] for e in good]


def scenario(h):
    dlq, good_ids = make_dead_letters(h)
    replayable = [r for r in dlq if "x-switchboard-error" in dict(r["headers"])
                  and dict(r["headers"]).get("x-switchboard-truncated") != "true"]
    check(len(replayable) == 2 + len(good_ids), "%d replayable dead letters" % len(replayable))
    events_before = h.read_topic(EVENTS_TOPIC)

    # 2. Dry run: counts only.
    rc, s, _ = replay(h, "--dry-run", "--group", "replay-e2e")
    check(rc == 0 and s["stopped"] == "end_of_topic" and s["dry_run"], "dry run: rc %s, summary %s" % (rc, s))
    check(s["read"] == len(dlq) and s["would_replay"] == len(replayable) and s["replayed"] == 0,
          "dry run counts: %s" % s)
    check(s["skipped_by_reason"] == {"truncated": 1, "not_a_dead_letter": 1}, "dry run skips: %s" % s)
    check(not s["committed"], "dry run committed %s" % s["committed"])
    check(len(h.read_topic(EVENTS_TOPIC)) == len(events_before), "dry run produced to the events topic")

    # 3. The replay.
    rc, s, err = replay(h, "--group", "replay-e2e")
    check(rc == 0 and s["stopped"] == "end_of_topic", "replay: rc %s, summary %s, stderr %s" % (rc, s, err[-300:]))
    check(s["read"] == len(dlq) and s["replayed"] == len(replayable) and s["failed"] == 0, "replay counts: %s" % s)
    check(s["skipped"] == 2 and s["skipped_by_reason"].get("truncated") == 1, "replay skips: %s" % s)
    check("dlq replay:" in err, "no progress line on stderr")
    check(sum(s["committed"].values()) == len(dlq), "committed offsets %s cover %d records" % (s["committed"], len(dlq)))
    events = h.read_topic(EVENTS_TOPIC)
    copies = [r for r in events if REPLAYED_FROM in dict(r["headers"])]
    check(len(events) == len(events_before) + len(replayable) and len(copies) == len(replayable),
          "events topic: %d records before, %d after, %d copies (want +%d)"
          % (len(events_before), len(events), len(copies), len(replayable)))
    by_source = {"%s/%d/%d" % (DLQ_TOPIC, r["partition"], r["offset"]): r for r in dlq}
    for c in copies:
        hd = dict(c["headers"])
        src = by_source.get(hd[REPLAYED_FROM])
        check(src is not None, "copy names an unknown dead letter %s" % hd[REPLAYED_FROM])
        check(c["value"] == src["value"] and c["key"] == src["key"],
              "copy of %s differs from its dead letter" % hd[REPLAYED_FROM])
        check(not any(k.startswith("x-switchboard-") and k != REPLAYED_FROM for k in hd),
              "copy keeps dead-letter headers: %s" % hd)
        kept = [(k, v) for k, v in src["headers"] if not k.startswith("x-switchboard-")]
        check([(k, v) for k, v in c["headers"] if k != REPLAYED_FROM] == kept,
              "copy headers %s, dead letter's own %s" % (c["headers"], kept))
    values = {c["value"] for c in copies}
    for eid in good_ids:
        check(dumps(email_event(eid)) in values, "good event %s not replayed" % eid)
    check(not any(b"p-huge" in v for v in values), "the truncated event was replayed")
    check(not any(b'"stray"' in v for v in values), "the record without dead-letter headers was replayed")

    # 4. Committed offsets, --limit, --since.
    rc, s, _ = replay(h, "--group", "replay-e2e")
    check(rc == 0 and s["read"] == 0 and s["replayed"] == 0, "second run of the group read again: %s" % s)
    rc, s, _ = replay(h, "--group", "replay-e2e-limit", "--limit", "2", "--dry-run")
    check(rc == 0 and s["stopped"] == "limit" and s["read"] == 2, "--limit 2: %s" % s)
    rc, s, _ = replay(h, "--group", "replay-e2e-since", "--since", "2100-01-01T00:00:00Z", "--dry-run")
    check(rc == 0 and s["would_replay"] == 0 and s["skipped_by_reason"].get("before_since") == len(replayable),
          "--since in the future: %s" % s)
    r = subprocess.run([h.bin, "dlq", "replay", "--brokers", h.bootstrap, "--from-topic", EVENTS_TOPIC],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    check(r.returncode == 2, "--from-topic equal to --to-topic: exit %s (want 2)" % r.returncode)
    return {"dead_letters": len(dlq), "replayed": len(replayable), "skipped": 2}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--switchboard", default=os.path.join(e2e.REPO, "build", "switchboard"))
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--budget", type=float, default=110.0)
    args = ap.parse_args()
    e2e.VERBOSE = args.verbose

    def on_alarm(signum, frame):
        raise e2e.Budget("budget of %.0f s exceeded" % args.budget)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, args.budget)
    h = e2e.Harness(args.switchboard, args.keep)
    start = time.monotonic()
    try:
        result = scenario(h)
        log("PASS dlq_replay in %.1f s: %s" % (time.monotonic() - start, json.dumps(result)))
        return 0
    except (Failure, e2e.Budget, subprocess.TimeoutExpired) as e:
        log("FAIL dlq_replay after %.1f s: %s" % (time.monotonic() - start, e))
        h.keep = True
        return 1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        h.cleanup()


if __name__ == "__main__":
    sys.exit(main())
