#!/usr/bin/env bash
# make demo: a throw-away PostgreSQL primary with one streaming standby, and Tidepool in front of them.
#
# Everything lives in one temp directory on free loopback ports. Prints how to connect (psql, the read-only alias,
# pgbench), then shows Tidepool's log until Ctrl-C, which stops Tidepool, the standby and the primary and deletes the
# directory. Works as root (PostgreSQL then runs as the `postgres` OS user, which initdb requires) and as a normal
# user. Needs `make build` (bin/tidepool's jar) and the PostgreSQL server binaries (`make deps` installs them).
#
# Environment: PG_BINDIR (default: the newest /usr/lib/postgresql/*/bin), TIDEPOOL_DEMO_KEEP=1 keeps the directory.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "demo: $*" >&2; exit 1; }

pg_bindir=${PG_BINDIR:-}
if [[ -z "$pg_bindir" ]]; then
    pg_bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
[[ -x "$pg_bindir/postgres" ]] || die "no PostgreSQL server binaries (looked in '${pg_bindir:-/usr/lib/postgresql/*/bin}');" \
    "run 'make deps' as root or set PG_BINDIR"
[[ -f "$here/pooler/target/tidepool.jar" ]] || die "pooler/target/tidepool.jar not found; run 'make build' first"

# Server programs refuse to run as root: as root they run as `postgres` (created like Debian's package does).
if [[ $(id -u) -eq 0 ]]; then
    id -u postgres >/dev/null 2>&1 || useradd -r -U -M -s /bin/sh -d /nonexistent postgres
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

# A loopback port below the ephemeral range (32768+) on which nothing listens right now.
used_ports=()
free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 12768))
        [[ " ${used_ports[*]-} " == *" $port "* ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            used_ports+=("$port")
            echo "$port"
            return 0
        fi
    done
    die "no free loopback port found"
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/tidepool-demo.XXXXXX")
chmod 755 "$dir"
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
tidepool_pid=""
log_tail_pid=""
cleaned=0

cleanup() {
    ((cleaned)) && return 0
    cleaned=1
    trap - INT TERM EXIT
    echo
    echo "demo: stopping Tidepool, the standby and the primary..."
    if [[ -n "$log_tail_pid" ]]; then
        kill "$log_tail_pid" 2>/dev/null || true
    fi
    if [[ -n "$tidepool_pid" ]] && kill -0 "$tidepool_pid" 2>/dev/null; then
        kill -TERM "$tidepool_pid" 2>/dev/null || true
        # SIGTERM lets running transactions finish (up to 30 s); the demo waits a little longer, then insists.
        for _ in $(seq 1 350); do
            kill -0 "$tidepool_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$tidepool_pid" 2>/dev/null || true
        wait "$tidepool_pid" 2>/dev/null || true
    fi
    for node in standby primary; do
        if [[ -f "$dir/$node/postmaster.pid" ]]; then
            as_pg "$pg_bindir/pg_ctl" -D "$dir/$node" -m fast -w -t 30 stop >/dev/null 2>&1 \
                || as_pg "$pg_bindir/pg_ctl" -D "$dir/$node" -m immediate -w stop >/dev/null 2>&1 || true
        fi
    done
    if [[ "${TIDEPOOL_DEMO_KEEP:-0}" == 1 ]]; then
        echo "demo: kept $dir"
    else
        rm -rf "$dir"
    fi
    echo "demo: stopped."
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

step() { echo "demo: $*"; }

# ---- primary ------------------------------------------------------------------------------------------------------
primary_port=$(free_port)
step "initdb primary in $dir/primary ($("$pg_bindir/postgres" --version))"
as_pg "$pg_bindir/initdb" -D "$dir/primary" -U postgres -A trust --no-locale -E UTF8 --nosync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
cat >>"$dir/primary/postgresql.conf" <<EOF

# tidepool demo
listen_addresses = '127.0.0.1'
port = $primary_port
unix_socket_directories = '$dir'
max_connections = 200
wal_level = replica
max_wal_senders = 10
hot_standby = on
fsync = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
as_pg "$pg_bindir/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w -t 60 start >/dev/null \
    || { tail -n 30 "$dir/primary.log" >&2; die "primary did not start"; }
psql_primary() { "$pg_bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$primary_port" -U postgres "$@"; }
psql_primary -d postgres -c 'create database app' >/dev/null

# ---- standby ------------------------------------------------------------------------------------------------------
standby_port=$(free_port)
step "pg_basebackup standby in $dir/standby"
as_pg "$pg_bindir/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -d application_name=standby \
    -D "$dir/standby" -R -X stream -c fast --no-sync -C -S standby >"$dir/basebackup.log" 2>&1 \
    || { cat "$dir/basebackup.log" >&2; die "pg_basebackup failed"; }
echo "port = $standby_port" >>"$dir/standby/postgresql.conf"
as_pg "$pg_bindir/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w -t 60 start >/dev/null \
    || { tail -n 30 "$dir/standby.log" >&2; die "standby did not start"; }
for _ in $(seq 1 300); do
    streaming=$(psql_primary -d postgres -At \
        -c "select count(*) from pg_stat_replication where application_name = 'standby' and state = 'streaming'")
    [[ "$streaming" == 1 ]] && break
    sleep 0.2
done
[[ "$streaming" == 1 ]] || { tail -n 30 "$dir/standby.log" >&2; die "standby is not streaming"; }

# ---- Tidepool -----------------------------------------------------------------------------------------------------
tidepool_port=$(free_port)
echo '"postgres" ""' >"$dir/userlist.txt"
cat >"$dir/tidepool.ini" <<EOF
; generated by scripts/demo.sh (PgBouncer's ini format)
[databases]
postgres = host=127.0.0.1 port=$primary_port dbname=postgres
app = host=127.0.0.1 port=$primary_port dbname=app
; read-only alias on the standby, until [routing] picks standbys by itself
postgres_ro = host=127.0.0.1 port=$standby_port dbname=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $tidepool_port
unix_socket_dir = $dir
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = postgres
pool_mode = session
default_pool_size = 20
max_client_conn = 200
ignore_startup_parameters = extra_float_digits
EOF
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"/userlist.txt "$dir"/tidepool.ini
step "starting Tidepool on 127.0.0.1:$tidepool_port"
"$here/bin/tidepool" run "$dir/tidepool.ini" >"$dir/tidepool.log" 2>&1 &
tidepool_pid=$!
ready=0
for _ in $(seq 1 300); do
    kill -0 "$tidepool_pid" 2>/dev/null || break
    if "$pg_bindir/psql" -X -At -h 127.0.0.1 -p "$tidepool_port" -U postgres -d postgres -c 'select 1' \
        >/dev/null 2>&1; then
        ready=1
        break
    fi
    sleep 0.2
done
((ready)) || { tail -n 40 "$dir/tidepool.log" >&2; die "Tidepool did not accept connections"; }

cat <<EOF

================================================================================================
 Tidepool is running on 127.0.0.1:$tidepool_port (session pooling)
   primary  PostgreSQL $("$pg_bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$primary_port
   standby  streaming replica on 127.0.0.1:$standby_port

 Connect through Tidepool:
   psql -h 127.0.0.1 -p $tidepool_port -U postgres postgres
   psql -h 127.0.0.1 -p $tidepool_port -U postgres app
 Read-only (the standby, alias postgres_ro):
   psql -h 127.0.0.1 -p $tidepool_port -U postgres postgres_ro -c 'select pg_is_in_recovery()'
 pgbench through Tidepool:
   pgbench -i -s 10 -h 127.0.0.1 -p $tidepool_port -U postgres app
   pgbench -S -c 10 -j 2 -T 10 -h 127.0.0.1 -p $tidepool_port -U postgres app
 JDBC:  jdbc:postgresql://127.0.0.1:$tidepool_port/app?user=postgres
 Admin console:  psql -h 127.0.0.1 -p $tidepool_port -U postgres pgbouncer

 Files (config, logs): $dir
 Press Ctrl-C to stop everything and delete the directory.
================================================================================================

EOF

# Show Tidepool's log as it grows, until Tidepool exits or Ctrl-C.
tail -n +1 -f "$dir/tidepool.log" &
log_tail_pid=$!
status=0
wait "$tidepool_pid" || status=$?
tidepool_pid=""
echo "demo: Tidepool exited with status $status"
exit "$status"
