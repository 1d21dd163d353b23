#!/usr/bin/env bash
# How soon a waiter (`read --next --wait`) returns after another connection sends it a message,
# woken by LISTEN/NOTIFY, and the CPU an empty wait costs (io.clambake.bench.WaitLatency).
# Run from anywhere: bash bench/wait-latency.sh
#   CLAMBAKE_TEST_DB_URL  a server where this user may CREATE DATABASE (default: local postgres)
#   ROUNDS    wake-ups to measure (default 30)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p target/bench
./mvnw -B -q test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
export CLAMBAKE_TEST_DB_URL=${CLAMBAKE_TEST_DB_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
java -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  io.clambake.bench.WaitLatency "${ROUNDS:-30}"
