#!/usr/bin/env python3
"""End-to-end test of `switchboard api` (and `switchboard registry`): starts the real binary
on a free loopback port with a file or Redis store, drives it over HTTP through CRUD,
set-primary, idempotency and error paths, then stops it with SIGTERM (exit 0 expected).

  api_e2e.py --switchboard build/switchboard --backend file
  scripts/with_redis.sh api_e2e.py --switchboard build/switchboard --backend redis

Exit 0 when every check passed; prints each failed check otherwise.
"""

import argparse
import base64
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time

KEY_A = "e2e-key-org-a-env-a"
KEY_B = "e2e-key-org-b-env-a"
ADMIN = "e2e-admin-token-" + secrets.token_hex(8)
SECRET = "SG.e2e-secret-" + secrets.token_hex(6)

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what, flush=True)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def request(self, method, path, body=None, key=KEY_A, headers=None, raw=None, admin=False):
        h = {}
        if admin:
            h["Authorization"] = "Bearer " + ADMIN
            h["X-Switchboard-Organization"] = "org-a"
            h["X-Switchboard-Environment"] = "env-a"
        elif key:
            h["Authorization"] = "ApiKey " + key
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        h.update(headers or {})
        try:
            self.conn.request(method, path, body=data, headers=h)
            r = self.conn.getresponse()
            payload = r.read()
        except (ConnectionError, http.client.HTTPException):
            # The server closes after answering some errors (413): reconnect for the next call.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            raise
        if r.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = None
        return r.status, parsed, payload.decode("utf-8", "replace"), dict((k.lower(), v) for k, v in r.getheaders())


def write_config(workdir, port, backend, redis_url, prefix, threads):
    path = os.path.join(workdir, "api.toml")
    with open(path, "w") as f:
        f.write(f"""
[api]
bind = "127.0.0.1"
port = {port}
threads = {threads}

[[api.keys]]
key = "{KEY_A}"
organization_id = "org-a"
environment_id = "env-a"

[[api.keys]]
key = "{KEY_B}"
organization_id = "org-b"
environment_id = "env-a"

[registry]
backend = "{backend}"
file = "{os.path.join(workdir, 'integrations.json')}"
redis_url = "{redis_url}"
key_prefix = "{prefix}"

[log]
level = "warn"
""")
    return path


def start(binary, config, env, port):
    proc = subprocess.Popen([binary, "api", "--config", config], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    try:
        started = json.loads(line)
    except ValueError:
        started = {}
    if not check(started.get("event") == "api_listening" and started.get("port") == port,
                 f"startup line names the port: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}"):
        proc.kill()
        return None
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            status, body, _, _ = Api(port).request("GET", "/readyz", key=None)
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.05)
    check(False, "readyz answered 200 within 10 s")
    return proc


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = None
    check(code == 0, f"SIGTERM stops the api with exit 0 (got {code})")
    return proc.stdout.read() + proc.stderr.read()


def email(identifier=None, **extra):
    body = {"name": "SendGrid", "providerId": "sendgrid", "channel": "email",
            "credentials": {"apiKey": SECRET, "from": "a@acme.test"}, "active": True}
    if identifier:
        body["identifier"] = identifier
    body.update(extra)
    return body


def crud(api):
    status, body, text, _ = api.request("POST", "/v1/integrations", email("sg-main"))
    check(status == 201, f"create 201 ({status} {text})")
    first = body["data"]
    check(len(first["_id"]) == 24 and first["_organizationId"] == "org-a", "server assigns _id and tenant")
    check(first["primary"] is True, "the first active email integration becomes primary")
    check("credentials" not in first and SECRET not in text, "ApiKey answers carry no credentials")

    status, body, _, _ = api.request("POST", "/v1/integrations", {"providerId": "ses", "channel": "email",
                                                                  "identifier": "ses-backup"})
    check(status == 201 and body["data"]["active"] is False and body["data"]["primary"] is False,
          "active defaults to false")
    second = body["data"]

    status, _, _, _ = api.request("POST", "/v1/integrations", email("sg-main"))
    check(status == 409, f"duplicate identifier 409 (got {status})")

    status, body, text, _ = api.request("GET", "/v1/integrations")
    check(status == 200 and len(body["data"]) == 2 and SECRET not in text, "list")
    status, body, _, _ = api.request("GET", "/v1/integrations/active")
    check(status == 200 and [i["_id"] for i in body["data"]] == [first["_id"]], "active list")
    status, body, _, _ = api.request("GET", "/v1/integrations/" + first["_id"])
    check(status == 200 and body["data"]["identifier"] == "sg-main", "get by id")

    # Another organization sees none of it.
    status, _, _, _ = api.request("GET", "/v1/integrations/" + first["_id"], key=KEY_B)
    check(status == 404, f"cross-organization get is 404 (got {status})")
    status, body, _, _ = api.request("GET", "/v1/integrations", key=KEY_B)
    check(status == 200 and body["data"] == [], "cross-organization list is empty")

    # Admin reads credentials.
    status, body, _, _ = api.request("GET", "/v1/integrations/" + first["_id"], admin=True)
    check(status == 200 and body["data"].get("credentials", {}).get("apiKey") == SECRET, "admin reads credentials")

    status, body, _, _ = api.request("PUT", "/v1/integrations/" + first["_id"], {"name": "Renamed", "priority": 5})
    check(status == 200 and body["data"]["name"] == "Renamed" and body["data"]["priority"] == 5
          and body["data"]["identifier"] == "sg-main", "partial update")
    status, _, _, _ = api.request("PUT", "/v1/integrations/" + first["_id"], {"primary": False})
    check(status == 400, "primary is not updatable with PUT")

    status, body, _, _ = api.request("POST", "/v1/integrations/" + second["_id"] + "/set-primary")
    check(status == 200 and body["data"]["primary"] and body["data"]["active"], "set-primary")
    status, body, _, _ = api.request("GET", "/v1/integrations/" + first["_id"])
    check(body["data"]["primary"] is False, "set-primary demotes the previous primary")

    status, body, _, _ = api.request("DELETE", "/v1/integrations/" + second["_id"])
    check(status == 200 and [i["_id"] for i in body["data"]] == [first["_id"]], "delete answers what is left")
    status, _, _, _ = api.request("GET", "/v1/integrations/" + second["_id"])
    check(status == 404, "a deleted integration is 404")
    status, body, _, _ = api.request("GET", "/v1/integrations/" + first["_id"])
    check(body["data"]["primary"] is False, "deleting a primary promotes nothing")
    return first


def idempotency(api):
    headers = {"Idempotency-Key": "e2e-" + secrets.token_hex(4)}
    s1, b1, t1, h1 = api.request("POST", "/v1/integrations", email("idem-1"), headers=headers)
    s2, b2, t2, h2 = api.request("POST", "/v1/integrations", email("idem-1"), headers=headers)
    check(s1 == 201 and s2 == 201 and t1 == t2, "an Idempotency-Key replays the first answer")
    check(h2.get("idempotency-replay") == "true" and "idempotency-replay" not in h1, "Idempotency-Replay header")
    s3, _, _, _ = api.request("POST", "/v1/integrations", email("idem-2"), headers=headers)
    check(s3 == 422, f"same key, different body: 422 (got {s3})")
    status, body, _, _ = api.request("GET", "/v1/integrations")
    check(sum(1 for i in body["data"] if i["identifier"] == "idem-1") == 1, "the replay created nothing")


def errors(api):
    status, body, _, _ = api.request("GET", "/v1/integrations", key=None)
    check(status == 401 and body["statusCode"] == 401, "no credentials: 401")
    status, _, _, _ = api.request("GET", "/v1/integrations", key="wrong")
    check(status == 401, "unknown key: 401")
    status, body, _, _ = api.request("POST", "/v1/integrations", raw=b'{"providerId": ')
    check(status == 400 and body["statusCode"] == 400, "malformed JSON: 400")
    status, body, _, _ = api.request("POST", "/v1/integrations", {"providerId": "sendgrid", "channel": "fax"})
    check(status == 400 and body["errors"][0]["path"] == "channel", "validation errors name the path")
    status, _, _, _ = api.request("POST", "/v1/integrations", raw=b"{}", headers={"Content-Type": "text/plain"})
    check(status == 415, f"wrong Content-Type: 415 (got {status})")
    status, _, _, _ = api.request("POST", "/v1/integrations", raw=b'{"a":' + b"[" * 100 + b"]" * 100 + b"}")
    check(status == 400, "deep nesting: 400")
    status, _, _, _ = api.request("POST", "/v1/integrations", raw=b'{"name":"\xff\xfe"}')
    check(status == 400, "invalid UTF-8: 400")
    big = b'{"name":"' + b"x" * (1 << 20) + b'"}'
    try:
        status, body, _, headers = api.request("POST", "/v1/integrations", raw=big)
        check(status == 413, f"body over 1 MiB: 413 (got {status})")
    except (ConnectionError, http.client.HTTPException) as e:
        check(False, f"body over 1 MiB: 413 expected, connection failed: {e}")
    status, _, _, _ = api.request("GET", "/healthz", key=None)
    check(status == 200, "healthz after the errors")


def inbox(api, backend, redis_url, prefix):
    """GET /v1/inbox/{subscriberId}: entries appended to the stream as the worker does (XADD),
    read back newest first in pages, only by their own tenant; 501 without Redis."""
    if backend != "redis":
        status, body, _, _ = api.request("GET", "/v1/inbox/sub-1")
        check(status == 501 and "redis" in body["message"], f"inbox without Redis is 501 ({status})")
        return
    host, port = redis_url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    key = prefix + "inbox:org-a:env-a:sub%3A1"  # ':' in ids is escaped as in every registry key
    ids = []
    for n in (1, 2, 3):
        out = subprocess.run(["redis-cli", "-h", host, "-p", port, "XADD", key, "MAXLEN", "~", "1000", "*",
                              "eventId", f"evt-{n}", "subject", f"S{n}", "data", json.dumps({"n": n}),
                              "integration", "novu-main"], capture_output=True, text=True, timeout=10)
        ids.append(out.stdout.strip())
    check(all("-" in i for i in ids), f"redis-cli XADD gave entry ids ({ids})")
    status, body, _, _ = api.request("GET", "/v1/inbox/sub%3A1?limit=2")
    check(status == 200 and [e["id"] for e in body["data"]] == [ids[2], ids[1]] and body["next"] == ids[1],
          f"inbox page 1 is the newest two ({status} {body})")
    if status == 200:
        check(body["data"][0]["eventId"] == "evt-3" and body["data"][0]["data"] == {"n": 3}
              and body["data"][0]["integration"] == "novu-main", f"inbox entry fields ({body['data'][0]})")
    status, body, _, _ = api.request("GET", f"/v1/inbox/sub%3A1?limit=2&before={ids[1]}")
    check(status == 200 and [e["id"] for e in body["data"]] == [ids[0]] and body["next"] is None,
          f"inbox page 2 is the oldest, last page ({status} {body})")
    status, body, _, _ = api.request("GET", "/v1/inbox/sub%3A1", key=KEY_B)
    check(status == 200 and body == {"data": [], "next": None}, f"another organization sees no entries ({body})")
    status, _, _, _ = api.request("GET", "/v1/inbox/sub%3A1?limit=500")
    check(status == 400, f"inbox limit above 100 is 400 ({status})")
    status, _, _, _ = api.request("GET", "/v1/inbox/sub%3A1", key=None)
    check(status == 401, f"inbox needs an API key ({status})")


def registry_roundtrip(binary, config, env, workdir):
    out = subprocess.run([binary, "registry", "export", "--config", config], env=env, capture_output=True, text=True)
    exported = json.loads(out.stdout) if out.returncode == 0 else []
    check(out.returncode == 0 and len(exported) >= 3, f"registry export ({out.returncode} {out.stderr.strip()})")
    check(all("credentials" not in i for i in exported) and SECRET not in out.stdout,
          "export leaves credentials out unless asked")
    out = subprocess.run([binary, "registry", "export", "--config", config, "--with-credentials",
                          "--organization", "org-a"], env=env, capture_output=True, text=True)
    check(out.returncode == 0 and SECRET in out.stdout, "export --with-credentials")

    new = {"_id": "e2e0000000000000000000aa", "_organizationId": "org-a", "_environmentId": "env-a",
           "name": "Imported", "identifier": "imported-sms", "providerId": "twilio", "channel": "sms",
           "credentials": {"accountSid": "AC1", "token": "tok"}, "active": True, "deleted": False, "primary": True}
    path = os.path.join(workdir, "import.json")
    with open(path, "w") as f:
        json.dump(exported + [new], f)
    out = subprocess.run([binary, "registry", "import", "--config", config, "--file", path], env=env,
                         capture_output=True, text=True)
    report = json.loads(out.stdout) if out.returncode == 0 else {}
    deleted = sum(1 for i in exported if i["deleted"])
    check(out.returncode == 0 and report.get("created") == 1 and report.get("unchanged") == deleted
          and report.get("replaced") == len(exported) - deleted,
          f"registry import upserts by _id ({out.stdout.strip()} {out.stderr.strip()})")
    conflict = dict(new, _id="e2e0000000000000000000bb")
    with open(path, "w") as f:
        json.dump([conflict], f)
    out = subprocess.run([binary, "registry", "import", "--config", config, "--file", path], env=env,
                         capture_output=True, text=True)
    check(out.returncode == 1 and "imported-sms" in out.stderr, "import fails on an identifier conflict")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--switchboard", required=True)
    parser.add_argument("--backend", choices=["file", "redis"], default="file")
    parser.add_argument("--api-threads", type=int, default=1, help="api.threads of the server under test")
    args = parser.parse_args()

    redis_url = os.environ.get("SWITCHBOARD_TEST_REDIS_URL", "")
    if args.backend == "redis" and not redis_url:
        print("SWITCHBOARD_TEST_REDIS_URL is not set: run under scripts/with_redis.sh")
        return 2

    with tempfile.TemporaryDirectory(prefix="api_e2e.") as workdir:
        port = free_port()
        prefix = "e2e" + secrets.token_hex(4) + ":"
        config = write_config(workdir, port, args.backend, redis_url or "redis://127.0.0.1:6379/0", prefix,
                              args.api_threads)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_") or k.startswith("SWITCHBOARD_TEST")}

        # Without a secret key the API refuses to start and says how to make one.
        out = subprocess.run([args.switchboard, "api", "--config", config], env=env, capture_output=True, text=True,
                             timeout=10)
        check(out.returncode != 0 and "openssl rand -base64 32" in out.stderr, "refuses to start without a key")
        out = subprocess.run([args.switchboard, "api", "--config", config, "--print-config"], env=env,
                             capture_output=True, text=True, timeout=10)
        check(out.returncode == 0 and KEY_A not in out.stdout and "<redacted>" in out.stdout,
              "--print-config redacts the API keys")

        env["SWITCHBOARD_SECRET_KEY"] = base64.b64encode(os.urandom(32)).decode()
        env["SWITCHBOARD_ADMIN_TOKEN"] = ADMIN
        proc = start(args.switchboard, config, env, port)
        if proc is None:
            return 1
        try:
            api = Api(port)
            first = crud(api)
            idempotency(api)
            errors(api)
            inbox(api, args.backend, redis_url, prefix)
        finally:
            logs = stop(proc)
        check(SECRET not in logs, "no credential in the logs")

        if args.backend == "file":
            with open(os.path.join(workdir, "integrations.json")) as f:
                check(SECRET not in f.read(), "credentials are encrypted at rest")
        # Everything survives a restart.
        proc = start(args.switchboard, config, env, port)
        if proc is not None:
            try:
                status, body, _, _ = Api(port).request("GET", "/v1/integrations/" + first["_id"], admin=True)
                check(status == 200 and body["data"]["name"] == "Renamed"
                      and body["data"]["credentials"]["apiKey"] == SECRET, "data survives a restart")
            finally:
                stop(proc)
        registry_roundtrip(args.switchboard, config, env, workdir)

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("api e2e: all checks passed (" + args.backend + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
