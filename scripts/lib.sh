# Shared by the scripts in this folder: paths, ports and small helpers.
# Every port and folder can be changed through the environment.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${CODINGAHEAD_BUILD_DIR:-$REPO_ROOT/build}"
VAR_DIR="${CODINGAHEAD_VAR_DIR:-$REPO_ROOT/var}"
SHARED_DATA_DIR="${CODINGAHEAD_SHARED_DATA_DIR:-$REPO_ROOT/../shared/data}"
PG_BIN="${CODINGAHEAD_PG_BIN:-/usr/lib/postgresql/15/bin}"

REDIS_PORT="${CODINGAHEAD_REDIS_PORT:-6390}"
POSTGRES_PORT="${CODINGAHEAD_POSTGRES_PORT:-5440}"
CATALOG_PORT="${CODINGAHEAD_CATALOG_PORT:-50051}"
ACCOUNT_PORT="${CODINGAHEAD_ACCOUNT_PORT:-50052}"
JOBS_PORT="${CODINGAHEAD_JOBS_PORT:-50053}"
ASSISTANT_PORT="${CODINGAHEAD_ASSISTANT_PORT:-50054}"
CATALOG_METRICS_PORT="${CODINGAHEAD_CATALOG_METRICS_PORT:-9101}"
ACCOUNT_METRICS_PORT="${CODINGAHEAD_ACCOUNT_METRICS_PORT:-9102}"
JOBS_METRICS_PORT="${CODINGAHEAD_JOBS_METRICS_PORT:-9103}"
ASSISTANT_METRICS_PORT="${CODINGAHEAD_ASSISTANT_METRICS_PORT:-9104}"

SERVICES=(catalog account jobs assistant)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as the postgres OS user when we are root (PostgreSQL refuses
# to run as root), as ourselves otherwise.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Waits until `cmd...` succeeds, up to $1 seconds.
wait_for() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# Number of parallel build jobs: every core, but no more than memory allows
# (about 1.5 GiB per g++ on the gRPC-heavy files).
build_jobs() {
  local cores mem_gib
  cores=$(nproc)
  mem_gib=$(awk '/MemAvailable/ {print int($2 / 1024 / 1024)}' /proc/meminfo)
  local by_mem=$(( mem_gib * 2 / 3 ))
  [ "$by_mem" -lt 1 ] && by_mem=1
  [ "$cores" -lt "$by_mem" ] && echo "$cores" || echo "$by_mem"
}
