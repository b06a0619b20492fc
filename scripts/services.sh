#!/usr/bin/env bash
# Local PostgreSQL and Redis for development and tests, data under .data/, loopback only,
# on fixed non-default ports. Idempotent: reuses servers it already started.
#
#   services.sh start    start what is not running (installs with apt as root when missing)
#   services.sh env      start, then print `export DATABASE_URL=… REDIS_URL=…` for eval
#   services.sh stop     stop the servers this script started
#   services.sh status
#
# When DATABASE_URL / REDIS_URL are already set, that server is used as given and not started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
PG_PORT="${RM_PG_PORT:-54329}"
REDIS_PORT="${RM_REDIS_PORT:-63790}"
PG_DIR="$DATA/pg"
# As root the server runs as `postgres`, which cannot reach a checkout inside a private directory
# (e.g. under a mode-700 mktemp folder): keep this checkout's cluster in /var/tmp then.
if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
  PG_DIR="/var/tmp/rm-pg-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
fi
REDIS_DIR="$DATA/redis"
DB_NAME="${RM_DB_NAME:-reputation_manager}"

log() { printf '[services] %s\n' "$*" >&2; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  if is_root && command -v apt-get >/dev/null; then
    log "installing $* with apt-get"
    if [ ! -f /tmp/.rm-apt-updated ]; then apt-get update -qq >&2 && touch /tmp/.rm-apt-updated; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
  else
    log "missing $*: install it (Debian: apt-get install -y $*)"; exit 1
  fi
}

pg_bin() {
  if command -v pg_ctl >/dev/null; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
  local d; d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  apt_install postgresql
  d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); echo "$d"
}

# initdb and the server refuse to run as root: run them as the `postgres` system user then.
as_pg() {
  if is_root; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_running() { [ -f "$PG_DIR/postmaster.pid" ] && as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; }

start_pg() {
  local bin; bin=$(pg_bin)
  mkdir -p "$DATA"
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    log "initdb $PG_DIR"
    mkdir -p "$PG_DIR"; is_root && chown postgres: "$PG_DIR"; chmod 700 "$PG_DIR"
    as_pg "$bin/initdb" -D "$PG_DIR" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if pg_running; then return; fi
  if port_taken "$PG_PORT"; then
    log "port $PG_PORT is taken by a server this checkout did not start (another checkout?): stop it, or set RM_PG_PORT or DATABASE_URL"; exit 1
  fi
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  # pg_stat_statements is loaded with tracking off: only a benchmark's own database turns it on
  # (its statement profile, packages/test-utils/src/statement-profile.ts); other work pays nothing.
  local preload=""
  if [ -f "$bin/../lib/pg_stat_statements.so" ] || [ -f "$("$bin/pg_config" --pkglibdir 2>/dev/null)/pg_stat_statements.so" ]; then
    preload="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=none"
  fi
  as_pg "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c max_connections=300 -c shared_buffers=256MB -c fsync=on $preload" >/dev/null
  as_pg "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1 \
    || as_pg "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DB_NAME"
}

redis_running() { [ -f "$REDIS_DIR/redis.pid" ] && kill -0 "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null; }

start_redis() {
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$REDIS_DIR"
  if redis_running; then return; fi
  if port_taken "$REDIS_PORT"; then
    log "port $REDIS_PORT is taken by a server this checkout did not start (another checkout?): stop it, or set RM_REDIS_PORT or REDIS_URL"; exit 1
  fi
  log "starting Redis on 127.0.0.1:$REDIS_PORT (AOF everysec, noeviction)"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --dir "$REDIS_DIR" \
    --appendonly yes --appendfsync everysec --save "" --maxmemory-policy noeviction >/dev/null
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return
    sleep 0.1
  done
  log "Redis did not answer on port $REDIS_PORT (see $REDIS_DIR/redis.log)"; exit 1
}

start() {
  [ -n "${DATABASE_URL:-}" ] || start_pg
  [ -n "${REDIS_URL:-}" ] || start_redis
}

print_env() {
  echo "export DATABASE_URL='${DATABASE_URL:-postgres://postgres@127.0.0.1:$PG_PORT/$DB_NAME}'"
  echo "export REDIS_URL='${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}'"
}

stop() {
  if [ -f "$PG_DIR/postmaster.pid" ]; then
    log "stopping PostgreSQL"; as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null || true
  fi
  if redis_running; then
    log "stopping Redis"; redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || kill "$(cat "$REDIS_DIR/redis.pid")" || true
  fi
}

status() {
  if pg_running; then echo "postgresql: running on 127.0.0.1:$PG_PORT"; else echo "postgresql: stopped"; fi
  if redis_running; then echo "redis: running on 127.0.0.1:$REDIS_PORT"; else echo "redis: stopped"; fi
}

case "${1:-start}" in
  start) start ;;
  env) start; print_env ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: services.sh start|env|stop|status" >&2; exit 2 ;;
esac
