# Tidepool: the three commands a newcomer needs.
#   make build   compile everything and produce bin/tidepool's jar
#   make test    every test (unit, fuzz regression, integration against real PostgreSQL)
#   make demo    a throw-away primary + standby with Tidepool in front; prints how to connect
# Each finds a JDK 25 itself and, as root on Debian, installs missing PostgreSQL binaries.

SHELL := /bin/bash
JAVA_HOME := $(shell scripts/java-home.sh)
export JAVA_HOME
MVN := ./mvnw -B -ntp
JAR := pooler/target/tidepool.jar

.PHONY: build test demo fuzz perf clean deps test-deps

build: deps
	$(MVN) -q -DskipTests install
	@echo "built $(JAR); run: bin/tidepool --help"

test: test-deps
	$(MVN) install

# Long coverage-guided fuzz run of every decoder (make test only replays the seeds and a short budget).
fuzz: build
	JAZZER_FUZZ=1 $(MVN) -pl wire-protocol,auth,ha-vip test -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false

demo: build
	@scripts/demo.sh || [[ $$? -eq 130 ]]   # 130: stopped with Ctrl-C, as intended

# make perf [PRESET=issue2|quick|full]: pgbench direct vs PgBouncer vs Tidepool side by side (not part of make test).
perf: build test-deps
	perf/run-pgbench-side-by-side.sh --preset $(or $(PRESET),issue2)

deps:
	@scripts/install-deps.sh

test-deps:
	@TIDEPOOL_TEST_DEPS=1 scripts/install-deps.sh

clean:
	$(MVN) -q clean
