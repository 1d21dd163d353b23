#!/usr/bin/env bash
# Seeds a scratch database with a busy swarm's data, times Clambake's hot commands (through the
# launcher with the resident process warm and without it on JDK 17 and 25, and java -jar) against
# psql running the same statements, times hooks as init writes them and MCP tool calls, captures
# the statements' plans, measures cleanup, and writes BENCHMARKS.md. Run: bash bench/run.sh
#   BENCH_ADMIN_URL  a server where this user may CREATE DATABASE (default: local postgres)
#   BENCH_ROUNDS     timed runs per command (default 30)
#   BENCH_DB         the scratch database's name (default clambake_bench)
#   BENCH_SETTLE_MS  the pause before each timed run (default 50; see bench/timing.py)
#   INSTANCES MESSAGES MEMORIES LOGS   the data set (default 1000 / 1000000 / 200000 / 1000000)
#   CLAMBAKE_JAVA    the java the launcher runs (default: $JAVA_HOME or java on PATH)
#   JAVA25           a JDK 25's java, for the launcher's second JDK (default: Temurin 25's, if there)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
admin=${BENCH_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
rounds=${BENCH_ROUNDS:-30}
instances=${INSTANCES:-1000} messages=${MESSAGES:-1000000} memories=${MEMORIES:-200000} logs=${LOGS:-1000000}
db=${BENCH_DB:-clambake_bench}
url=${admin%/*}/$db
out=$root/target/bench
mkdir -p "$out"
say() { printf '\n== %s\n' "$*" >&2; }

say "build"
./mvnw -B -q package -DskipTests
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test
java_bin=${CLAMBAKE_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}
java_bin=${java_bin:-$(command -v java)}
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$java25" ] || java25=$java_bin
export CLAMBAKE_JAVA=$java_bin CLAMBAKE_CACHE=$out/cache CLAMBAKE_RESIDENT_IDLE=30m
unset CLAMBAKE_INSTANCE CLAMBAKE_SCHEMA JAVA_TOOL_OPTIONS _JAVA_OPTIONS JDK_JAVA_OPTIONS
# the commands of the "first command" section run in a JVM of their own, as before resident processes
export CLAMBAKE_RESIDENT=off

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
# A settled database, as a long-running swarm's is: the timing must not run beside autovacuum's
# first pass over a million new rows, nor have its first reads set every row's hint bits.
psql -q -X "$url" -c "VACUUM (ANALYZE)"

say "plans of the real statements"
cp=target/test-classes:target/classes:$(cat "$out/classpath.txt")
jdbc=$(echo "$url" | sed -E 's#^postgresql://([^@/:]+)@(.*)$#jdbc:postgresql://\2?user=\1#; s#^postgresql://([^@]*)$#jdbc:postgresql://\1#')
java -cp "$cp" io.clambake.bench.HotQueryPlans "$jdbc" clambake "$out/sql" > "$out/plans.md" 2>/dev/null

say "resident processes (JDK 17 and 25), hooks as init writes them"
unset CLAMBAKE_RESIDENT
bin/clambake resident stop >/dev/null
bin/clambake resident start >/dev/null
CLAMBAKE_JAVA=$java25 bin/clambake resident start >/dev/null
export CLAMBAKE_INSTANCE=bench-00001
found=$(CLAMBAKE_RESIDENT=require bin/clambake recall --search deadlock --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
[ "$found" -gt 0 ] || { echo "recall --search deadlock finds nothing in proj-01: fix bench/seed.sql" >&2; exit 1; }
repo=$out/repo
rm -rf "$repo"; mkdir -p "$repo"
(cd "$repo" && git init -q . && CLAMBAKE_RESIDENT=off "$root/bin/clambake" init --project proj-01 >/dev/null)
hook=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["hooks"]["UserPromptSubmit"][0]["hooks"][0]["command"])' \
  "$repo/.claude/settings.json")
payload() { # event [file [name]]
  printf '{"session_id":"bench-hook-session","transcript_path":"%s/t.jsonl","cwd":"%s","hook_event_name":"%s","source":"startup","prompt":"go on","tool_name":"Edit","tool_input":{"file_path":"%s/%s","old_string":"a","new_string":"b"},"tool_response":{"filePath":"%s/%s"}}' \
    "$repo" "$repo" "$1" "$repo" "${2:-a.txt}" "$repo" "${2:-a.txt}" > "$out/hook-${3:-$1}.json"
}
for event in SessionStart UserPromptSubmit PreToolUse PostToolUse; do payload $event; done
payload PreToolUse held.txt PreToolUse-denied
(cd "$repo" && sh -c "$hook" < "$out/hook-SessionStart.json" >/dev/null)   # the session's instance
# Another instance of the project leases held.txt, so PreToolUse-denied times the deny path
# (the lease read, the holder's row, the reason), PreToolUse the common case of a free file.
mkdir -p "$repo/holder"
holder=$(cd "$repo/holder" && CLAMBAKE_INSTANCE= CLAMBAKE_RESIDENT=off "$root/bin/clambake" register --project proj-01 | head -1)
(cd "$repo" && CLAMBAKE_INSTANCE=$holder CLAMBAKE_RESIDENT=off "$root/bin/clambake" lease held.txt --ttl 24h >/dev/null)

say "timing ($rounds rounds, alternating)"
sep=$'\x1f'
cmd() { local IFS=$sep; echo "$*"; }
psql_file() { cmd ENV:PGOPTIONS=-csearch_path=clambake psql -X -q -o /dev/null "$url" -f "$out/sql/$1.sql"; }
# The hook's command line as init writes it, with its JSON on stdin: hook_run RESIDENT EVENT
hook_run() { cmd "<$out/hook-$2.json" "ENV:CLAMBAKE_RESIDENT=$1" ENV:CLAMBAKE_INSTANCE= sh -c "cd '$repo' && $hook"; }
resident=ENV:CLAMBAKE_RESIDENT=require
own17=(ENV:CLAMBAKE_RESIDENT=off)
own25=(ENV:CLAMBAKE_RESIDENT=off "ENV:CLAMBAKE_JAVA=$java25")
send=(send --to bench-00002 --subject bench --body 'benchmark message')
specs=(
  "floor:jvm=$(cmd "$java_bin" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp target/test-classes io.clambake.bench.Noop)"
  "floor:psql=$(cmd psql -X -q -o /dev/null "$url" -c 'SELECT 1')"
  "floor:launcher --version=$(cmd $resident bin/clambake --version)"
)
for name in inbox send "recall --search" heartbeat; do
  case $name in
    inbox) argv=(inbox) sql=inbox ;;
    send) argv=("${send[@]}") sql=send ;;
    "recall --search") argv=(recall --search deadlock) sql=recall-search ;;
    heartbeat) argv=(heartbeat --task benchmarking) sql=heartbeat ;;
  esac
  specs+=(
    "$name=$(cmd $resident bin/clambake "${argv[@]}")"
    "$name:resident-25=$(cmd $resident "ENV:CLAMBAKE_JAVA=$java25" bin/clambake "${argv[@]}")"
    "$name:own-17=$(cmd "${own17[@]}" bin/clambake "${argv[@]}")"
    "$name:own-25=$(cmd "${own25[@]}" bin/clambake "${argv[@]}")"
    "$name:java-jar=$(cmd "$java_bin" -jar target/clambake.jar "${argv[@]}")"
    "$name:psql=$(psql_file $sql)"
  )
done
for event in UserPromptSubmit PreToolUse PreToolUse-denied PostToolUse; do
  specs+=("hook $event=$(hook_run require $event)" "hook $event:own-17=$(hook_run off $event)")
done
python3 bench/timing.py "$rounds" "$out/timing.json" "${specs[@]}"

say "MCP tool calls: as .mcp.json starts the server, as java -jar, and with parallel plans on"
python3 bench/mcp_timing.py $((rounds * 10)) "$out/mcp.json" \
  "launcher=$(cmd "$root/bin/clambake" mcp --project proj-01 --db-url "$url")" \
  "jar=$(cmd "$java_bin" -jar "$root/target/clambake.jar" mcp --project proj-01 --db-url "$url")" \
  "on=$(cmd "$root/bin/clambake" mcp --project proj-01 --db-url "$url?options=-c%20max_parallel_workers_per_gather%3D2")"

say "resident processes: memory, then the first command after one exited"
bin/clambake resident status --json > "$out/residents.json"
python3 bench/first_command.py "${FIRST_ROUNDS:-10}" "$out/first.json" "$root/bin/clambake" inbox
bin/clambake resident stop >/dev/null
export CLAMBAKE_RESIDENT=off

say "cleanup of expired messages while a sender keeps sending"
expired=$(psql -X -Atq "$url" -c "SELECT count(*) FROM clambake.messages WHERE expires_at <= now()")
PGOPTIONS=-csearch_path=clambake python3 bench/cleanup_stall.py "$url" 3 4 bin/clambake cleanup --json > "$out/cleanup.json"

say "report"
python3 bench/report.py "$out" "$first_run" "$cold_run" "$seed_seconds" "$expired" \
  "$instances" "$messages" "$memories" "$logs" "$java_bin" "$java25" > BENCHMARKS.md
psql -q -X "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
say "wrote BENCHMARKS.md"
