#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks, listening on 127.0.0.1 only.
#
#   scripts/pg.sh start     init (first time) and start; prints the DATABASE_URL
#   scripts/pg.sh stop      stop, keeping the data for the next start
#   scripts/pg.sh destroy   stop and delete the folder
#   scripts/pg.sh url       print the DATABASE_URL
#   scripts/pg.sh status    exit 0 if running
#   scripts/pg.sh bindir    print the folder of the server's programs; exit 1 if none
#
# Environment:
#   NETRAL_PG_DIR   state folder (default /tmp/netral-pg): data/, server.log, the socket
#   NETRAL_PG_PORT  TCP port (default 54329)
#   PG_FAST=0       keep fsync and friends on (benchmarks); default 1 turns durability off
#   PG_BINDIR       folder holding initdb and pg_ctl (default: found on PATH or in
#                   /usr/lib/postgresql/*/bin, the newest version)
#
# The role `netral` is a superuser with trust authentication, and the database `netral`
# exists. Run as root, the server runs as the `postgres` system user (or `netral-ci`,
# created if there is no `postgres`), since initdb refuses root.
set -euo pipefail

DIR=${NETRAL_PG_DIR:-/tmp/netral-pg}
PORT=${NETRAL_PG_PORT:-54329}
URL="postgres://netral@127.0.0.1:${PORT}/netral"

die() { echo "pg.sh: $*" >&2; exit 1; }

find_bindir() {
    if [[ -n ${PG_BINDIR:-} ]]; then echo "$PG_BINDIR"; return; fi
    if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"; return
    fi
    local dir
    dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -n $dir && -x $dir/pg_ctl ]]; then echo "$dir"; return; fi
    if command -v pg_config >/dev/null && [[ -x "$(pg_config --bindir)/pg_ctl" ]]; then
        pg_config --bindir; return
    fi
    return 1
}

# as_pg CMD...: run CMD as the cluster's owner (ourselves unless we are root).
if [[ $(id -u) == 0 ]]; then
    PG_USER=postgres
    id postgres >/dev/null 2>&1 || PG_USER=netral-ci
    as_pg() { (cd "$DIR" && runuser -u "$PG_USER" -- "$@"); }
else
    as_pg() { (cd "$DIR" && "$@"); }
fi

running() { [[ -f $DIR/data/postmaster.pid ]] && as_pg "$BIN/pg_ctl" status -D "$DIR/data" >/dev/null 2>&1; }

cmd=${1:-}
case $cmd in
    url) echo "$URL"; exit 0 ;;
    start | stop | destroy | status | bindir) ;;
    *) die "usage: scripts/pg.sh start|stop|destroy|url|status|bindir" ;;
esac

BIN=$(find_bindir) || die "no PostgreSQL server found (install Debian's postgresql package)"
if [[ $cmd == bindir ]]; then echo "$BIN"; exit 0; fi

case $cmd in
start)
    mkdir -p "$DIR"
    if [[ $(id -u) == 0 ]]; then
        id "$PG_USER" >/dev/null 2>&1 \
            || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
        chown "$PG_USER" "$DIR"
    fi
    chmod 700 "$DIR"
    if running; then echo "$URL"; exit 0; fi
    if [[ ! -f $DIR/data/PG_VERSION ]]; then
        as_pg "$BIN/initdb" -D "$DIR/data" -U netral --auth=trust -E UTF8 --locale=C.UTF-8 \
            >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    fi
    opts="-c listen_addresses=127.0.0.1 -p $PORT -k $DIR"
    if [[ ${PG_FAST:-1} != 0 ]]; then
        opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    else
        # Durable, sized like a production server (perf-baseline.md section 4b).
        opts+=" -c shared_buffers=2GB -c work_mem=64MB -c max_wal_size=4GB"
        opts+=" -c effective_cache_size=16GB"
    fi
    as_pg "$BIN/pg_ctl" start -w -t 60 -D "$DIR/data" -l "$DIR/server.log" -o "$opts" >/dev/null \
        || { tail -n 20 "$DIR/server.log" >&2; die "the server did not start (port $PORT in use?)"; }
    # The `netral` database, for the app and benchmarks (tests create test_netral themselves).
    as_pg "$BIN/psql" -h "$DIR" -p "$PORT" -U netral -d postgres -tAq \
        -c "SELECT 1 FROM pg_database WHERE datname = 'netral'" | grep -q 1 \
        || as_pg "$BIN/createdb" -h "$DIR" -p "$PORT" -U netral netral
    echo "$URL"
    ;;
stop)
    if running; then as_pg "$BIN/pg_ctl" stop -w -m fast -D "$DIR/data" >/dev/null; fi
    ;;
destroy)
    if running; then as_pg "$BIN/pg_ctl" stop -w -m immediate -D "$DIR/data" >/dev/null; fi
    rm -rf "$DIR"
    ;;
status)
    running
    ;;
esac
