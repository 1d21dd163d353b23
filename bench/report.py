#!/usr/bin/env python3
"""Writes BENCHMARKS.md from what bench/run.sh measured (argv: see run.sh)."""
import json
import os
import platform
import subprocess
import sys

out, first_run, cold_run, seed_s, expired, n_inst, n_msg, n_mem, n_log, java, java25 = sys.argv[1:12]
timing = json.load(open(os.path.join(out, "timing.json")))
cleanup = json.load(open(os.path.join(out, "cleanup.json")))
plans = open(os.path.join(out, "plans.md")).read()
mcp = json.load(open(os.path.join(out, "mcp.json")))
first = json.load(open(os.path.join(out, "first.json")))
residents = json.load(open(os.path.join(out, "residents.json")))["residents"]


def sh(*argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip() or \
            subprocess.run(argv, capture_output=True, text=True).stderr.strip()
    except OSError:
        return "?"


cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem_gib = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1]) / 1048576
java_version = sh(java, "-version").splitlines()[0]
pg_version = sh("psql", "-X", "-Atc", "show server_version", os.environ.get("CLAMBAKE_DB_URL", ""))

print("# Benchmarks\n")
print("Made by `bash bench/run.sh`; numbers below are one run's, on this machine:\n")
print(f"- machine: {os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB, {platform.system()} {platform.release()}")
print(f"- JVM for the launcher and `java -jar`: {java_version} ({java})")
print(f"- PostgreSQL {pg_version} on the same machine, loopback TCP, trust authentication")
print(f"- load average when the report was written: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} "
      "(the machine is shared; the alternation spreads the load over every column alike)")
print(f"- data set: {int(n_inst):,} instances, {int(n_msg):,} messages, {int(n_mem):,} memories, "
      f"{int(n_log):,} log rows (bench/seed.sql; seeded in {seed_s} s)\n")

server = {}
for line in plans.splitlines():
    cells = [c.strip() for c in line.strip("|").split("|")]
    if len(cells) == 4 and cells[2].replace(".", "", 1).isdigit():
        server[cells[0]] = (float(cells[2]), cells[3] == "no")
COMMANDS = ["inbox", "send", "recall --search", "heartbeat"]
HOOKS = ["UserPromptSubmit", "PreToolUse", "PreToolUse-denied", "PostToolUse"]
java25_version = sh(java25, "-version").splitlines()[0]


def ratio(name, column=""):
    return timing[name + column]["median_ms"] / timing[name + ":psql"]["median_ms"]


def verdict(ok):
    return "met" if ok else "**missed**"


def ms(entry):
    return f"{entry['median_ms']} (p90 {entry['p90_ms']})"


peak_resident = max((r["peak_rss_kib"] or 0) for r in residents) / 1024 if residents else float("nan")
first_extra = first["first_after_exit_median_ms"] - first["own_jvm_median_ms"]
print("## Targets (issue 12)\n")
print("| target | measured | |")
print("|---|---|---|")
for name in ["inbox", "send", "recall --search"]:
    r = ratio(name)
    print(f"| `{name}` through the launcher, resident process warm, <= 0.5x psql | {r:.2f}x "
          f"({timing[name]['median_ms']} vs {timing[name + ':psql']['median_ms']} ms) | {verdict(r <= 0.5)} |")
floor = timing["floor:psql"]["median_ms"]
for event in ["UserPromptSubmit", "PreToolUse", "PreToolUse-denied"]:
    t = timing["hook " + event]["median_ms"]
    note = {"PreToolUse": "; the lease and recent-edit check of a free file",
            "PreToolUse-denied": "; a file another instance leased: the deny"}.get(event, "")
    print(f"| hook {event} as init writes it, median <= 25 ms | {t} ms ({t / floor:.2f}x `psql -c 'SELECT 1'` "
          f"in the same alternation{note}) | {verdict(t <= 25)} |")
for tool in ["inbox", "send"]:
    m = mcp["launcher"][tool]
    print(f"| MCP `{tool}` p50 <= 3 ms, p99 <= 15 ms (the server as .mcp.json starts it) "
          f"| p50 {m['p50_ms']} ms, p99 {m['p99_ms']} ms "
          f"| {verdict(m['p50_ms'] <= 3 and m['p99_ms'] <= 15)} |")
print(f"| first command after the resident process exited <= one-command path + 50 ms "
      f"| {first['first_after_exit_median_ms']} vs {first['own_jvm_median_ms']} ms ({first_extra:+.1f} ms) "
      f"| {verdict(first_extra <= 50)} |")
print(f"| resident process peak memory <= 128 MiB | {peak_resident:.0f} MiB | {verdict(peak_resident <= 128)} |")
print(f"| first command on a new database < 3 s (issue 3) | {float(first_run):.2f} s "
      f"({float(cold_run):.2f} s with no class archive yet) | {verdict(float(cold_run) < 3)} |")
print(f"| inbox < 5 ms server-side (issue 3) | {server['inbox'][0]} ms | {verdict(server['inbox'][0] < 5)} |")
print(f"| recall --search < 20 ms server-side (issue 3) | {server['recall --search'][0]} ms "
      f"| {verdict(server['recall --search'][0] < 20)} |")
print(f"| no sequential scan of a big table | {'none' if all(ok for _, ok in server.values()) else 'some'} "
      f"| {verdict(all(ok for _, ok in server.values()))} |")
print(f"| cleanup never stalls a concurrent send > 100 ms | slowest insert {cleanup['insert_max_ms']} ms "
      f"| {verdict(cleanup['insert_max_ms'] is not None and cleanup['insert_max_ms'] < 100)} |")
print()
print("## Per-command wall time\n")
print("Each command ran as a new process, in alternation with all the others (in another order each "
      "round, the same orders in every run of the benchmark, so that no command always runs right after "
      f"the same one), {timing['inbox']['runs']} times after 3 warm-up runs, each run "
      f"{os.environ.get('BENCH_SETTLE_MS', '50')} ms after the one before it (a command that used PostgreSQL "
      "returns before its server process finished exiting, and the next run would pay for that exit: see "
      "bench/timing.py); medians and 90th percentiles in ms. "
      "**resident**: `bin/clambake` with its resident process warm (`CLAMBAKE_RESIDENT=require`, so a "
      "run that fell back would have failed); **own JVM**: `bin/clambake` with `CLAMBAKE_RESIDENT=off` "
      "(a JVM per command with its class archive), on JDK 17 and on JDK 25 (AOT cache); `java -jar` on "
      "JDK 17; `psql` runs the very statements the command runs (captured from the DAOs with their "
      "values, `target/bench/sql/`), over its own new connection, as `psql -f`.\n")
print(f"JDK 17: {java_version}; JDK 25: {java25_version}.\n")
print("| command | resident JDK 17 | resident JDK 25 | own JVM JDK 17 | own JVM JDK 25 | `java -jar` | `psql` "
      "| resident / psql | own JVM 25 / psql |")
print("|---|---|---|---|---|---|---|---|---|")
for name in COMMANDS:
    print(f"| `{name}` | {ms(timing[name])} | {ms(timing[name + ':resident-25'])} | {ms(timing[name + ':own-17'])} "
          f"| {ms(timing[name + ':own-25'])} | {ms(timing[name + ':java-jar'])} | {ms(timing[name + ':psql'])} "
          f"| {ratio(name):.2f} | {ratio(name, ':own-25'):.1f} |")
print()
floor_jvm, floor_cli, floor_psql = timing["floor:jvm"], timing["floor:launcher --version"], timing["floor:psql"]
print(f"Floors in the same alternation: an empty JVM (`main` only, C1) **{floor_jvm['median_ms']} ms**; "
      f"`psql -c 'SELECT 1'` **{floor_psql['median_ms']} ms**; `bin/clambake --version` answered by the "
      f"resident process (bash, the launcher's own logic, the round trip, no database) "
      f"**{floor_cli['median_ms']} ms**.\n")
print("## Hooks\n")
print("The command line `init` writes into .claude/settings.json, run through `sh -c` with the hook's "
      "JSON on standard input, as Claude Code runs it, for the session a SessionStart registered; "
      "medians and 90th percentiles in ms. PreToolUse edits a file nobody leased (the lease and "
      "recent-edit check, one statement, and no output); PreToolUse-denied edits one another instance "
      "of the project leased (the deny with its reason); PostToolUse records the edit.\n")
print("| hook | resident JDK 17 | own JVM JDK 17 |")
print("|---|---|---|")
for event in HOOKS:
    print(f"| {event} | {ms(timing['hook ' + event])} | {ms(timing['hook ' + event + ':own-17'])} |")
print()
print("## MCP tool calls\n")
print(f"`clambake mcp` over stdio as Claude Code drives it (JSON-RPC `tools/call`), "
      f"{mcp['launcher']['inbox']['calls']} calls of each tool in alternation after 20 warm-up calls, as an "
      "instance the planner has no statistics for (it registered when the server started). **launcher**: "
      "`bin/clambake mcp`, the command `init` writes into .mcp.json (a JVM with the launcher's flags: C1 "
      "only, the serial collector, its class archive, and, for a server, methods compiled after a tenth "
      "of the usual calls); **java -jar**: the same "
      "jar with the JVM's default flags; **parallel plans on**: the launcher's server with "
      "`options=-c max_parallel_workers_per_gather=2` in the URL, the server's default (Clambake's own "
      "connections set it to 0).\n")
print("| tool | launcher: p50 / p99 ms | `java -jar`: p50 / p99 ms | parallel plans on: p50 / p99 ms |")
print("|---|---|---|---|")
for tool in ["inbox", "send"]:
    print(f"| `{tool}` | {mcp['launcher'][tool]['p50_ms']} / {mcp['launcher'][tool]['p99_ms']} "
          f"| {mcp['jar'][tool]['p50_ms']} / {mcp['jar'][tool]['p99_ms']} "
          f"| {mcp['on'][tool]['p50_ms']} / {mcp['on'][tool]['p99_ms']} |")
print()
print("## The resident process\n")
for r in residents:
    print(f"- {r['java']}: {r['commands']} commands, peak memory **{(r['peak_rss_kib'] or 0) / 1024:.0f} MiB** "
          f"resident (now {(r['rss_kib'] or 0) / 1024:.0f} MiB)")
print(f"- the first command after it exited (it runs in a JVM of its own, then starts the resident process "
      f"in the background): **{first['first_after_exit_median_ms']} ms** median against "
      f"**{first['own_jvm_median_ms']} ms** with `CLAMBAKE_RESIDENT=off`, over {first['rounds']} rounds\n")
print("## First command on a new database\n")
print(f"- `status` on an empty database (creates the schema with Flyway), class archive already made: **{float(first_run):.2f} s**")
print(f"- the same with no class archive yet (the launcher's very first run): **{float(cold_run):.2f} s**\n")
print("## Cleanup under load\n")
print(f"{int(expired):,} expired messages; `clambake cleanup` deletes them in batches of 5,000 rows, each its own "
      "statement with `FOR UPDATE SKIP LOCKED`, while one psql session inserts a message every 10 ms as `send` does:\n")
print(f"- cleanup: exit {cleanup['cleanup_exit']}, `{cleanup['cleanup_output']}`, {cleanup['cleanup_seconds']} s")
print(f"- inserts during it: {cleanup['inserts_during']}, median {cleanup['insert_median_ms']} ms, "
      f"slowest **{cleanup['insert_max_ms']} ms**\n")
print("## Server-side time and plans of the hot statements\n")
print("Captured by `io.clambake.bench.HotQueryPlans` through the real DAOs (EXPLAIN ANALYZE, BUFFERS, "
      "after 3 warm-up passes), as reader `bench-00001`. Server time is the sum over the command's "
      "statements, including the identity look-up.\n")
print(plans)
