#!/usr/bin/env bash
# Prints the JAVA_HOME of a JDK 25 or newer: $JAVA_HOME if it qualifies, else the newest one under /usr/lib/jvm.
# The machine's default java is 17; Tidepool needs 25 (FFM, records, sealed types, --release 25).
set -euo pipefail

major_of() {
    # "openjdk version "25.0.1" 2025-10-21" -> 25 ; "1.8.0_392" -> 1
    "$1/bin/java" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print v[1]; exit }'
}

if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/javac" ]] && (( $(major_of "$JAVA_HOME") >= 25 )); then
    echo "$JAVA_HOME"
    exit 0
fi
best="" best_major=0
for candidate in /usr/lib/jvm/*/ /opt/java/*/ /opt/jdk*/; do
    candidate=${candidate%/}
    [[ -x "$candidate/bin/javac" ]] || continue
    major=$(major_of "$candidate" || echo 0)
    if (( major >= 25 && major > best_major )); then
        best=$candidate best_major=$major
    fi
done
if [[ -z "$best" ]]; then
    echo "no JDK 25 found: set JAVA_HOME to a JDK 25+ (e.g. Temurin 25 under /usr/lib/jvm)" >&2
    exit 1
fi
echo "$best"
