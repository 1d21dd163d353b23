#!/usr/bin/env python3
"""Writes BENCHMARKS.md from what bench/run.sh measured (argv: see run.sh)."""
import json
import os
import platform
import subprocess
import sys

out, first_run, cold_run, seed_s, expired, n_inst, n_msg, n_mem, n_log, java = sys.argv[1:11]
timing = json.load(open(os.path.join(out, "timing.json")))
cleanup = json.load(open(os.path.join(out, "cleanup.json")))
plans = open(os.path.join(out, "plans.md")).read()


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
print(f"- data set: {int(n_inst):,} instances, {int(n_msg):,} messages, {int(n_mem):,} memories, "
      f"{int(n_log):,} log rows (bench/seed.sql; seeded in {seed_s} s)\n")

server = {}
for line in plans.splitlines():
    cells = [c.strip() for c in line.strip("|").split("|")]
    if len(cells) == 4 and cells[2].replace(".", "", 1).isdigit():
        server[cells[0]] = (float(cells[2]), cells[3] == "no")
ratio_median = sorted(timing[n]["median_ms"] / timing[n + ":psql"]["median_ms"]
                      for n in ["inbox", "send", "recall --search", "heartbeat"])[1:3]
ratio = sum(ratio_median) / 2
peak = max(timing[n]["max_rss_kib"] for n in ["inbox", "send", "recall --search", "heartbeat"]) / 1024


def verdict(ok):
    return "met" if ok else "**missed**"


print("## Targets (issue 3)\n")
print("| target | measured | |")
print("|---|---|---|")
print(f"| warm command / psql, median ratio <= 2.0 | {ratio:.1f} | {verdict(ratio <= 2.0)} (see What limits the ratio) |")
print(f"| first command on a new database < 3 s | {float(first_run):.2f} s ({float(cold_run):.2f} s with no class archive yet) "
      f"| {verdict(float(cold_run) < 3)} |")
print(f"| inbox < 5 ms server-side | {server['inbox'][0]} ms | {verdict(server['inbox'][0] < 5)} |")
print(f"| read < 5 ms server-side | {server['read ID'][0]} ms | {verdict(server['read ID'][0] < 5)} |")
print(f"| recall --search < 20 ms server-side | {server['recall --search'][0]} ms | {verdict(server['recall --search'][0] < 20)} |")
print(f"| no sequential scan of a big table | {'none' if all(ok for _, ok in server.values()) else 'some'} "
      f"| {verdict(all(ok for _, ok in server.values()))} |")
print(f"| cleanup never stalls a concurrent send > 100 ms | slowest insert {cleanup['insert_max_ms']} ms "
      f"| {verdict(cleanup['insert_max_ms'] is not None and cleanup['insert_max_ms'] < 100)} |")
print(f"| peak memory of one command < 96 MiB | {peak:.0f} MiB | {verdict(peak < 96)} |")
print()
print("Server-side times are the sums over each command's statements, identity look-up included (last section).\n")
print("## Per-command wall time\n")
print("Each command ran as a new process, in alternation with the others, "
      f"{timing['inbox']['runs']} times after 3 warm-up runs; medians and 90th percentiles in ms. "
      "`psql` runs the very statements the command runs (captured from the DAOs with their values, "
      "`target/bench/sql/`), over its own new connection, as `psql -f`; the CLI also runs one schema-version "
      "query that psql does not.\n")
print("| command | launcher `bin/clambake` | `java -jar` | `psql` | launcher / psql | java -jar / psql | launcher peak RSS |")
print("|---|---|---|---|---|---|---|")
ratios = []
for name in ["inbox", "send", "recall --search", "heartbeat"]:
    launcher, jar, psql = timing[name], timing[name + ":java-jar"], timing[name + ":psql"]
    r = launcher["median_ms"] / psql["median_ms"]
    ratios.append(r)
    print(f"| `{name}` | {launcher['median_ms']} (p90 {launcher['p90_ms']}) | {jar['median_ms']} (p90 {jar['p90_ms']}) "
          f"| {psql['median_ms']} (p90 {psql['p90_ms']}) | {r:.1f} | {jar['median_ms'] / psql['median_ms']:.1f} "
          f"| {launcher['max_rss_kib'] / 1024:.0f} MiB |")
print()
print(f"Median ratio launcher / psql over the four commands: **{sorted(ratios)[len(ratios) // 2 - 1 + len(ratios) % 2]:.1f}**"
      f" (range {min(ratios):.1f}–{max(ratios):.1f}).\n")
floor_jvm, floor_cli, floor_psql = timing["floor:jvm"], timing["floor:launcher --version"], timing["floor:psql"]
print("### What limits the ratio\n")
print("Measured in the same alternation: the JVM alone (a class with an empty `main`, default CDS, C1) takes "
      f"**{floor_jvm['median_ms']} ms**, the launcher printing `--version` (JVM, class archive, picocli building "
      f"its model of every command, no database) **{floor_cli['median_ms']} ms**, and `psql -c 'SELECT 1'` "
      f"**{floor_psql['median_ms']} ms**. So the JVM's own start is not what misses the target: the cost is "
      "the work a Java CLI does before its first statement, most of it initialising picocli (its first "
      "`new CommandLine` took about 70 ms in a bare JVM here, of which an archive saves a part) and the "
      "PostgreSQL driver, run by the interpreter in a JVM that never lives long enough to compile it. "
      "A ratio near 2 would need a client that does not start a JVM per command: a resident process the "
      "launcher talks to, or a native image (GraalVM is not available on these machines).\n")
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
