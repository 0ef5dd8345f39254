#!/usr/bin/env bash
# Installs the Debian 12 packages the suite builds, tests and runs with, when
# any is missing. Needs root (or sudo); does nothing when all are present.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config ccache
  clang libclang-rt-14-dev llvm-14  # importer_fuzz_test: libFuzzer, sanitizers, symbolizer
  # gRPC and Protocol Buffers; google/rpc + google/type and grpc.health.v1 protos
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  golang-github-gogo-googleapis-dev grpc-proto
  # libraries
  libabsl-dev libssl-dev libhiredis-dev libpqxx-dev libpq-dev prometheus-cpp-dev libargon2-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libexpat1-dev  # ca-import: the ICD-10-CM index XML files
  libxapian-dev  # catalog: the SearchCodes full-text index
  # stores
  redis-server postgresql-15
  # scripts
  procps util-linux python3-yaml
  openssl  # scripts/make-certs.sh: the private CA and mTLS certificates
  libzxcvbn-dev john-data  # account password policy: zxcvbn, common-password list
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  log "all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the packaged servers; the suite runs its own on private ports.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now redis-server postgresql >/dev/null 2>&1 || true
fi
log "packages installed"
