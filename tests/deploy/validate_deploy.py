#!/usr/bin/env python3
"""Static checks of deploy/ (no kubectl, no Docker daemon: neither exists where this runs).

  validate_deploy.py [--repo DIR] [--binary build/switchboard] [--self-test]

Parses every manifest and checks, per kind, the fields Kubernetes requires plus the
invariants that tie the manifests to switchboard itself:

- the ConfigMap's switchboard.toml parses (tomllib) and names only keys of the generated
  reference docs/configuration.md, with values of the documented type and its cross-key
  rules; admin and API listeners bind 0.0.0.0 (probes come from the node);
- Deployments: probes /readyz and /healthz on the port the config gives the command
  (worker.admin_port for `run`, api.port for `api`); terminationGracePeriodSeconds longer
  than preStop + worker.drain_timeout_ms + the worker's 10 s flush-and-close budget;
  resources, anti-affinity, non-root; every env variable a real override (docs/configuration.md)
  or one of the secrets the code reads; every secretKeyRef present in the Secret; one
  image everywhere; --config inside the ConfigMap's mount;
- Services, PDBs and the HPA select or target existing Deployments and ports;
- the Secret holds placeholders only;
- compose.yaml: the services of a laptop run, depends_on targets and conditions, config
  files that exist and validate like the ConfigMap;
- the Dockerfile: multi-stage (Debian 12 build, debian:12-slim runtime), build packages
  from scripts/setup.sh, a non-root USER, a HEALTHCHECK, the binary as ENTRYPOINT, and
  with --binary: a runtime package for every library the binary links (NEEDED entries).

--self-test also applies known-bad mutations to a copy and fails unless every one of them
is caught, so the checks themselves are tested. Exit 0 when everything passed.
Python 3.11+ (tomllib) and PyYAML.
"""

import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

import yaml

SECRET_ENV = {"SWITCHBOARD_SECRET_KEY", "SWITCHBOARD_SECRET_KEY_PREVIOUS", "SWITCHBOARD_ADMIN_TOKEN"}
# Read by deploy/healthcheck.sh only (which port the container HEALTHCHECK probes).
HEALTH_ENV = "SWITCHBOARD_HEALTH_PORT"
LIBRDKAFKA_ENV_PREFIX = "SWITCHBOARD_KAFKA_LIBRDKAFKA_"
# Worker shutdown after the drain: producer flush (5 s) and consumer close (5 s), see
# WorkerProcess::shutdown in worker/worker_process.cpp.
WORKER_CLOSE_BUDGET_S = 10
API_VERSIONS = {
    "Deployment": "apps/v1",
    "Service": "v1",
    "ConfigMap": "v1",
    "Secret": "v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "PodDisruptionBudget": "policy/v1",
}
# Libraries every debian:12-slim has (libc6, libstdc++6, libgcc-s1).
BASE_IMAGE_LIBS = ("libc.so", "libm.so", "libstdc++.so", "libgcc_s.so", "ld-linux", "libpthread.so", "libdl.so",
                   "librt.so", "linux-vdso")
# soname prefix -> Debian 12 package, used where dpkg cannot be asked.
SONAME_PACKAGES = {
    "librdkafka.so.1": "librdkafka1",
    "libhiredis.so.0.14": "libhiredis0.14",
    "libsimdjson.so.14": "libsimdjson14",
    "libspdlog.so.1.10": "libspdlog1.10",
    "libfmt.so.9": "libfmt9",
    "libssl.so.3": "libssl3",
    "libcrypto.so.3": "libssl3",
    "libtomlplusplus.so.3": "libtomlplusplus3",
}
SUBCOMMANDS = {"run", "api", "sink", "broker", "registry", "dlq", "explain", "validate", "demo", "loadgen"}


class Checker:
    def __init__(self, repo, binary=None):
        self.repo = repo
        self.binary = binary
        self.errors = []
        self.keys = self.load_reference()

    def error(self, where, what):
        self.errors.append("%s: %s" % (where, what))

    def path(self, *parts):
        return os.path.join(self.repo, *parts)

    # ---- the config reference ------------------------------------------------------------

    def load_reference(self):
        """docs/configuration.md's reference table: key -> (type text, environment variable)."""
        keys = {}
        with open(self.path("docs", "configuration.md"), encoding="utf-8") as fh:
            for line in fh:
                m = re.match(r"^\| `([a-z_]+\.[a-z_]+)` \| ([^|]+) \| [^|]* \| `([A-Z0-9_<>]+)` \|", line)
                if m:
                    keys[m.group(1)] = (m.group(2).strip(), m.group(3))
        if len(keys) < 20:
            raise SystemExit("cannot read the key reference of docs/configuration.md (found %d keys)" % len(keys))
        return keys

    def env_allowed(self, name):
        if name in SECRET_ENV or name == HEALTH_ENV:
            return True
        if name.startswith(LIBRDKAFKA_ENV_PREFIX) and len(name) > len(LIBRDKAFKA_ENV_PREFIX):
            return True
        return any(env == name for _, env in self.keys.values())

    def check_config(self, where, text):
        """Parses switchboard.toml text; returns the effective values {section.key: value}
        (documented defaults not filled in) or None."""
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            self.error(where, "switchboard.toml does not parse: %s" % e)
            return None
        values = {}
        for section, table in doc.items():
            if not isinstance(table, dict):
                self.error(where, "top-level `%s` is not a [section]" % section)
                continue
            for key, value in table.items():
                full = "%s.%s" % (section, key)
                if full not in self.keys:
                    self.error(where, "unknown config key `%s` (not in docs/configuration.md)" % full)
                    continue
                self.check_type(where, full, self.keys[full][0], value)
                values[full] = value
        self.check_cross_keys(where, values)
        return values

    def check_type(self, where, key, type_text, value):
        if type_text.startswith(("uint", "int")):
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            m = re.search(r"(\d+)\.\.(\d+)", type_text)
            if ok and m:
                ok = int(m.group(1)) <= value <= int(m.group(2))
            m = re.search(r"≥ (\d+)", type_text)
            if ok and m:
                ok = value >= int(m.group(1))
        elif type_text.startswith("string"):
            ok = isinstance(value, str)
            m = re.match(r"string: (.*)", type_text)
            if ok and m:
                ok = value in [v.strip() for v in m.group(1).split(",")]
            if ok and "not empty" in type_text:
                ok = value != ""
        elif type_text.startswith("table"):
            ok = isinstance(value, dict) and all(isinstance(v, (str, int, bool)) for v in value.values())
        elif type_text.startswith("array"):
            ok = isinstance(value, list)
        else:
            ok = True
        if not ok:
            self.error(where, "`%s` = %r does not match its documented type (%s)" % (key, value, type_text))

    def check_cross_keys(self, where, values):
        def get(key, default):
            return values.get(key, default)

        if get("kafka.heartbeat_interval_ms", 3000) >= get("kafka.session_timeout_ms", 45000):
            self.error(where, "kafka.heartbeat_interval_ms must be below kafka.session_timeout_ms")
        if get("retry.max_ms", 5000) < get("retry.base_ms", 100):
            self.error(where, "retry.max_ms must be at least retry.base_ms")
        events = get("kafka.events_topic", "notifications.events")
        for key, default in (("kafka.status_topic", "notifications.status"), ("kafka.dlq_topic", "notifications.dlq")):
            if get(key, default) == events:
                self.error(where, "%s must differ from kafka.events_topic" % key)

    # ---- Kubernetes ----------------------------------------------------------------------

    def load_manifests(self):
        docs = []
        k8s = self.path("deploy", "k8s")
        for name in sorted(os.listdir(k8s)):
            if not name.endswith((".yaml", ".yml")):
                continue
            try:
                with open(os.path.join(k8s, name), encoding="utf-8") as fh:
                    for i, doc in enumerate(yaml.safe_load_all(fh)):
                        if doc is not None:
                            docs.append(("deploy/k8s/%s#%d" % (name, i), doc))
            except yaml.YAMLError as e:
                self.error("deploy/k8s/" + name, "YAML does not parse: %s" % e)
        return docs

    def check_k8s(self):
        docs = self.load_manifests()
        by_kind = {}
        for where, doc in docs:
            if not isinstance(doc, dict):
                self.error(where, "not a mapping")
                continue
            kind = doc.get("kind")
            if kind == "Kustomization":
                by_kind.setdefault(kind, []).append((where, doc))
                continue
            if kind not in API_VERSIONS:
                self.error(where, "unexpected kind %r" % kind)
                continue
            if doc.get("apiVersion") != API_VERSIONS[kind]:
                self.error(where, "%s needs apiVersion %s, not %r" % (kind, API_VERSIONS[kind], doc.get("apiVersion")))
            if not isinstance(doc.get("metadata"), dict) or not doc["metadata"].get("name"):
                self.error(where, "metadata.name is required")
                continue
            by_kind.setdefault(kind, []).append((where, doc))

        configs = {}
        for where, doc in by_kind.get("ConfigMap", []):
            text = (doc.get("data") or {}).get("switchboard.toml")
            if text is None:
                self.error(where, "data.switchboard.toml is missing")
                continue
            values = self.check_config(where, text)
            if values is not None:
                configs[doc["metadata"]["name"]] = values
        if not configs:
            self.error("deploy/k8s", "no ConfigMap with switchboard.toml")
        secrets = {}
        for where, doc in by_kind.get("Secret", []):
            secrets[doc["metadata"]["name"]] = self.check_secret(where, doc)
        deployments = {}
        for where, doc in by_kind.get("Deployment", []):
            info = self.check_deployment(where, doc, configs, secrets)
            if info:
                deployments[doc["metadata"]["name"]] = info
        kinds = {d["command"] for d in deployments.values()}
        for needed in ("run", "api"):
            if needed not in kinds:
                self.error("deploy/k8s", "no Deployment running `switchboard %s`" % needed)
        images = {d["image"] for d in deployments.values()}
        if len(images) > 1:
            self.error("deploy/k8s", "Deployments use different images: %s" % sorted(images))
        for where, doc in by_kind.get("Service", []):
            self.check_service(where, doc, deployments)
        for where, doc in by_kind.get("PodDisruptionBudget", []):
            self.check_pdb(where, doc, deployments)
        for where, doc in by_kind.get("HorizontalPodAutoscaler", []):
            self.check_hpa(where, doc, deployments)
        for kind in ("Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Secret"):
            if not by_kind.get(kind):
                self.error("deploy/k8s", "no %s" % kind)
        if not any(d["command"] == "api" for d in deployments.values() if d.get("service")):
            self.error("deploy/k8s", "no Service selects the API Deployment")
        for where, doc in by_kind.get("Kustomization", []):
            listed = set(doc.get("resources") or [])
            present = {n for n in os.listdir(self.path("deploy", "k8s"))
                       if n.endswith(".yaml") and n != "kustomization.yaml"}
            for name in sorted(listed - present):
                self.error(where, "resource %s does not exist" % name)
            for name in sorted(present - listed):
                self.error(where, "manifest %s is not listed in resources" % name)
        return configs, deployments

    def check_secret(self, where, doc):
        data = dict(doc.get("stringData") or {})
        data.update({k: "<base64>" for k in (doc.get("data") or {})})
        if not data:
            self.error(where, "Secret has no stringData/data")
        for key, value in data.items():
            if not self.env_allowed(key):
                self.error(where, "key %s is not an environment variable switchboard reads" % key)
            if value not in ("", "<base64>") and "REPLACE_ME" not in str(value):
                self.error(where, "%s holds a value that is not a REPLACE_ME placeholder: commit no secrets" % key)
        return set(data)

    def check_deployment(self, where, doc, configs, secrets):
        spec = doc.get("spec") or {}
        template = spec.get("template") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        if not selector or any(labels.get(k) != v for k, v in selector.items()):
            self.error(where, "spec.selector.matchLabels must be non-empty and match the template labels")
        pod = template.get("spec") or {}
        containers = pod.get("containers") or []
        if len(containers) != 1:
            self.error(where, "expected exactly one container, found %d" % len(containers))
            return None
        c = containers[0]
        for field in ("name", "image"):
            if not c.get(field):
                self.error(where, "container %s is required" % field)
        args = list(c.get("command") or []) + list(c.get("args") or [])
        if c.get("command"):
            self.error(where, "set args, not command: the image's ENTRYPOINT is the switchboard binary")
        command = args[0] if args else None
        if command not in ("run", "api"):
            self.error(where, "args must start with `run` or `api`, not %r" % command)
            return None
        # The config file: inside a volume mounted from a known ConfigMap.
        config = None
        config_path = args[args.index("--config") + 1] if "--config" in args[:-1] else None
        volumes = {v.get("name"): v for v in pod.get("volumes") or []}
        for m in c.get("volumeMounts") or []:
            vol = volumes.get(m.get("name"))
            if vol is None:
                self.error(where, "volumeMount %s has no volume" % m.get("name"))
                continue
            cm = (vol.get("configMap") or {}).get("name")
            if cm and config_path and config_path == m.get("mountPath", "").rstrip("/") + "/switchboard.toml":
                if cm not in configs:
                    self.error(where, "ConfigMap %s is not defined (or invalid)" % cm)
                else:
                    config = configs[cm]
        if config is None:
            self.error(where, "--config must name switchboard.toml inside a mounted switchboard ConfigMap")
            config = {}
        # Ports and probes.
        ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
        if command == "run":
            want_port = config.get("worker.admin_port", 9100)
            bind_key, bind = "worker.admin_bind", config.get("worker.admin_bind", "0.0.0.0")
        else:
            want_port = config.get("api.port", 8080)
            bind_key, bind = "api.bind", config.get("api.bind", "127.0.0.1")
        if bind != "0.0.0.0":
            self.error(where, "%s is %r: probes and Services reach the pod IP, bind 0.0.0.0" % (bind_key, bind))
        if want_port not in ports.values():
            self.error(where, "no containerPort %s (the config's port for `%s`)" % (want_port, command))
        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
            get = (c.get(probe) or {}).get("httpGet") or {}
            if get.get("path") != path:
                self.error(where, "%s must GET %s, not %r" % (probe, path, get.get("path")))
            port = get.get("port")
            port = ports.get(port) if isinstance(port, str) else port
            if port != want_port:
                self.error(where, "%s port resolves to %r, the config says %s" % (probe, port, want_port))
        # Shutdown budget.
        prestop = ((c.get("lifecycle") or {}).get("preStop") or {}).get("exec", {}).get("command") or []
        if len(prestop) != 2 or prestop[0] != "sleep" or not str(prestop[1]).isdigit():
            self.error(where, "lifecycle.preStop must be exec [\"sleep\", SECONDS]")
            prestop_s = 0
        else:
            prestop_s = int(prestop[1])
        grace = pod.get("terminationGracePeriodSeconds")
        if command == "run":
            need = prestop_s + config.get("worker.drain_timeout_ms", 10000) / 1000.0 + WORKER_CLOSE_BUDGET_S
            what = "preStop + worker.drain_timeout_ms + %d s flush and close" % WORKER_CLOSE_BUDGET_S
        else:
            need = prestop_s + config.get("api.request_timeout_ms", 10000) / 1000.0
            what = "preStop + api.request_timeout_ms"
        if not isinstance(grace, int) or grace <= need:
            self.error(where, "terminationGracePeriodSeconds %r must exceed %s = %g s" % (grace, what, need))
        # Resources, placement, security.
        res = c.get("resources") or {}
        for part, fields in (("requests", ("cpu", "memory")), ("limits", ("memory",))):
            for f in fields:
                if not (res.get(part) or {}).get(f):
                    self.error(where, "resources.%s.%s is required" % (part, f))
        anti = ((pod.get("affinity") or {}).get("podAntiAffinity") or {})
        terms = anti.get("preferredDuringSchedulingIgnoredDuringExecution") or \
            anti.get("requiredDuringSchedulingIgnoredDuringExecution") or []
        if not terms:
            self.error(where, "affinity.podAntiAffinity is required (spread replicas over nodes)")
        if not (pod.get("securityContext") or {}).get("runAsNonRoot"):
            self.error(where, "securityContext.runAsNonRoot must be true")
        # Environment.
        for e in c.get("env") or []:
            name = e.get("name")
            if not self.env_allowed(name or ""):
                self.error(where, "env %s is no config override (docs/configuration.md) nor a known secret" % name)
            ref = (e.get("valueFrom") or {}).get("secretKeyRef")
            if ref:
                if ref.get("name") not in secrets:
                    self.error(where, "env %s: Secret %s is not defined" % (name, ref.get("name")))
                elif ref.get("key") not in secrets[ref.get("name")]:
                    self.error(where, "env %s: key %s is not in Secret %s" % (name, ref.get("key"), ref.get("name")))
            if name == "SWITCHBOARD_SECRET_KEY" and not ref:
                self.error(where, "SWITCHBOARD_SECRET_KEY must come from a Secret")
        env_names = {e.get("name") for e in c.get("env") or []}
        if config.get("registry.backend") == "redis" and "SWITCHBOARD_SECRET_KEY" not in env_names:
            self.error(where, "registry.backend = redis needs SWITCHBOARD_SECRET_KEY from the Secret")
        return {"command": command, "labels": labels, "ports": ports, "image": c.get("image"),
                "replicas": spec.get("replicas", 1), "config": config}

    @staticmethod
    def selects(selector, deployment):
        return bool(selector) and all(deployment["labels"].get(k) == v for k, v in selector.items())

    def check_service(self, where, doc, deployments):
        spec = doc.get("spec") or {}
        targets = [d for d in deployments.values() if self.selects(spec.get("selector") or {}, d)]
        if not targets:
            self.error(where, "spec.selector matches no Deployment")
            return
        for d in targets:
            d["service"] = True
        for p in spec.get("ports") or []:
            target = p.get("targetPort", p.get("port"))
            for d in targets:
                if target not in d["ports"] and target not in d["ports"].values():
                    self.error(where, "targetPort %r is no port of the selected pods" % target)

    def check_pdb(self, where, doc, deployments):
        spec = doc.get("spec") or {}
        if ("minAvailable" in spec) == ("maxUnavailable" in spec):
            self.error(where, "set exactly one of minAvailable and maxUnavailable")
        targets = [d for d in deployments.values() if self.selects((spec.get("selector") or {}).get("matchLabels"), d)]
        if not targets:
            self.error(where, "spec.selector matches no Deployment")
        for d in targets:
            if isinstance(spec.get("minAvailable"), int) and spec["minAvailable"] >= d["replicas"]:
                self.error(where, "minAvailable %d blocks every eviction of %d replicas" %
                           (spec["minAvailable"], d["replicas"]))

    def check_hpa(self, where, doc, deployments):
        spec = doc.get("spec") or {}
        ref = spec.get("scaleTargetRef") or {}
        target = deployments.get(ref.get("name")) if ref.get("kind") == "Deployment" else None
        if target is None:
            self.error(where, "scaleTargetRef must name a Deployment defined here")
        elif target["command"] != "run":
            self.error(where, "the HPA scales the worker Deployment")
        lo, hi = spec.get("minReplicas", 1), spec.get("maxReplicas")
        if not isinstance(hi, int) or hi < lo:
            self.error(where, "maxReplicas must be an integer >= minReplicas")
        externals = [m for m in spec.get("metrics") or [] if m.get("type") == "External"]
        if not externals:
            self.error(where, "scale on consumer lag: an External metric is required")
        for m in externals:
            ext = m.get("external") or {}
            if not (ext.get("metric") or {}).get("name"):
                self.error(where, "external.metric.name is required")
            t = ext.get("target") or {}
            if t.get("type") not in ("Value", "AverageValue") or not (t.get("value") or t.get("averageValue")):
                self.error(where, "external.target needs type Value/AverageValue and its value")
            if target is not None:
                group = ((ext.get("metric") or {}).get("selector") or {}).get("matchLabels", {}).get("consumergroup")
                want = target["config"].get("kafka.group_id", "switchboard")
                if group != want:
                    self.error(where, "lag selector consumergroup %r is not kafka.group_id %r" % (group, want))

    # ---- compose -------------------------------------------------------------------------

    def check_compose(self, image_config_path):
        where = "deploy/compose.yaml"
        try:
            with open(self.path("deploy", "compose.yaml"), encoding="utf-8") as fh:
                doc = yaml.safe_load(fh)
        except (OSError, yaml.YAMLError) as e:
            self.error(where, "cannot parse: %s" % e)
            return
        services = doc.get("services") or {}
        for needed in ("redpanda", "redis", "api", "worker", "sink"):
            if needed not in services:
                self.error(where, "service %s is missing" % needed)
        replicas = ((services.get("worker") or {}).get("deploy") or {}).get("replicas", 1)
        if replicas != 3:
            self.error(where, "the worker service should run 3 replicas, not %r" % replicas)
        for name, svc in services.items():
            deps = svc.get("depends_on") or {}
            deps = {d: {} for d in deps} if isinstance(deps, list) else deps
            for dep, cond in deps.items():
                if dep not in services:
                    self.error(where, "%s depends on unknown service %s" % (name, dep))
                    continue
                condition = (cond or {}).get("condition", "service_started")
                if condition == "service_healthy" and not self.has_healthcheck(services[dep]):
                    self.error(where, "%s waits for %s to be healthy, which has no healthcheck" % (name, dep))
                if condition not in ("service_started", "service_healthy", "service_completed_successfully"):
                    self.error(where, "%s: unknown depends_on condition %r" % (name, condition))
            if svc.get("build") or str(svc.get("image", "")).startswith("switchboard"):
                self.check_compose_switchboard(where, name, svc, image_config_path)
        worker_deps = (services.get("worker") or {}).get("depends_on") or {}
        for dep in ("redis",):
            if dep not in worker_deps:
                self.error(where, "worker must depend on %s" % dep)

    @staticmethod
    def has_healthcheck(svc):
        hc = svc.get("healthcheck")
        if hc is not None:
            return not hc.get("disable", False)
        return bool(svc.get("build"))  # the switchboard image has a HEALTHCHECK

    def check_compose_switchboard(self, where, name, svc, image_config_path):
        cmd = svc.get("command") or []
        if not cmd or cmd[0] not in SUBCOMMANDS:
            self.error(where, "%s: command must start with a switchboard subcommand, not %r" % (name, cmd[:1]))
            return
        for env in (svc.get("environment") or {}):
            if not self.env_allowed(env):
                self.error(where, "%s: env %s is no config override nor a known secret" % (name, env))
        if "--config" not in cmd:
            return
        config_path = cmd[cmd.index("--config") + 1]
        source = None
        for v in svc.get("volumes") or []:
            parts = v.split(":")
            if len(parts) >= 2 and parts[1] == config_path:
                source = os.path.normpath(os.path.join(self.path("deploy"), parts[0]))
        if source is None:
            if config_path != image_config_path:
                self.error(where, "%s: --config %s is neither mounted nor the image's" % (name, config_path))
            return
        try:
            with open(source, encoding="utf-8") as fh:
                values = self.check_config("%s (%s)" % (where, os.path.relpath(source, self.repo)), fh.read())
        except OSError:
            self.error(where, "%s: mounted config %s does not exist" % (name, source))
            return
        if values is not None and cmd[0] == "run" and values.get("worker.admin_bind", "0.0.0.0") != "0.0.0.0":
            self.error(where, "%s: worker.admin_bind must be 0.0.0.0 in a container" % name)
        for v in svc.get("volumes") or []:
            src = os.path.normpath(os.path.join(self.path("deploy"), v.split(":")[0]))
            if not os.path.exists(src):
                self.error(where, "%s: volume source %s does not exist" % (name, v.split(":")[0]))

    # ---- Dockerfile ----------------------------------------------------------------------

    def check_dockerfile(self, configs, deployments):
        where = "deploy/Dockerfile"
        with open(self.path("deploy", "Dockerfile"), encoding="utf-8") as fh:
            text = re.sub(r"\\\n", " ", fh.read())
        lines = [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
        stages, current = [], None
        for line in lines:
            op, _, rest = line.partition(" ")
            op = op.upper()
            if op == "FROM":
                current = {"from": rest.split()[0], "name": rest.split()[-1] if " as " in rest.lower() else None,
                           "ops": []}
                stages.append(current)
            elif current is not None:
                current["ops"].append((op, rest.strip()))
        if len(stages) < 2:
            self.error(where, "multi-stage build expected (a build and a runtime FROM)")
            return None
        if not stages[0]["from"].startswith("debian:12"):
            self.error(where, "the build stage must be Debian 12, not %s" % stages[0]["from"])
        final = stages[-1]
        if final["from"] != "debian:12-slim":
            self.error(where, "the runtime stage must be debian:12-slim, not %s" % final["from"])
        ops = final["ops"]

        def last(op):
            found = [rest for o, rest in ops if o == op]
            return found[-1] if found else None

        user = last("USER")
        if user is None or user.split(":")[0] in ("root", "0"):
            self.error(where, "the runtime stage needs a non-root USER (found %r)" % user)
        if last("HEALTHCHECK") is None or "NONE" in (last("HEALTHCHECK") or "").upper().split():
            self.error(where, "the runtime stage needs a HEALTHCHECK")
        entry = self.exec_form(where, "ENTRYPOINT", last("ENTRYPOINT"))
        cmd = self.exec_form(where, "CMD", last("CMD"))
        binary = None
        for o, rest in ops:
            if o == "COPY" and "--from=" in rest and rest.split()[-1].endswith("/switchboard"):
                binary = rest.split()[-1]
        if binary is None:
            self.error(where, "the runtime stage must COPY --from the build stage's switchboard binary")
        if entry and entry != [binary]:
            self.error(where, "ENTRYPOINT must be the binary %s alone, not %s" % (binary, entry))
        image_config = None
        if cmd:
            if cmd[0] != "run" or "--config" not in cmd[:-1]:
                self.error(where, "CMD must be `run --config PATH` (the worker by default), not %s" % cmd)
            else:
                image_config = cmd[cmd.index("--config") + 1]
        exposed = {p.split("/")[0] for o, rest in ops if o == "EXPOSE" for p in rest.split()}
        for cfg in configs.values():
            if str(cfg.get("worker.admin_port", 9100)) not in exposed:
                self.error(where, "EXPOSE lacks the admin port %s" % cfg.get("worker.admin_port", 9100))
        # Build packages: those of scripts/setup.sh.
        setup = open(self.path("scripts", "setup.sh"), encoding="utf-8").read()
        m = re.search(r"PACKAGES=\((.*?)\)", setup, re.S)
        setup_pkgs = set(m.group(1).split()) if m else set()
        build_pkgs = self.apt_packages(stages[0]["ops"])
        if not build_pkgs:
            self.error(where, "the build stage installs no packages")
        for p in sorted(build_pkgs - setup_pkgs):
            self.error(where, "build package %s is not in scripts/setup.sh" % p)
        for needed in ("librdkafka-dev", "libhiredis-dev", "libsimdjson-dev", "libspdlog-dev", "libssl-dev"):
            if needed not in build_pkgs:
                self.error(where, "build stage lacks %s" % needed)
        runtime_pkgs = self.apt_packages(ops)
        if any(p.endswith("-dev") for p in runtime_pkgs):
            self.error(where, "the runtime stage installs -dev packages: %s" %
                       sorted(p for p in runtime_pkgs if p.endswith("-dev")))
        if "ca-certificates" not in runtime_pkgs:
            self.error(where, "the runtime stage needs ca-certificates (provider TLS)")
        if self.binary:
            self.check_runtime_libs(where, runtime_pkgs)
        for d in deployments.values():
            if d["command"] == "run" and image_config and not os.path.exists(self.path("config", "switchboard.toml")):
                self.error(where, "config/switchboard.toml (copied as the image's default config) is missing")
        healthcheck = self.path("deploy", "healthcheck.sh")
        if not os.access(healthcheck, os.X_OK):
            self.error(where, "deploy/healthcheck.sh must exist and be executable")
        return image_config

    def exec_form(self, where, op, rest):
        if rest is None:
            self.error(where, "the runtime stage needs %s" % op)
            return None
        try:
            value = yaml.safe_load(rest)
        except yaml.YAMLError:
            value = None
        if not isinstance(value, list):
            self.error(where, "%s must use the exec (JSON) form so that signals reach switchboard" % op)
            return None
        return value

    @staticmethod
    def apt_packages(ops):
        pkgs = set()
        for op, rest in ops:
            if op != "RUN":
                continue
            for part in rest.split("&&"):
                words = part.split()
                if "apt-get" in words and "install" in words:
                    pkgs.update(w for w in words[words.index("install") + 1:]
                                if not w.startswith("-") and not w.startswith("$"))
        return pkgs

    def check_runtime_libs(self, where, runtime_pkgs):
        if not os.path.exists(self.binary):
            self.error(where, "--binary %s does not exist (build the switchboard target first)" % self.binary)
            return
        needed = self.needed_libs()
        for soname in needed:
            if soname.startswith(BASE_IMAGE_LIBS):
                continue
            pkg = self.package_of(soname)
            if pkg is None:
                self.error(where, "no known Debian package for %s (linked by the binary)" % soname)
            elif pkg not in runtime_pkgs:
                self.error(where, "the binary links %s, whose package %s the runtime stage does not install" %
                           (soname, pkg))

    def needed_libs(self):
        """The binary's direct dependencies (ELF NEEDED); their own come with their packages."""
        try:
            out = subprocess.run(["readelf", "-d", self.binary], capture_output=True, text=True, check=True).stdout
            return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
        except (OSError, subprocess.CalledProcessError):
            out = subprocess.run(["ldd", self.binary], capture_output=True, text=True).stdout
            return [l.split()[0] for l in out.splitlines() if l.strip()]

    @staticmethod
    def package_of(soname):
        for prefix, pkg in SONAME_PACKAGES.items():
            if soname.startswith(prefix):
                return pkg
        try:
            ldd_path = None
            for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"):
                if os.path.exists(os.path.join(d, soname)):
                    ldd_path = os.path.realpath(os.path.join(d, soname))
                    break
            if ldd_path:
                out = subprocess.run(["dpkg", "-S", ldd_path], capture_output=True, text=True).stdout
                if out:
                    return out.split(":")[0]
        except OSError:
            pass
        return None

    # ---- all -----------------------------------------------------------------------------

    def run(self):
        configs, deployments = self.check_k8s()
        image_config = self.check_dockerfile(configs, deployments)
        self.check_compose(image_config)
        return self.errors


# ---- self-test ---------------------------------------------------------------------------

def edit_yaml(path, index, fn):
    with open(path, encoding="utf-8") as fh:
        docs = list(yaml.safe_load_all(fh))
    fn(docs[index])
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump_all(docs, fh, sort_keys=False)


def edit_text(path, old, new):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if old not in text:
        raise AssertionError("self-test mutation does not apply: %r not in %s" % (old, path))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace(old, new, 1))


def worker_container(doc):
    return doc["spec"]["template"]["spec"]["containers"][0]


def configmap_edit(old, new):
    def fn(doc):
        text = doc["data"]["switchboard.toml"]
        if old not in text:
            raise AssertionError("self-test mutation does not apply: %r" % old)
        doc["data"]["switchboard.toml"] = text.replace(old, new, 1)
    return fn


# (name, file under deploy/, mutation, words the resulting error must contain)
MUTATIONS = [
    ("grace period below the drain", "k8s/worker-deployment.yaml",
     lambda p: edit_yaml(p, 0, lambda d: d["spec"]["template"]["spec"].update(terminationGracePeriodSeconds=20)),
     "terminationGracePeriodSeconds"),
    ("drain timeout raised past the grace period", "k8s/configmap.yaml",
     lambda p: edit_yaml(p, 0, configmap_edit("drain_timeout_ms = 20000", "drain_timeout_ms = 40000")),
     "terminationGracePeriodSeconds"),
    ("readiness on the wrong path", "k8s/worker-deployment.yaml",
     lambda p: edit_yaml(p, 0, lambda d: worker_container(d)["readinessProbe"]["httpGet"].update(path="/ready")),
     "readinessProbe"),
    ("liveness on a port the config does not use", "k8s/worker-deployment.yaml",
     lambda p: edit_yaml(p, 0, lambda d: worker_container(d)["livenessProbe"]["httpGet"].update(port=9101)),
     "livenessProbe port"),
    ("admin port changed in the config only", "k8s/configmap.yaml",
     lambda p: edit_yaml(p, 0, configmap_edit("admin_port = 9100", "admin_port = 9200")),
     "containerPort 9200"),
    ("unknown config key", "k8s/configmap.yaml",
     lambda p: edit_yaml(p, 0, configmap_edit("max_in_flight = 2000", "max_inflight = 2000")),
     "unknown config key `worker.max_inflight`"),
    ("TOML syntax error", "k8s/configmap.yaml",
     lambda p: edit_yaml(p, 0, configmap_edit("[retry]", "[retry")),
     "does not parse"),
    ("wrong value type", "k8s/configmap.yaml",
     lambda p: edit_yaml(p, 0, configmap_edit("poll_ms = 1000", 'poll_ms = "1s"')),
     "registry.poll_ms"),
    ("env typo", "k8s/worker-deployment.yaml",
     lambda p: edit_yaml(p, 0, lambda d: worker_container(d)["env"][2].update(name="SWITCHBOARD_REGISTRY_REDISURL")),
     "SWITCHBOARD_REGISTRY_REDISURL"),
    ("secretKeyRef to a missing key", "k8s/worker-deployment.yaml",
     lambda p: edit_yaml(p, 0, lambda d: worker_container(d)["env"][0]["valueFrom"]["secretKeyRef"].update(
         key="SECRET")), "not in Secret"),
    ("a real-looking secret committed", "k8s/secret.yaml",
     lambda p: edit_yaml(p, 0, lambda d: d["stringData"].update(SWITCHBOARD_ADMIN_TOKEN="hunter2hunter2hunter2")),
     "placeholder"),
    ("no anti-affinity", "k8s/worker-deployment.yaml",
     lambda p: edit_yaml(p, 0, lambda d: d["spec"]["template"]["spec"].pop("affinity")),
     "podAntiAffinity"),
    ("no memory limit", "k8s/worker-deployment.yaml",
     lambda p: edit_yaml(p, 0, lambda d: worker_container(d)["resources"].pop("limits")),
     "resources.limits.memory"),
    ("selector not matching the template", "k8s/worker-deployment.yaml",
     lambda p: edit_yaml(p, 0, lambda d: d["spec"]["selector"]["matchLabels"].update(
         {"app.kubernetes.io/component": "workers"})), "matchLabels"),
    ("HPA on a missing Deployment", "k8s/worker-hpa.yaml",
     lambda p: edit_yaml(p, 0, lambda d: d["spec"]["scaleTargetRef"].update(name="switchboard")),
     "scaleTargetRef"),
    ("HPA on CPU instead of lag", "k8s/worker-hpa.yaml",
     lambda p: edit_yaml(p, 0, lambda d: d["spec"].update(metrics=[{"type": "Resource", "resource": {
         "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}])),
     "External metric"),
    ("HPA apiVersion v1", "k8s/worker-hpa.yaml",
     lambda p: edit_yaml(p, 0, lambda d: d.update(apiVersion="autoscaling/v1")), "autoscaling/v2"),
    ("PDB with both fields", "k8s/worker-pdb.yaml",
     lambda p: edit_yaml(p, 0, lambda d: d["spec"].update(minAvailable=1)), "exactly one"),
    ("Service to a missing port", "k8s/api-service.yaml",
     lambda p: edit_yaml(p, 0, lambda d: d["spec"]["ports"][0].update(targetPort="web")), "targetPort"),
    ("API bound to loopback", "k8s/configmap.yaml",
     lambda p: edit_yaml(p, 0, configmap_edit('bind = "0.0.0.0"', 'bind = "127.0.0.1"')), "api.bind"),
    ("manifest not in the kustomization", "k8s/kustomization.yaml",
     lambda p: edit_text(p, "  - worker-pdb.yaml\n", ""), "not listed"),
    ("broken YAML", "k8s/worker-pdb.yaml",
     lambda p: edit_text(p, "spec:\n", "spec: [\n"), "does not parse"),
    ("Dockerfile runs as root", "Dockerfile",
     lambda p: edit_text(p, "USER 10001:10001", "USER root"), "non-root USER"),
    ("Dockerfile without HEALTHCHECK", "Dockerfile",
     lambda p: edit_text(p, "HEALTHCHECK --interval", "LABEL x=y --interval"), "HEALTHCHECK"),
    ("single-stage Dockerfile", "Dockerfile",
     lambda p: edit_text(p, "FROM debian:12-slim AS runtime", ""), "multi-stage"),
    ("shell-form ENTRYPOINT", "Dockerfile",
     lambda p: edit_text(p, 'ENTRYPOINT ["/usr/local/bin/switchboard"]', "ENTRYPOINT /usr/local/bin/switchboard"),
     "exec (JSON) form"),
    ("runtime library missing", "Dockerfile",
     lambda p: edit_text(p, " librdkafka1 ", " "), "librdkafka1"),
    ("compose depends on a missing service", "compose.yaml",
     lambda p: edit_text(p, "      sink:\n        condition: service_started", "      sinks:\n        condition: "
                         "service_started"), "unknown service sinks"),
    ("compose with one worker", "compose.yaml",
     lambda p: edit_text(p, "replicas: 3", "replicas: 1"), "3 replicas"),
    ("compose config with an unknown key", "compose/switchboard.toml",
     lambda p: edit_text(p, "fetch_wait_max_ms = 10", "fetch_wait_ms = 10"), "kafka.fetch_wait_ms"),
]


def self_test(repo, binary):
    failures = 0
    with tempfile.TemporaryDirectory(prefix="validate_deploy.") as tmp:
        for name, rel, mutate, expect in MUTATIONS:
            if expect == "librdkafka1" and not binary:
                continue
            root = os.path.join(tmp, "r")
            shutil.rmtree(root, ignore_errors=True)
            for part in ("deploy", "docs", "scripts", "config"):
                shutil.copytree(os.path.join(repo, part), os.path.join(root, part))
            try:
                mutate(os.path.join(root, "deploy", rel))
            except AssertionError as e:
                print("SELF-TEST BROKEN %s: %s" % (name, e))
                failures += 1
                continue
            errors = Checker(root, binary).run()
            caught = [e for e in errors if expect in e]
            if caught:
                print("self-test ok: %s -> %s" % (name, caught[0]))
            else:
                failures += 1
                print("SELF-TEST MISSED %s: expected an error containing %r, got %s" % (name, expect, errors))
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    ap.add_argument("--binary", help="the built switchboard: check the runtime packages against its libraries")
    ap.add_argument("--self-test", action="store_true", help="also check that known-bad mutations are caught")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary) if args.binary else None
    errors = Checker(args.repo, binary).run()
    for e in errors:
        print("FAIL", e)
    failed = len(errors)
    checks = 1
    if args.self_test:
        missed = self_test(args.repo, binary)
        checks += len(MUTATIONS)
        failed += missed
    print("validate_deploy: %d problem(s) in deploy/%s" % (
        len(errors), "; self-test: %d mutation(s) not caught" % (failed - len(errors)) if args.self_test else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
