#!/usr/bin/env bash
# Validates deploy/: renders the base and each overlay with `kubectl
# kustomize` (or `kustomize build`) when either is installed and checks the
# result; otherwise checks the raw YAML of each kustomization. The checks
# (deploy/check_manifests.py): every YAML parses, every file a kustomization
# names exists, every Deployment has native gRPC readiness (fully qualified
# service, as main.cc reports it) and liveness ("") probes, resources,
# a locked-down securityContext and a termination grace above shutdown grace
# + drain, every Service selects a workload's pods and ports, HPAs and PDBs
# point at real workloads, network policies allow exactly DESIGN.md §2's
# call graph, production pins images and keeps 3+ replicas, and the image
# builder installs what scripts/install-deps.sh lists.
#
# Exit 0 when all is well; 1 with "error: ..." lines otherwise. For CI.
set -euo pipefail
DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
K8S_DIR="$DEPLOY_DIR/kubernetes"

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# A Python 3 with PyYAML: the PATH one, else Debian's; as root, install
# Debian's python3-yaml when neither has it (never pip).
PY=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' 2>/dev/null; then
    PY="$candidate"; break
  fi
done
if [ -z "$PY" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "PyYAML missing: installing Debian's python3-yaml" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq python3-yaml >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get install -y -qq python3-yaml >/dev/null; } ||
      die "cannot install python3-yaml"
    /usr/bin/python3 -c 'import yaml' 2>/dev/null || die "python3-yaml installed but not importable"
    PY=/usr/bin/python3
  else
    die "PyYAML is missing: apt-get install python3-yaml"
  fi
fi

render=()
if command -v kubectl >/dev/null 2>&1; then
  render=(kubectl kustomize)
elif command -v kustomize >/dev/null 2>&1; then
  render=(kustomize build)
fi

rendered=()
status=0
if [ ${#render[@]} -gt 0 ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  for dir in base overlays/dev overlays/production; do
    out="$tmp/$(echo "$dir" | tr / _).yaml"
    if "${render[@]}" "$K8S_DIR/$dir" >"$out" 2>"$out.err"; then
      echo "rendered $dir ($(grep -c '^kind:' "$out") objects) with ${render[*]}"
      rendered+=("$dir=$out")
    else
      echo "error: $dir: ${render[*]} failed:"; sed 's/^/  /' "$out.err"
      status=1
    fi
  done
fi

# Rendered output when every kustomization rendered; raw files otherwise.
[ $status -eq 0 ] || rendered=()
"$PY" "$DEPLOY_DIR/check_manifests.py" --deploy-dir "$DEPLOY_DIR" ${rendered[@]+"${rendered[@]}"} || status=1
exit $status
