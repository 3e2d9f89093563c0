#!/usr/bin/env bash
# Installs what the build, the tests and the demo need and the machine lacks, when run as root on Debian.
# As another user it only reports what is missing. Idempotent: a second run installs nothing.
set -euo pipefail

need=()
have_pg_server() { compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; }
have_pg_server || need+=(postgresql)
command -v pgbench >/dev/null || need+=(postgresql-contrib postgresql-client)
command -v psql >/dev/null || need+=(postgresql-client)
if [[ "${TIDEPOOL_TEST_DEPS:-0}" == 1 ]]; then
    # Comparison and interop peers used by tests and perf/: PgBouncer, keepalived; netns tooling.
    command -v pgbouncer >/dev/null || [[ -x /usr/sbin/pgbouncer ]] || need+=(pgbouncer)
    command -v keepalived >/dev/null || [[ -x /usr/sbin/keepalived ]] || need+=(keepalived)
    command -v ip >/dev/null || [[ -x /usr/sbin/ip ]] || need+=(iproute2)
    command -v iptables >/dev/null || [[ -x /usr/sbin/iptables ]] || need+=(iptables)
    command -v tcpdump >/dev/null || [[ -x /usr/bin/tcpdump ]] || need+=(tcpdump)
    command -v arping >/dev/null || [[ -x /usr/sbin/arping ]] || need+=(arping)
    command -v runuser >/dev/null || need+=(util-linux)
    command -v curl >/dev/null || need+=(curl)
    command -v openssl >/dev/null || need+=(openssl)          # TLS tests make their certificates with it
fi
((${#need[@]} == 0)) && exit 0
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "missing packages: ${need[*]} (install them, or run as root on Debian to have them installed)" >&2
    exit 0
fi
echo "installing: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Debian's pgbouncer/keepalived/postgresql packages try to start services; there is no init here and we do not want them.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
}
