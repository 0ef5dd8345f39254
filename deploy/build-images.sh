#!/usr/bin/env bash
# Builds the suite's images (one compile, five runtime targets) and, with
# --push, pushes them. Needs Docker with BuildKit (docker buildx).
#
#   deploy/build-images.sh [--push] [--registry REGISTRY] [--tag TAG] [--data]
#
# REGISTRY defaults to "codingahead" (Docker Hub style names as in the
# manifests), TAG to the short git commit. --data also builds the sample
# catalog data image (HCPCS from ../shared/data, placeholder CPT wording).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REGISTRY=codingahead
TAG="$(git -C "$REPO_ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo dev)"
PUSH=()
DATA=false
while [ $# -gt 0 ]; do
  case "$1" in
    --push) PUSH=(--push) ;;
    --registry) REGISTRY="$2"; shift ;;
    --tag) TAG="$2"; shift ;;
    --data) DATA=true ;;
    *) echo "usage: $0 [--push] [--registry REGISTRY] [--tag TAG] [--data]" >&2; exit 2 ;;
  esac
  shift
done
[ ${#PUSH[@]} -gt 0 ] || PUSH=(--load)

for target in catalog account jobs assistant cactl; do
  name="ca-$target"
  [ "$target" = cactl ] && name=cactl
  echo "==> $REGISTRY/$name:$TAG" >&2
  docker buildx build "${PUSH[@]}" -f "$REPO_ROOT/deploy/docker/Dockerfile" \
    --target "$target" -t "$REGISTRY/$name:$TAG" "$REPO_ROOT"
done

if $DATA; then
  echo "==> $REGISTRY/catalog-data:hcpcs2019-cptsample" >&2
  docker buildx build "${PUSH[@]}" -f "$REPO_ROOT/deploy/docker/catalog-data.Dockerfile" \
    --build-context hcpcs="$REPO_ROOT/../shared/data/hcpcs" \
    --build-context cpt="$REPO_ROOT/services/catalog/testdata" \
    --build-arg CPT_FILE=cpt_sample.tsv \
    -t "$REGISTRY/catalog-data:hcpcs2019-cptsample" "$REPO_ROOT/deploy/docker"
fi
