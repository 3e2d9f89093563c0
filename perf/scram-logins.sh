#!/usr/bin/env bash
# SCRAM-SHA-256 logins per second through Tidepool and through PgBouncer (and direct), same run.
#   perf/scram-logins.sh [threads] [seconds]        (defaults 8, 10)
# Needs `make build` (perf jar), PostgreSQL server binaries and pgbouncer (`make test-deps`).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
perf_jar=perf/target/tidepool-perf.jar
[[ -f "$perf_jar" ]] || { echo "perf: $perf_jar not found; run 'make build' first" >&2; exit 1; }
java_home=$(scripts/java-home.sh)
export PGBOUNCER="${PGBOUNCER:-$root/perf/pgbouncer-nofile.sh}"
exec "$java_home/bin/java" -Xmx1g --enable-native-access=ALL-UNNAMED \
    -cp "$perf_jar" io.tidepool.perf.ScramLogins "$@"
