#!/usr/bin/env bash
# The one command that runs the whole suite locally: installs what is missing,
# builds, starts Redis and PostgreSQL in a private folder on private ports,
# imports the sample catalog and starts the four services on their default
# ports. Running it again is harmless: stores already up are reused, the
# catalog is re-imported only when the data changed, services are restarted on
# the new build. Stop everything with scripts/down.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$REPO_ROOT/scripts/install-deps.sh"
"$REPO_ROOT/scripts/build.sh"

mkdir -p "$VAR_DIR"/{log,run,credentials,catalog}
chmod 755 "$VAR_DIR"

# --- credentials -------------------------------------------------------------
# A front-end service credential and an operator credential, made once;
# cactl reads them from here (CODINGAHEAD_CREDENTIALS_DIR).
make_credential() {
  local file="$VAR_DIR/credentials/$1"
  if [ ! -s "$file" ]; then
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$file")
  fi
}
make_credential service-credential
make_credential operator-credential
# The key of the login throttle's email HMAC (docs/security.md).
make_credential throttle-key
# Certificates for mTLS (docs/security.md): always made, used when
# CODINGAHEAD_LOCAL_MTLS=1 (then cactl needs the CODINGAHEAD_TLS_* variables
# printed at the end).
"$REPO_ROOT/scripts/make-certs.sh" "$VAR_DIR/credentials/tls"
if [ "${CODINGAHEAD_LOCAL_MTLS:-0}" = 1 ]; then
  export CODINGAHEAD_TLS_CERT_FILE="$VAR_DIR/credentials/tls/server.pem"
  export CODINGAHEAD_TLS_KEY_FILE="$VAR_DIR/credentials/tls/server-key.pem"
  export CODINGAHEAD_TLS_CA_FILE="$VAR_DIR/credentials/tls/ca.pem"
  export CODINGAHEAD_TLS_REQUIRE_CLIENT_CERT=true
fi

# --- Redis -------------------------------------------------------------------
redis_up() { redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
if redis_up; then
  log "redis already running on 127.0.0.1:$REDIS_PORT"
else
  mkdir -p "$VAR_DIR/redis"
  # Production settings (DESIGN.md §2): noeviction, AOF with fsync every second.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$VAR_DIR/redis" \
    --daemonize yes --pidfile "$VAR_DIR/run/redis.pid" --logfile "$VAR_DIR/log/redis.log" \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction --save ""
  wait_for 10 redis_up || die "redis did not start; see $VAR_DIR/log/redis.log"
  log "redis started on 127.0.0.1:$REDIS_PORT"
fi

# --- PostgreSQL --------------------------------------------------------------
PG_DATA="$VAR_DIR/postgres"
pg_up() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"; }
if pg_up; then
  log "postgresql already running on 127.0.0.1:$POSTGRES_PORT"
else
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    mkdir -p "$PG_DATA"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA"
    chmod 700 "$PG_DATA"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  touch "$VAR_DIR/log/postgres.log"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$VAR_DIR/log/postgres.log"
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$VAR_DIR/log/postgres.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $POSTGRES_PORT -k $PG_DATA" start >/dev/null
  wait_for 30 pg_up || die "postgresql did not start; see $VAR_DIR/log/postgres.log"
  log "postgresql started on 127.0.0.1:$POSTGRES_PORT"
fi
for db in account jobs assistant; do
  if ! psql -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'codingahead_$db'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -qc "CREATE DATABASE codingahead_$db" >/dev/null
  fi
done

# --- catalog snapshot ---------------------------------------------------------
log "importing the sample catalog"
# NCCI PTP / MUE / PFS tables: the 2026 Q1 fixtures in the published layouts
# (docs/edits.md), so `cactl edits --dos=2026-01-15 ...` answers locally.
EDITS_DIR="$REPO_ROOT/tools/importer/testdata"
"$BUILD_DIR/tools/importer/ca-import" --hcpcs_dir="$SHARED_DATA_DIR/hcpcs" --icd10cm_dir="$SHARED_DATA_DIR/icd10cm/2026" \
  --cpt_file="$REPO_ROOT/services/catalog/testdata/cpt_sample.tsv" \
  --ncci_ptp_practitioner_file="$EDITS_DIR/ncci_ptp_practitioner_2026q1.txt" \
  --ncci_ptp_hospital_file="$EDITS_DIR/ncci_ptp_hospital_2026q1.txt" \
  --mue_practitioner_file="$EDITS_DIR/mue_practitioner_2026q1.csv" \
  --mue_hospital_file="$EDITS_DIR/mue_hospital_2026q1.csv" \
  --mue_dme_file="$EDITS_DIR/mue_dme_2026q1.csv" \
  --pfs_rvu_file="$EDITS_DIR/pfs_rvu_2026q1.csv" --edits_quarter=2026Q1 \
  --out_dir="$VAR_DIR/catalog"

# --- services ------------------------------------------------------------------
stop_service() {
  local pidfile="$VAR_DIR/run/$1.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill -TERM "$(cat "$pidfile")"
    for _ in $(seq 1 100); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
}

start_service() {
  local name=$1 port=$2 metrics_port=$3; shift 3
  stop_service "$name"
  export CODINGAHEAD_LISTEN="127.0.0.1:$port"
  export CODINGAHEAD_METRICS_LISTEN="127.0.0.1:$metrics_port"
  export CODINGAHEAD_SERVICE_CREDENTIALS_FILE="$VAR_DIR/credentials/service-credential"
  export CODINGAHEAD_OPERATOR_CREDENTIALS_FILE="$VAR_DIR/credentials/operator-credential"
  nohup "$BUILD_DIR/services/$name/ca-$name" "$@" >>"$VAR_DIR/log/$name.log" 2>&1 &
  echo $! > "$VAR_DIR/run/$name.pid"
}

REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
pg_url() { echo "postgresql://postgres@127.0.0.1:$POSTGRES_PORT/codingahead_$1"; }

start_service catalog "$CATALOG_PORT" "$CATALOG_METRICS_PORT" --snapshot_dir="$VAR_DIR/catalog" \
  --content_file="$REPO_ROOT/services/catalog/content/common_language.tsv" \
  --account_target="127.0.0.1:$ACCOUNT_PORT" \
  --client_credential_file="$VAR_DIR/credentials/service-credential"
start_service account "$ACCOUNT_PORT" "$ACCOUNT_METRICS_PORT" \
  --redis_url="$REDIS_URL" --postgres_url="$(pg_url account)" \
  --throttle_key_file="$VAR_DIR/credentials/throttle-key"
start_service jobs "$JOBS_PORT" "$JOBS_METRICS_PORT" \
  --redis_url="$REDIS_URL" --postgres_url="$(pg_url jobs)"
start_service assistant "$ASSISTANT_PORT" "$ASSISTANT_METRICS_PORT" \
  --redis_url="$REDIS_URL" --postgres_url="$(pg_url assistant)"

# Ready when each answers gRPC health checks (cactl health uses grpc.health.v1).
for spec in "catalog:$CATALOG_PORT" "account:$ACCOUNT_PORT" "jobs:$JOBS_PORT" "assistant:$ASSISTANT_PORT"; do
  name=${spec%%:*}; port=${spec##*:}
  if ! wait_for 30 "$BUILD_DIR/tools/cactl/cactl" health --target="127.0.0.1:$port"; then
    tail -n 20 "$VAR_DIR/log/$name.log" >&2
    die "$name did not become healthy; see $VAR_DIR/log/$name.log"
  fi
  log "$name serving on 127.0.0.1:$port (metrics on /metrics, log $VAR_DIR/log/$name.log)"
done

cat <<MSG

The suite is up.
  cactl:        $BUILD_DIR/tools/cactl/cactl   (try: cactl code E0601 --date 2019-06-01)
  credentials:  $VAR_DIR/credentials/  (service-credential, operator-credential; cactl reads them
                from there: run it from $REPO_ROOT or set CODINGAHEAD_CREDENTIALS_DIR)
  logs:         $VAR_DIR/log/
  stop:         scripts/down.sh
MSG
if [ "${CODINGAHEAD_LOCAL_MTLS:-0}" = 1 ]; then
  cat <<MSG
  mTLS is on: give cactl the client certificate with
    export CODINGAHEAD_TLS_CA_FILE=$VAR_DIR/credentials/tls/ca.pem
    export CODINGAHEAD_TLS_CERT_FILE=$VAR_DIR/credentials/tls/client.pem
    export CODINGAHEAD_TLS_KEY_FILE=$VAR_DIR/credentials/tls/client-key.pem
MSG
fi
