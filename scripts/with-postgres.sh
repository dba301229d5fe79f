#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server.
#
#   scripts/with-postgres.sh <command...>
#
# Installs PostgreSQL with apt-get if no pg_ctl is found under /usr/lib/postgresql/*/bin,
# initialises a cluster in a temporary directory, starts it listening on a unix socket inside
# that directory and on a free TCP port on 127.0.0.1 (trust authentication: throwaway only),
# creates a superuser role and a database, exports
#   DATABASE_URL=postgres://USER@127.0.0.1:PORT/DB
#   PAIRPAD_TEST_DB=$DATABASE_URL
#   PGHOST / PGPORT / PGUSER / PGDATABASE (for plain `psql`)
# runs the command, then always stops the server and deletes the directory. Exits with the
# command's status. The variables are set in the child's environment, so expand them there:
#   scripts/with-postgres.sh bash -c 'psql "$DATABASE_URL" -c "select 1"'
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 <command...>" >&2
    exit 2
fi

log() { echo "with-postgres: $*" >&2; }

find_pg_bin() {
    # Highest installed major version that has both pg_ctl and initdb.
    local d
    for d in /usr/lib/postgresql/*/bin; do
        if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then echo "$d"; fi
    done | sort -t/ -k5,5n | tail -n 1
}

PG_BIN=$(find_pg_bin)
if [ -z "$PG_BIN" ]; then
    log "pg_ctl not found under /usr/lib/postgresql/*/bin; installing PostgreSQL with apt-get"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq --no-install-recommends postgresql postgresql-client >&2
    PG_BIN=$(find_pg_bin)
    if [ -z "$PG_BIN" ]; then
        log "PostgreSQL installation did not provide pg_ctl"
        exit 1
    fi
fi
log "using $PG_BIN"

PG_ROLE=pairpad
PG_DB=pairpad
TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pairpad-pg.XXXXXX")
DATA_DIR="$TMP_DIR/data"
SOCK_DIR="$TMP_DIR/sock"
LOG_FILE="$TMP_DIR/postgres.log"
mkdir -p "$DATA_DIR" "$SOCK_DIR"

# initdb refuses to run as root: run the server tools as `postgres` in that case.
if [ "$(id -u)" -eq 0 ]; then
    if ! id -u postgres >/dev/null 2>&1; then
        useradd --system --home-dir "$TMP_DIR" --shell /usr/sbin/nologin postgres
    fi
    chown -R postgres: "$TMP_DIR"
    chmod 700 "$TMP_DIR"
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

STARTED=0
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ "$STARTED" -eq 1 ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || as_pg "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m immediate -w stop >/dev/null 2>&1 \
            || true
    fi
    rm -rf "$TMP_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

PORT=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')

as_pg "$PG_BIN/initdb" -D "$DATA_DIR" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C >"$TMP_DIR/initdb.log" 2>&1 || {
    log "initdb failed:"
    cat "$TMP_DIR/initdb.log" >&2
    exit 1
}

# A throwaway server: no durability needed, room for many test databases/connections.
PG_OPTS="-c listen_addresses=127.0.0.1 -p $PORT -k $SOCK_DIR -c fsync=off"
PG_OPTS="$PG_OPTS -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
STARTED=1
if ! as_pg "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -o "$PG_OPTS" -w -t 30 start \
    >/dev/null; then
    log "PostgreSQL failed to start:"
    cat "$LOG_FILE" >&2 || true
    exit 1
fi

PSQL="$PG_BIN/psql"
"$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$SOCK_DIR" -p "$PORT" -U postgres -d postgres \
    -c "CREATE ROLE $PG_ROLE LOGIN SUPERUSER" \
    -c "CREATE DATABASE $PG_DB OWNER $PG_ROLE" >&2

export DATABASE_URL="postgres://$PG_ROLE@127.0.0.1:$PORT/$PG_DB"
export PAIRPAD_TEST_DB="$DATABASE_URL"
export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER="$PG_ROLE" PGDATABASE="$PG_DB"
# Make psql and friends available to the command even if they are not on PATH.
export PATH="$PATH:$PG_BIN"
log "PostgreSQL ready at $DATABASE_URL"

# Run the command as a child we can forward signals to (a trap would otherwise wait for a
# foreground command to finish); stdin is passed through explicitly.
set +e
"$@" <&0 &
CHILD=$!
trap 'kill -TERM "$CHILD" 2>/dev/null' INT TERM HUP
wait "$CHILD"
status=$?
while kill -0 "$CHILD" 2>/dev/null; do  # interrupted by a signal: wait for the real exit
    wait "$CHILD"
    status=$?
done
set -e
exit "$status"
