#!/usr/bin/env bash
# pgbench directly against PostgreSQL, through PgBouncer and through Tidepool, in one run, side by side.
#
#   perf/run-pgbench-side-by-side.sh                    issue 2: session mode, pgbench -S, 10 clients, 15 s, -j 2
#   perf/run-pgbench-side-by-side.sh --preset quick     both pool modes, -S and tpcb-like, simple/extended, 10 and
#                                                       200 clients, 5 s per cell (development)
#   perf/run-pgbench-side-by-side.sh --preset issue3    transaction mode, -S and tpcb-like, simple/extended,
#                                                       10/50/200/1000 clients onto 20, 10 s per cell, each
#                                                       workload and protocol run 20 s per pooler first (JIT)
#   ... --repeat 3                                      each pooler cell 3 times, alternating; medians shown
#   perf/run-pgbench-side-by-side.sh --preset full      also session mode and -M prepared, 15 s per cell
#   ... --help                                          every flag (--modes, --clients 10,50, --duration, ...)
#
# Environment (flags win): CLIENTS (comma list), DURATION (s), THREADS, PRESET, MODES, PROTOCOLS.
# Starts everything in temp directories on free loopback ports and stops it at the end, also on Ctrl-C.
# Needs `make build` (pooler and perf jars), PostgreSQL server binaries, pgbench and pgbouncer (`make test-deps`).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
perf_jar=perf/target/tidepool-perf.jar
for jar in "$perf_jar" pooler/target/tidepool.jar; do
    [[ -f "$jar" ]] || { echo "perf: $jar not found; run 'make build' first" >&2; exit 1; }
done
command -v pgbench >/dev/null || { echo "perf: pgbench not found (make test-deps)" >&2; exit 1; }
java_home=$(scripts/java-home.sh)

# 1,000 clients need more than 1,024 descriptors in pgbench, both poolers and this JVM. The pgbouncer wrapper raises
# its own limit again because runuser (used when root) resets it through pam_limits.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export PGBOUNCER="${PGBOUNCER:-$root/perf/pgbouncer-nofile.sh}"

args=()
[[ -n "${PRESET:-}" ]] && args+=(--preset "$PRESET")
[[ -n "${CLIENTS:-}" ]] && args+=(--clients "$CLIENTS")
[[ -n "${DURATION:-}" ]] && args+=(--duration "$DURATION")
[[ -n "${THREADS:-}" ]] && args+=(--threads "$THREADS")
[[ -n "${MODES:-}" ]] && args+=(--modes "$MODES")
[[ -n "${PROTOCOLS:-}" ]] && args+=(--protocols "$PROTOCOLS")

exec "$java_home/bin/java" -XX:+UseSerialGC -Xmx1g --enable-native-access=ALL-UNNAMED \
    -cp "$perf_jar" io.tidepool.perf.SideBySide --launcher "$root/bin/tidepool" "${args[@]}" "$@"
