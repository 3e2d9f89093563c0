#!/usr/bin/env bash
# cap <case> <command...>: records one client run through WireRecorder into /tmp/wirecap/cases/<case>.
set -uo pipefail
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
PG=54915 REC=54916
VERSION="PostgreSQL 15.18 (Debian 15.18-0+deb12u1)"
PGJDBC=$(ls /root/.m2/repository/org/postgresql/postgresql/42.7.14/postgresql-42.7.14.jar)
export PGJDBC
cap() {
    local name=$1; shift
    local out=/tmp/wirecap/cases/$name
    rm -rf "$out"
    $J -cp /tmp/wirecap/rec-classes io.tidepool.testkit.WireRecorder $REC 127.0.0.1 $PG "$out" \
        "$VERSION" "captured by: testkit WireRecorder 127.0.0.1:$REC -> 127.0.0.1:$PG" "then: $*" >/dev/null &
    local rpid=$!
    for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$REC) 2>/dev/null && break; sleep 0.1; done
    # the probe above is connection 1 (empty); real captures start at 2
    bash -c "$*" >"$out.stdout" 2>&1
    sleep 0.5
    kill -TERM $rpid; wait $rpid 2>/dev/null
    echo "== $name: $(ls $out | tr '\n' ' ')"
}
