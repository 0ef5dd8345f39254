#!/usr/bin/env bash
# Stops what scripts/up.sh started: the four services, Redis and PostgreSQL.
# Data stays in var/ for the next run; `scripts/down.sh --purge` removes it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for name in "${SERVICES[@]}"; do
  pidfile="$VAR_DIR/run/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill -TERM "$(cat "$pidfile")"
    for _ in $(seq 1 150); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$(cat "$pidfile")" 2>/dev/null && kill -KILL "$(cat "$pidfile")"
    log "stopped $name"
  fi
  rm -f "$pidfile"
done

if redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
  log "stopped redis"
fi
if [ -f "$VAR_DIR/postgres/postmaster.pid" ]; then
  as_postgres "$PG_BIN/pg_ctl" -D "$VAR_DIR/postgres" -m fast -w stop >/dev/null && log "stopped postgresql"
fi
if [ "${1:-}" = "--purge" ]; then
  rm -rf "$VAR_DIR"
  log "removed $VAR_DIR"
fi
