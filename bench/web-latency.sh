#!/usr/bin/env bash
# How soon a change reaches the live page of `clambake web`: an agent sends messages through the
# CLI while a real headless Chromium has the page open (io.clambake.bench.WebLatency). Prints the
# median, 90th percentile and worst time from each message's created_at to the event on the
# stream and to the row in the page. Run from anywhere: bash bench/web-latency.sh
#   CLAMBAKE_TEST_DB_URL  a server where this user may CREATE DATABASE (default: local postgres)
#   SENDS     messages to send (default 50)
#   PAUSE_MS  pause between them (default 300)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p target/bench
./mvnw -B -q package -DskipTests
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
export CLAMBAKE_TEST_DB_URL=${CLAMBAKE_TEST_DB_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
java -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  io.clambake.bench.WebLatency "${SENDS:-50}" "${PAUSE_MS:-300}"
