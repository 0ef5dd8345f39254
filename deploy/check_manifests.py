#!/usr/bin/env python3
"""Checks deploy/: the kustomizations, the rendered manifests and the Dockerfile.

Run by deploy/check.sh, which renders each kustomization with kubectl (or
kustomize) when one is installed and passes the results as NAME=FILE; without
them the raw YAML files of each kustomization are checked instead (patches not
applied, so the overlay-specific and network checks are skipped).

Every problem is printed as "error: <where>: <what>"; the exit code is 1 if
there was any. Needs PyYAML.
"""

import argparse
import ipaddress
import os
import re
import sys

import yaml

SUITE = ("catalog", "account", "jobs", "assistant")
# DESIGN.md §2, the whole call graph inside the namespace: (from, to, port).
CALLS = {
    ("catalog", "account", 50052),
    ("assistant", "account", 50052),
    ("jobs", "account", 50052),
    ("assistant", "catalog", 50051),
    ("account", "redis", 6379),
    ("jobs", "redis", 6379),
    ("assistant", "redis", 6379),
}
POSTGRES_CLIENTS = ("account", "jobs", "assistant")
SMTP_PORTS = {587}
GRPC_PORTS = {"catalog": 50051, "account": 50052, "jobs": 50053, "assistant": 50054}
METRICS_PORTS = {"catalog": 9101, "account": 9102, "jobs": 9103, "assistant": 9104}
FRONTEND_NS_LABELS = {"codingahead.io/frontend": "true"}
MONITORING_NS_LABELS = {"codingahead.io/monitoring": "true"}
DNS_NS_LABELS = {"kubernetes.io/metadata.name": "kube-system"}
DNS_POD_LABELS = {"k8s-app": "kube-dns"}
# Packages of scripts/install-deps.sh that the image builder skips: servers
# and tools only the local run and the tests use (clang, its sanitizer
# runtimes and llvm-symbolizer build and run the importer fuzzers).
NOT_FOR_BUILDER = {"redis-server", "postgresql-15", "procps", "util-linux", "python3-yaml", "openssl",
                   "clang", "libclang-rt-14-dev", "llvm-14"}

errors = []
notes = []


def error(where, what):
    errors.append(f"error: {where}: {what}")


# --------------------------------------------------------------------------
# YAML loading and kustomization structure
# --------------------------------------------------------------------------

def load_docs(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [d for d in yaml.safe_load_all(f) if d is not None]
    except (OSError, yaml.YAMLError) as e:
        error(path, f"does not parse: {e}")
        return []


def kustomization_file(directory):
    for name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def check_kustomization(path):
    """Every file or folder the kustomization names exists."""
    docs = load_docs(path)
    if len(docs) != 1 or not isinstance(docs[0], dict):
        error(path, "expected one mapping")
        return
    k = docs[0]
    base = os.path.dirname(path)

    def need(rel, what, folder_ok=True):
        if re.match(r"^[a-z]+://", rel) or rel.startswith("github.com/"):
            return
        full = os.path.normpath(os.path.join(base, rel))
        if os.path.isdir(full):
            if not folder_ok:
                error(path, f"{what} {rel} is a folder")
            elif kustomization_file(full) is None:
                error(path, f"{what} {rel} has no kustomization.yaml")
        elif not os.path.isfile(full):
            error(path, f"{what} {rel} does not exist")

    for key in ("resources", "components", "bases"):
        for rel in k.get(key) or []:
            need(rel, key[:-1])
    for rel in k.get("patchesStrategicMerge") or []:
        need(rel, "patch", folder_ok=False)
    for patch in k.get("patches") or []:
        if "path" in patch:
            need(patch["path"], "patch", folder_ok=False)
        elif "patch" not in patch:
            error(path, "a patch has neither path nor patch")
    for gen in (k.get("configMapGenerator") or []) + (k.get("secretGenerator") or []):
        for entry in (gen.get("files") or []) + (gen.get("envs") or []):
            need(entry.split("=", 1)[-1], f"generator {gen.get('name')} file", folder_ok=False)


def raw_resources(directory, seen=None):
    """The resource documents of a kustomization, without its patches."""
    seen = set() if seen is None else seen
    path = kustomization_file(directory)
    if path is None or path in seen:
        return []
    seen.add(path)
    docs = load_docs(path)
    k = docs[0] if docs and isinstance(docs[0], dict) else {}
    out = []
    for rel in (k.get("resources") or []) + (k.get("bases") or []):
        full = os.path.normpath(os.path.join(directory, rel))
        if os.path.isdir(full):
            out += raw_resources(full, seen)
        elif os.path.isfile(full):
            out += load_docs(full)
    return out


# --------------------------------------------------------------------------
# Helpers over Kubernetes objects
# --------------------------------------------------------------------------

def name_of(doc):
    return f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"


def selector_matches(selector, labels):
    """A LabelSelector (matchLabels + matchExpressions) against labels."""
    if selector is None:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def parse_quantity(value):
    text = str(value)
    units = {"m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
             "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
    m = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", text)
    if not m or (m.group(2) and m.group(2) not in units):
        return None
    return float(m.group(1)) * units.get(m.group(2), 1)


def port_of_address(address):
    m = re.search(r":(\d+)$", address or "")
    return int(m.group(1)) if m else None


def health_name_for(repo_root, service):
    """The fully qualified health name services/<service>/main.cc registers."""
    path = os.path.join(repo_root, "services", service, "main.cc")
    try:
        with open(path, encoding="utf-8") as f:
            names = re.findall(r'"(codingahead\.[a-z]+\.v1\.[A-Za-z]+)"', f.read())
    except OSError:
        return None
    return names[0] if names else None


def flags_in(repo_root, folders):
    """Names of the ABSL_FLAGs defined under `folders` (non-test sources)."""
    names = set()
    for folder in folders:
        for dirpath, _, files in os.walk(os.path.join(repo_root, folder)):
            for f in files:
                if f.endswith(".cc") and not f.endswith("_test.cc"):
                    with open(os.path.join(dirpath, f), encoding="utf-8", errors="replace") as src:
                        names |= set(re.findall(r"ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+)", src.read()))
    return names


unknown_env = set()


def note_unknown_env(repo_root, app, container):
    """Environment twins (CODINGAHEAD_<FLAG>) that no flag of the binary
    defines yet: the binary ignores them. A note, not an error, so manifests
    can lead code that is still landing."""
    folders = ["common", "tools/importer"] if container.get("name") == "import" else \
        ["common", os.path.join("services", app)]
    flags = flags_in(repo_root, folders)
    for e in container.get("env") or []:
        name = e.get("name", "")
        if name.startswith("CODINGAHEAD_") and name[len("CODINGAHEAD_"):].lower() not in flags:
            unknown_env.add(f"{app}/{container.get('name')}: {name}")


class Workload:
    def __init__(self, doc):
        self.doc = doc
        self.kind = doc["kind"]
        self.name = doc["metadata"]["name"]
        spec = doc.get("spec") or {}
        template = spec.get("template") or {}
        self.labels = (template.get("metadata") or {}).get("labels") or {}
        self.pod = template.get("spec") or {}
        self.selector = spec.get("selector")
        self.containers = self.pod.get("containers") or []
        self.init_containers = self.pod.get("initContainers") or []
        self.ports = {}  # name or number (as str) -> (number, protocol)
        for c in self.containers:
            for p in c.get("ports") or []:
                entry = (p.get("containerPort"), p.get("protocol", "TCP"))
                self.ports[str(p.get("containerPort"))] = entry
                if p.get("name"):
                    self.ports[p["name"]] = entry

    @property
    def app(self):
        return self.labels.get("app.kubernetes.io/name", self.name)

    def where(self):
        return f"{self.kind}/{self.name}"


# --------------------------------------------------------------------------
# Workload checks
# --------------------------------------------------------------------------

def check_container_basics(where, pod, c, init=False):
    cw = f"{where} container {c.get('name')}"
    res = c.get("resources") or {}
    for part in ("requests", "limits"):
        for r in ("cpu", "memory"):
            if (res.get(part) or {}).get(r) is None:
                error(cw, f"no resources.{part}.{r}")
    for r in ("cpu", "memory"):
        req = parse_quantity((res.get("requests") or {}).get(r, ""))
        lim = parse_quantity((res.get("limits") or {}).get(r, ""))
        if req is not None and lim is not None and req > lim:
            error(cw, f"{r} request above its limit")
    sc = c.get("securityContext") or {}
    psc = pod.get("securityContext") or {}
    if not (sc.get("runAsNonRoot") or psc.get("runAsNonRoot")):
        error(cw, "runAsNonRoot is not set")
    if sc.get("runAsUser", psc.get("runAsUser")) in (0, None):
        error(cw, "no non-zero runAsUser")
    if sc.get("readOnlyRootFilesystem") is not True:
        error(cw, "readOnlyRootFilesystem is not true")
    if sc.get("allowPrivilegeEscalation") is not False:
        error(cw, "allowPrivilegeEscalation is not false")
    if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
        error(cw, "capabilities.drop lacks ALL")
    if sc.get("privileged"):
        error(cw, "privileged")
    seccomp = (sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
    if seccomp not in ("RuntimeDefault", "Localhost"):
        error(cw, "no RuntimeDefault seccomp profile")
    if not init and not (c.get("readinessProbe") and c.get("livenessProbe")):
        error(cw, "needs readiness and liveness probes")


def check_suite_deployment(w, where, repo_root, overlay):
    app_containers = [c for c in w.containers if c.get("name") == w.app]
    if len(app_containers) != 1:
        error(where, f"no container named {w.app}")
        return
    c = app_containers[0]
    env = {e.get("name"): e for e in c.get("env") or []}

    def env_value(name, default=None):
        e = env.get(name)
        return default if e is None else e.get("value", "<from secret>")

    for name in env:
        if not name.startswith("CODINGAHEAD_"):
            error(where, f"env {name} is not in the CODINGAHEAD_* form")
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
    grpc_port, metrics_port = ports.get("grpc"), ports.get("metrics")
    if grpc_port is None or metrics_port is None:
        error(where, "container ports named grpc and metrics are required")
    if w.app in GRPC_PORTS and grpc_port != GRPC_PORTS[w.app]:
        error(where, f"grpc port {grpc_port}, DESIGN.md §6 says {GRPC_PORTS[w.app]}")
    if w.app in METRICS_PORTS and metrics_port != METRICS_PORTS[w.app]:
        error(where, f"metrics port {metrics_port}, DESIGN.md §6 says {METRICS_PORTS[w.app]}")
    if port_of_address(env_value("CODINGAHEAD_LISTEN")) != grpc_port:
        error(where, "CODINGAHEAD_LISTEN does not name the grpc container port")
    if port_of_address(env_value("CODINGAHEAD_METRICS_LISTEN")) != metrics_port:
        error(where, "CODINGAHEAD_METRICS_LISTEN does not name the metrics container port")

    expected = health_name_for(repo_root, w.app)
    for kind in ("readinessProbe", "livenessProbe", "startupProbe"):
        probe = c.get(kind)
        if probe is None:
            if kind != "startupProbe":
                error(where, f"no {kind}")
            continue
        grpc = probe.get("grpc")
        if grpc is None:
            error(where, f"{kind} is not a native grpc probe")
            continue
        if grpc.get("port") != grpc_port:
            error(where, f"{kind} probes port {grpc.get('port')}, not the grpc port {grpc_port}")
        service = grpc.get("service", "")
        if kind == "readinessProbe":
            if not re.fullmatch(r"codingahead\.[a-z]+\.v1\.[A-Za-z]+Service", service or ""):
                error(where, f"readinessProbe service {service!r} is not a fully qualified service")
            elif expected and service != expected:
                error(where, f"readinessProbe service {service!r}; services/{w.app}/main.cc reports {expected!r}")
        elif service != "":
            error(where, f"{kind} service should be \"\" (the whole server), is {service!r}")

    try:
        grace = float(env_value("CODINGAHEAD_SHUTDOWN_GRACE_SECONDS", 0))
        drain = float(env_value("CODINGAHEAD_DRAIN_SECONDS", 10))
    except ValueError:
        error(where, "shutdown grace or drain seconds is not a number")
        grace, drain = 0, 10
    tgps = w.pod.get("terminationGracePeriodSeconds", 30)
    if not tgps > grace + drain:
        error(where, f"terminationGracePeriodSeconds {tgps} is not above grace {grace:g} + drain {drain:g}")
    for var in ("CODINGAHEAD_SERVICE_CREDENTIALS_FILE",):
        if var not in env:
            error(where, f"no {var}")
    if overlay == "production":
        for cc in w.containers + w.init_containers:
            image = cc.get("image", "")
            tag = image.rsplit("/", 1)[-1]
            if "@sha256:" not in image and (":" not in tag or tag.endswith(":latest")):
                error(where, f"image {image} is not pinned")
        spread = w.pod.get("topologySpreadConstraints") or []
        if not any(t.get("topologyKey") == "topology.kubernetes.io/zone" for t in spread):
            error(where, "no topology spread across zones")
        replicas = w.doc["spec"].get("replicas")  # unset: the HPA's minReplicas rules
        if replicas is not None and replicas < 3:
            error(where, f"{replicas} replicas, production runs at least 3")
    if overlay == "dev" and w.doc["spec"].get("replicas") != 1:
        error(where, "dev runs 1 replica")


def check_objects(label, docs, repo_root, overlay, full):
    """Checks one rendered (full=True) or raw set of documents."""
    by_kind = {}
    for d in docs:
        if not isinstance(d, dict) or "kind" not in d:
            error(label, "a document without kind")
            continue
        by_kind.setdefault(d["kind"], []).append(d)
    workloads = [Workload(d) for k in ("Deployment", "StatefulSet") for d in by_kind.get(k, [])]
    deployments = {w.name: w for w in workloads if w.kind == "Deployment"}

    for s in SUITE:
        if s not in deployments:
            error(label, f"no Deployment {s}")
    for w in workloads:
        where = f"{label}: {w.where()}"
        if not selector_matches(w.selector, w.labels) or not (w.selector or {}).get("matchLabels"):
            error(where, "selector does not match its pod template labels")
        for c in w.containers:
            check_container_basics(where, w.pod, c)
        for c in w.init_containers:
            check_container_basics(where, w.pod, c, init=True)
        if w.pod.get("automountServiceAccountToken") is not False:
            error(where, "automountServiceAccountToken is not false")
        if w.kind == "Deployment" and w.app in SUITE:
            check_suite_deployment(w, where, repo_root, overlay)
            for c in w.containers + w.init_containers:
                note_unknown_env(repo_root, w.app, c)
            if full and overlay != "dev":
                hpas = [h for h in by_kind.get("HorizontalPodAutoscaler", [])
                        if (h["spec"].get("scaleTargetRef") or {}).get("name") == w.name]
                if not hpas:
                    error(where, "no HorizontalPodAutoscaler")
        if w.name == "redis":
            args = " ".join(str(a) for a in (w.containers[0].get("command") or []) +
                            (w.containers[0].get("args") or []))
            for setting in ("--appendonly yes", "--appendfsync everysec", "--maxmemory-policy noeviction"):
                if setting not in args:
                    error(where, f"Redis runs without {setting}")

    for svc in by_kind.get("Service", []):
        where = f"{label}: {name_of(svc)}"
        selector = (svc.get("spec") or {}).get("selector") or {}
        if not selector:
            error(where, "no selector")
            continue
        matched = [w for w in workloads if selector_matches({"matchLabels": selector}, w.labels)]
        if not matched:
            error(where, f"selector {selector} matches no Deployment or StatefulSet")
            continue
        for p in svc["spec"].get("ports") or []:
            target = str(p.get("targetPort", p.get("port")))
            if not any(target in w.ports for w in matched):
                error(where, f"targetPort {target} is not a port of {matched[0].where()}")
            if not p.get("name"):
                error(where, f"port {p.get('port')} has no name")
        if selector.get("app.kubernetes.io/name") in SUITE:
            names = {p.get("name") for p in svc["spec"].get("ports") or []}
            if not {"grpc", "metrics"} <= names:
                error(where, "needs ports named grpc and metrics")

    for hpa in by_kind.get("HorizontalPodAutoscaler", []):
        where = f"{label}: {name_of(hpa)}"
        if hpa.get("apiVersion") != "autoscaling/v2":
            error(where, "not autoscaling/v2")
        spec = hpa.get("spec") or {}
        ref = spec.get("scaleTargetRef") or {}
        if ref.get("kind") != "Deployment" or ref.get("name") not in deployments:
            error(where, f"scales {ref.get('kind')}/{ref.get('name')}, which is not here")
        if not any((m.get("resource") or {}).get("name") == "cpu" for m in spec.get("metrics") or []):
            error(where, "no CPU metric")
        if spec.get("minReplicas", 1) > spec.get("maxReplicas", 0):
            error(where, "minReplicas above maxReplicas")
        if overlay == "production" and spec.get("minReplicas", 1) < 3:
            error(where, "production minReplicas below 3")

    for pdb in by_kind.get("PodDisruptionBudget", []):
        where = f"{label}: {name_of(pdb)}"
        if pdb.get("apiVersion") != "policy/v1":
            error(where, "not policy/v1")
        spec = pdb.get("spec") or {}
        if ("minAvailable" in spec) == ("maxUnavailable" in spec):
            error(where, "needs exactly one of minAvailable and maxUnavailable")
        if not any(selector_matches(spec.get("selector"), w.labels) for w in workloads):
            error(where, "selector matches no workload")
        if overlay == "production" and spec.get("minAvailable") != 2:
            error(where, "production minAvailable is not 2")

    policies = by_kind.get("NetworkPolicy", [])
    for np_ in policies:
        where = f"{label}: {name_of(np_)}"
        sel = (np_.get("spec") or {}).get("podSelector")
        if sel is None:
            error(where, "no podSelector")
        elif sel and not any(selector_matches(sel, w.labels) for w in workloads):
            error(where, "podSelector matches no workload")
    if not any((p["spec"].get("podSelector") == {} and
                set(p["spec"].get("policyTypes") or []) == {"Ingress", "Egress"} and
                not p["spec"].get("ingress") and not p["spec"].get("egress")) for p in policies):
        error(label, "no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)")
    if full:
        check_network(label, workloads, policies, by_kind)


# --------------------------------------------------------------------------
# NetworkPolicy evaluation: what the rendered policies allow, compared with
# the call graph of DESIGN.md §2.
# --------------------------------------------------------------------------

class Endpoint:
    """A traffic source or destination: a pod (labels + namespace labels) or
    an address outside the cluster (ip)."""

    def __init__(self, pod_labels=None, ns_labels=None, ip=None, ports=None):
        self.pod_labels = pod_labels
        self.ns_labels = ns_labels
        self.ip = ip
        self.ports = ports or {}


def peer_matches(peer, other, own_ns_labels):
    if "ipBlock" in peer:
        if other.ip is None:
            return False  # pods are matched by selectors, not addresses
        block = peer["ipBlock"]
        addr = ipaddress.ip_address(other.ip)
        if addr not in ipaddress.ip_network(block["cidr"]):
            return False
        return not any(addr in ipaddress.ip_network(e) for e in block.get("except") or [])
    if other.ip is not None:
        return False
    if "namespaceSelector" in peer:
        if not selector_matches(peer["namespaceSelector"], other.ns_labels):
            return False
    elif other.ns_labels is not own_ns_labels:
        return False
    if "podSelector" in peer:
        return selector_matches(peer["podSelector"], other.pod_labels)
    return True


def port_matches(rule_ports, port, protocol, dest_ports):
    if not rule_ports:
        return True
    for p in rule_ports:
        if p.get("protocol", "TCP") != protocol:
            continue
        want = p.get("port")
        if want is None:
            return True
        if isinstance(want, str):
            want = (dest_ports.get(want) or (None,))[0]
        end = p.get("endPort", want)
        if want is not None and want <= port <= end:
            return True
    return False


def allowed(policies, ns_labels, selected_labels, direction, other, port, protocol, dest_ports):
    """Whether `direction` ("Ingress"/"Egress") traffic of the pod with
    `selected_labels` to/from `other` on port is allowed by the policies."""
    applying = [p for p in policies
                if selector_matches(p["spec"].get("podSelector") or {}, selected_labels)
                and direction in (p["spec"].get("policyTypes") or ["Ingress"])]
    if not applying:
        return True
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    for p in applying:
        for rule in p["spec"].get(key) or []:
            peers = rule.get(peers_key)
            if peers is not None and not any(peer_matches(x, other, ns_labels) for x in peers):
                continue
            if port_matches(rule.get("ports"), port, protocol, dest_ports):
                return True
    return False


def check_network(label, workloads, policies, by_kind):
    namespaces = by_kind.get("Namespace", [])
    ns_name = next((d.get("metadata", {}).get("namespace") for d in by_kind.get("Deployment", [])),
                   None) or "default"
    ns_labels = {"kubernetes.io/metadata.name": ns_name}
    for n in namespaces:
        if n["metadata"]["name"] == ns_name:
            ns_labels.update(n["metadata"].get("labels") or {})
    pods = {w.app: w for w in workloads}
    in_cluster_pg = "postgres" in pods

    expected = set(CALLS)
    if in_cluster_pg:
        expected |= {(c, "postgres", 5432) for c in POSTGRES_CLIENTS}

    # Pod to pod, inside the namespace.
    got = set()
    for src in workloads:
        for dst in workloads:
            if src is dst:
                continue
            for port, proto in {v for v in dst.ports.values()}:
                s = Endpoint(src.labels, ns_labels)
                d = Endpoint(dst.labels, ns_labels)
                if (allowed(policies, ns_labels, src.labels, "Egress", d, port, proto, dst.ports) and
                        allowed(policies, ns_labels, dst.labels, "Ingress", s, port, proto, dst.ports)):
                    got.add((src.app, dst.app, port))
    for edge in sorted(got - expected):
        error(label, f"network policies allow {edge[0]} -> {edge[1]}:{edge[2]}, not in DESIGN.md §2")
    for edge in sorted(expected - got):
        error(label, f"network policies block {edge[0]} -> {edge[1]}:{edge[2]} (DESIGN.md §2)")

    # Into the namespace from front ends and monitoring.
    outsiders = {"front-end": (FRONTEND_NS_LABELS, GRPC_PORTS),
                 "monitoring": (MONITORING_NS_LABELS, METRICS_PORTS)}
    for who, (labels, ports) in outsiders.items():
        source = Endpoint({}, dict(labels))
        for dst in workloads:
            for port, proto in {v for v in dst.ports.values()}:
                ok = allowed(policies, ns_labels, dst.labels, "Ingress", source, port, proto, dst.ports)
                want = ports.get(dst.app) == port
                if ok and not want:
                    error(label, f"{who} namespaces may reach {dst.app}:{port}")
                if want and not ok:
                    error(label, f"{who} namespaces cannot reach {dst.app}:{port}")
    # Anything else from another namespace or the outside: nothing.
    for dst in workloads:
        for port, proto in {v for v in dst.ports.values()}:
            if allowed(policies, ns_labels, dst.labels, "Ingress", Endpoint({}, {"x": "y"}), port,
                       proto, dst.ports) or \
               allowed(policies, ns_labels, dst.labels, "Ingress", Endpoint(ip="203.0.113.7"), port,
                       proto, dst.ports):
                error(label, f"{dst.app}:{port} is open to any namespace or address")

    # Out of the namespace: DNS for all, PostgreSQL (when managed) and SMTP.
    dns = Endpoint(DNS_POD_LABELS, DNS_NS_LABELS)
    outside = Endpoint(ip="198.51.100.20")
    for src in workloads:
        for proto in ("UDP", "TCP"):
            if not allowed(policies, ns_labels, src.labels, "Egress", dns, 53, proto, {}):
                error(label, f"{src.app} cannot reach cluster DNS ({proto} 53)")
        for port in (5432, 587, 6379, 443, 80, 25):
            ok = allowed(policies, ns_labels, src.labels, "Egress", outside, port, "TCP", {})
            want = ((port == 5432 and src.app in POSTGRES_CLIENTS and not in_cluster_pg) or
                    (port in SMTP_PORTS and src.app == "assistant"))
            if ok and not want:
                error(label, f"{src.app} may open TCP {port} to addresses outside the cluster")
            if want and not ok:
                error(label, f"{src.app} cannot reach TCP {port} outside the cluster")


# --------------------------------------------------------------------------
# Dockerfile
# --------------------------------------------------------------------------

def install_deps_packages(repo_root):
    path = os.path.join(repo_root, "scripts", "install-deps.sh")
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        notes.append(f"note: {path} not found; builder package list not compared")
        return None
    m = re.search(r"PACKAGES=\((.*?)\n\)", text, re.S)
    if not m:
        error(path, "no PACKAGES=( ... ) list")
        return None
    words = []
    for line in m.group(1).splitlines():
        words += line.split("#", 1)[0].split()
    return set(words)


def check_dockerfile(deploy_dir, repo_root, image_names):
    path = os.path.join(deploy_dir, "docker", "Dockerfile")
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        error(path, "missing")
        return
    m = re.search(r"# BEGIN builder-packages\n(.*?)# END builder-packages", text, re.S)
    if not m:
        error(path, "no BEGIN/END builder-packages block")
    else:
        block = m.group(1).replace("\\\n", " ")
        install = re.search(r"apt-get install\s+(.*?)(?:&&|$)", block, re.S)
        builder = {w for w in (install.group(1).split() if install else []) if not w.startswith("-")}
        wanted = install_deps_packages(repo_root)
        if wanted is not None:
            for p in sorted(wanted - NOT_FOR_BUILDER - builder):
                error(path, f"builder lacks {p} from scripts/install-deps.sh")
            for p in sorted(builder - wanted):
                error(path, f"builder installs {p}, which scripts/install-deps.sh does not")
    stages = {}
    current = None
    for line in text.splitlines():
        fm = re.match(r"FROM\s+(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
        if fm:
            current = fm.group(2) or f"stage{len(stages)}"
            stages[current] = {"from": fm.group(1), "user": None, "entrypoint": None}
            parent = stages.get(fm.group(1))
            if parent:
                stages[current]["user"] = parent["user"]
            elif not fm.group(1).startswith("debian:bookworm"):
                error(path, f"stage {current} is not based on debian:bookworm")
            continue
        if current is None:
            continue
        um = re.match(r"USER\s+(\S+)", line)
        if um:
            stages[current]["user"] = um.group(1)
        em = re.match(r"ENTRYPOINT\s+(.*)", line)
        if em:
            stages[current]["entrypoint"] = em.group(1)
    for target in ("catalog", "account", "jobs", "assistant", "cactl"):
        st = stages.get(target)
        if st is None:
            error(path, f"no target {target}")
            continue
        if st["user"] not in ("10001", "10001:10001"):
            error(path, f"target {target} does not run as uid 10001")
        if not st["entrypoint"] or not st["entrypoint"].startswith("["):
            error(path, f"target {target} has no exec-form ENTRYPOINT")
    for image in sorted(image_names):
        m = re.fullmatch(r"codingahead/ca-([a-z]+)", image)
        if m and m.group(1) not in stages:
            error(path, f"manifests use {image}, but there is no target {m.group(1)}")


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--deploy-dir", required=True)
    ap.add_argument("rendered", nargs="*", help="NAME=FILE: kustomize output of base, dev, production")
    args = ap.parse_args()
    deploy_dir = os.path.abspath(args.deploy_dir)
    repo_root = os.path.dirname(deploy_dir)
    k8s = os.path.join(deploy_dir, "kubernetes")

    # Every YAML file parses; every kustomization's references exist.
    roots = []
    for dirpath, _, files in os.walk(deploy_dir):
        for f in sorted(files):
            if f.endswith((".yaml", ".yml")):
                load_docs(os.path.join(dirpath, f))
        if kustomization_file(dirpath):
            check_kustomization(kustomization_file(dirpath))
    for name in ("base", "overlays/dev", "overlays/production"):
        if kustomization_file(os.path.join(k8s, name)) is None:
            error(os.path.join(k8s, name), "no kustomization.yaml")
        else:
            roots.append(name)

    image_names = set()
    if args.rendered:
        for item in args.rendered:
            name, _, path = item.partition("=")
            docs = load_docs(path)
            overlay = os.path.basename(name)
            check_objects(name, docs, repo_root, overlay if overlay != "base" else None, full=True)
            for d in docs:
                for c in ((d.get("spec") or {}).get("template") or {}).get("spec", {}).get("containers", []):
                    image_names.add(c.get("image", "").split(":")[0])
        notes.append(f"checked rendered {', '.join(r.partition('=')[0] for r in args.rendered)}")
    else:
        for name in roots:
            docs = raw_resources(os.path.join(k8s, name))
            overlay = os.path.basename(name)
            # Without kustomize, overlays' patches are not applied: check the
            # resources they add on top of the base and skip rendered-only checks.
            # The base has no patches, so its raw files are its rendering.
            check_objects(name, docs, repo_root, None if overlay == "base" else "raw",
                          full=overlay == "base")
            for d in docs:
                for c in ((d.get("spec") or {}).get("template") or {}).get("spec", {}).get("containers", []):
                    image_names.add(c.get("image", "").split(":")[0])
        notes.append("not rendered: checked raw resources; overlay patches not applied, "
                     "overlay-specific and overlay network checks skipped")
    check_dockerfile(deploy_dir, repo_root, image_names)

    for n in notes:
        print(n)
    for u in sorted(unknown_env):
        print(f"note: no flag defines {u} yet (the binary ignores it)")
    for e in errors:
        print(e)
    if errors:
        print(f"deploy check: {len(errors)} problem(s)")
        return 1
    print("deploy check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
