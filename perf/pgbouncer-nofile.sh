#!/bin/sh
# Runs PgBouncer with the open-files soft limit raised to the hard limit (perf/ sets PGBOUNCER to this file).
# runuser's pam_limits puts the soft limit back to 1024, too few for 1,000 clients and their server connections.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec "${PGBOUNCER_BINARY:-/usr/sbin/pgbouncer}" "$@"
