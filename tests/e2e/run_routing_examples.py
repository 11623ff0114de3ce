#!/usr/bin/env python3
"""Runs routing examples (shared/spec/examples/README.md format) through `switchboard explain`.

Each example's files are written to a temporary directory, the real binary is run, and the
exit code and decision are compared as the README describes. Prints one line per failure and
a closing 'N passed, N failed' line; exits non-zero on any failure.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def write(path, value, raw):
    with open(path, "w", encoding="utf-8") as f:
        f.write(raw if raw is not None else json.dumps(value))


def target_matches(expected, actual):
    name = expected["target"]
    if name == "*":
        pass
    elif name.endswith(":*"):
        if not actual["target"].startswith(name[:-1]):
            return False
    elif actual["target"] != name:
        return False
    chosen = actual["chosen"]["identifier"] if actual["chosen"] else None
    if chosen != expected["chosen"] or actual["status"] != expected["status"]:
        return False
    if "reason" in expected and (actual["chosen"] or {}).get("reason", actual["reason"]) != expected["reason"]:
        return False
    failover = [f["identifier"] for f in actual["failover"]]
    if "failover" in expected and failover != expected["failover"]:
        return False
    if "failover_prefix" in expected and failover[: len(expected["failover_prefix"])] != expected["failover_prefix"]:
        return False
    for r in expected.get("rejected_includes", []):
        if {"identifier": r["identifier"], "why": r["why"]} not in actual["rejected"]:
            return False
    return True


def assign(expected_targets, actual_targets):
    """Matches every expected target to a different actual one (small sets: backtracking)."""
    def go(i, used):
        if i == len(expected_targets):
            return True
        for j, a in enumerate(actual_targets):
            if j not in used and target_matches(expected_targets[i], a):
                if go(i + 1, used | {j}):
                    return True
        return False
    return go(0, frozenset())


def check(example, binary, tmp):
    ints = os.path.join(tmp, "integrations.json")
    event = os.path.join(tmp, "event.json")
    write(ints, example.get("integrations"), example.get("integrations_raw"))
    write(event, example.get("event"), example.get("event_raw"))
    proc = subprocess.run([binary, "explain", "--integrations", ints, "--event", event],
                          capture_output=True, text=True, timeout=30)
    if proc.returncode != example["expect_exit"]:
        return f"exit {proc.returncode}, expected {example['expect_exit']}; stderr: {proc.stderr.strip()}"
    if proc.returncode == 2:
        lines = proc.stderr.strip().splitlines()
        return None if len(lines) == 1 else f"stderr must be one line, got {len(lines)}"
    out = json.loads(proc.stdout)
    ev = example["event"]
    if out["eventId"] != ev["id"] or out["channel"] != ev["channel"]:
        return "eventId/channel differ from the event"
    expected = example["expect"]["targets"]
    if len(out["targets"]) != len(expected):
        return f"{len(out['targets'])} targets, expected {len(expected)}: {proc.stdout.strip()}"
    names = [t["target"] for t in out["targets"]]
    if len(set(names)) != len(names):
        return f"target names not unique: {names}"
    if not assign(expected, out["targets"]):
        return f"decision differs: got {proc.stdout.strip()}"
    for t in out["targets"]:
        if t["chosen"]:
            match = [i for i in example["integrations"]
                     if i["identifier"] == t["chosen"]["identifier"] and i["_environmentId"] == ev["environmentId"]]
            if not match or match[0]["_id"] != t["chosen"]["_id"] or match[0]["providerId"] != t["chosen"]["providerId"]:
                return f"chosen {t['chosen']} does not name an integration of the event's environment"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--switchboard", required=True)
    parser.add_argument("--examples", action="append", required=True)
    args = parser.parse_args()
    passed = failed = 0
    for path in args.examples:
        with open(path, encoding="utf-8") as f:
            examples = json.load(f)
        for example in examples:
            with tempfile.TemporaryDirectory() as tmp:
                problem = check(example, args.switchboard, tmp)
            if problem:
                failed += 1
                print(f"FAIL {example['name']}: {problem}")
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
