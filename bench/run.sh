#!/usr/bin/env bash
# Seeds a scratch database with a busy swarm's data, times Clambake's hot commands through the
# launcher against psql running the same statements, captures their plans, measures cleanup,
# and writes BENCHMARKS.md. Run from anywhere: bash bench/run.sh
#   BENCH_ADMIN_URL  a server where this user may CREATE DATABASE (default: local postgres)
#   BENCH_ROUNDS     timed runs per command (default 30)
#   INSTANCES MESSAGES MEMORIES LOGS   the data set (default 1000 / 1000000 / 200000 / 1000000)
#   CLAMBAKE_JAVA    the java the launcher runs (default: $JAVA_HOME or java on PATH)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
admin=${BENCH_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
rounds=${BENCH_ROUNDS:-30}
instances=${INSTANCES:-1000} messages=${MESSAGES:-1000000} memories=${MEMORIES:-200000} logs=${LOGS:-1000000}
db=clambake_bench
url=${admin%/*}/$db
out=$root/target/bench
mkdir -p "$out"
say() { printf '\n== %s\n' "$*" >&2; }

say "build"
./mvnw -B -q package -DskipTests
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test
java_bin=${CLAMBAKE_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}
java_bin=${java_bin:-$(command -v java)}
export CLAMBAKE_JAVA=$java_bin CLAMBAKE_CACHE=$out/cache
unset CLAMBAKE_INSTANCE CLAMBAKE_SCHEMA

say "first command on a new database"
# Cold: no class archive for this jar yet.
rm -rf "$CLAMBAKE_CACHE"
psql -q -X "$admin" -c "DROP DATABASE IF EXISTS ${db}_first WITH (FORCE)" -c "CREATE DATABASE ${db}_first"
start=$(date +%s.%N)
CLAMBAKE_DB_URL="${admin%/*}/${db}_first" bin/clambake status >/dev/null
cold_run=$(echo "$(date +%s.%N) - $start" | bc)
# A run that migrated makes no archive (it would be a poor sample); the next one does.
CLAMBAKE_DB_URL="${admin%/*}/${db}_first" bin/clambake status >/dev/null
sleep 5   # the archive is assembled in the background
# Warm: the archive exists, the database is new.
psql -q -X "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" \
  -c "DROP DATABASE ${db}_first WITH (FORCE)"
export CLAMBAKE_DB_URL=$url
start=$(date +%s.%N)
bin/clambake status >/dev/null
first_run=$(echo "$(date +%s.%N) - $start" | bc)

say "seed: $instances instances, $messages messages, $memories memories, $logs log rows"
seed_start=$(date +%s)
sed -e "s/\${instances}/$instances/g; s/\${messages}/$messages/g; s/\${memories}/$memories/g" \
    -e "s/\${logs}/$logs/g; s/\${schema}/clambake/g" bench/seed.sql | psql -q -X -v ON_ERROR_STOP=1 "$url"
seed_seconds=$(( $(date +%s) - seed_start ))

say "plans of the real statements"
cp=target/test-classes:target/classes:$(cat "$out/classpath.txt")
jdbc=$(echo "$url" | sed -E 's#^postgresql://([^@/:]+)@(.*)$#jdbc:postgresql://\2?user=\1#; s#^postgresql://([^@]*)$#jdbc:postgresql://\1#')
java -cp "$cp" io.clambake.bench.HotQueryPlans "$jdbc" clambake "$out/sql" > "$out/plans.md" 2>/dev/null

say "timing ($rounds rounds, alternating)"
export CLAMBAKE_INSTANCE=bench-00001
sep=$'\x1f'
cmd() { local IFS=$sep; echo "$*"; }
python3 bench/timing.py "$rounds" "$out/timing.json" \
  "floor:jvm=$(cmd "$java_bin" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp target/test-classes io.clambake.bench.Noop)" \
  "floor:launcher --version=$(cmd bin/clambake --version)" \
  "floor:psql=$(cmd psql -X -q -o /dev/null "$url" -c 'SELECT 1')" \
  "inbox=$(cmd bin/clambake inbox)" \
  "inbox:java-jar=$(cmd "$java_bin" -jar target/clambake.jar inbox)" \
  "inbox:psql=$(cmd env PGOPTIONS=-csearch_path=clambake psql -X -q -o /dev/null "$url" -f "$out/sql/inbox.sql")" \
  "send=$(cmd bin/clambake send --to bench-00002 --subject bench --body 'benchmark message')" \
  "send:java-jar=$(cmd "$java_bin" -jar target/clambake.jar send --to bench-00002 --subject bench --body 'benchmark message')" \
  "send:psql=$(cmd env PGOPTIONS=-csearch_path=clambake psql -X -q -o /dev/null "$url" -f "$out/sql/send.sql")" \
  "recall --search=$(cmd bin/clambake recall --search deadlock)" \
  "recall --search:java-jar=$(cmd "$java_bin" -jar target/clambake.jar recall --search deadlock)" \
  "recall --search:psql=$(cmd env PGOPTIONS=-csearch_path=clambake psql -X -q -o /dev/null "$url" -f "$out/sql/recall-search.sql")" \
  "heartbeat=$(cmd bin/clambake heartbeat --task benchmarking)" \
  "heartbeat:java-jar=$(cmd "$java_bin" -jar target/clambake.jar heartbeat --task benchmarking)" \
  "heartbeat:psql=$(cmd env PGOPTIONS=-csearch_path=clambake psql -X -q -o /dev/null "$url" -f "$out/sql/heartbeat.sql")"

say "cleanup of expired messages while a sender keeps sending"
expired=$(psql -X -Atq "$url" -c "SELECT count(*) FROM clambake.messages WHERE expires_at <= now()")
PGOPTIONS=-csearch_path=clambake python3 bench/cleanup_stall.py "$url" 3 4 bin/clambake cleanup --json > "$out/cleanup.json"

say "report"
python3 bench/report.py "$out" "$first_run" "$cold_run" "$seed_seconds" "$expired" \
  "$instances" "$messages" "$memories" "$logs" "$java_bin" > BENCHMARKS.md
psql -q -X "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
say "wrote BENCHMARKS.md"
