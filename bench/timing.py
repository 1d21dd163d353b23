#!/usr/bin/env python3
"""Times commands in alternation: Clambake through the launcher (with and without the resident
process), java -jar, and psql running the same statements.

Usage: timing.py ROUNDS OUT.json NAME=CMD... (each CMD a shell-free argv joined by \\x1f).
An argv may start with ENV:NAME=VALUE words (set for that command only, without an `env`
process that would be timed too) and a <FILE word (its standard input; else /dev/null).
Prints nothing; writes {name: {"median_ms", "p90_ms", "max_rss_kib", "runs"}} to OUT.json.
BENCH_SETTLE_MS (default 50): the pause before each timed run, see main().
"""
import json
import os
import random
import statistics
import subprocess
import sys
import time


def parse(joined):
    argv = joined.split("\x1f")
    env, stdin = {}, os.devnull
    while argv and (argv[0].startswith("ENV:") or argv[0].startswith("<")):
        word = argv.pop(0)
        if word.startswith("<"):
            stdin = word[1:]
        else:
            name, value = word[4:].split("=", 1)
            env[name] = value
    return argv, env, stdin


def run_once(command):
    argv, env, stdin = command
    full_env = dict(os.environ)
    full_env.update(env)
    with open(stdin, "rb") as stdin_file:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=stdin_file, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env=full_env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(argv)}\n{err}")
    return elapsed, usage.ru_maxrss


def main():
    rounds = int(sys.argv[1])
    out = sys.argv[2]
    commands = []
    for spec in sys.argv[3:]:
        name, joined = spec.split("=", 1)
        commands.append((name, parse(joined)))
    for name, command in commands:  # warm-up: caches, archives, the server's buffers
        for _ in range(3):
            run_once(command)
    samples = {name: [] for name, _ in commands}
    rss = {name: 0 for name, _ in commands}
    order = list(commands)
    shuffle = random.Random(12).shuffle  # the same orders in every run of the benchmark
    # A command that connected to PostgreSQL returns before its server process has finished
    # exiting, and a run started right then pays for that exit: `sh -c '/usr/bin/env bash -c :'`
    # took 17.1 ms right after a psql, 10.4 ms with no psql before it or 50 ms after one (a
    # UserPromptSubmit hook: 23.9, 16.3 and 17.7 ms). So each run starts after a pause, and
    # measures itself, not the command before it.
    settle = int(os.environ.get("BENCH_SETTLE_MS", "50")) / 1000
    for _ in range(rounds):
        # Alternate, so drift on a noisy machine hits all alike, in another order each round, so
        # that no command always follows the same one.
        shuffle(order)
        for name, command in order:
            time.sleep(settle)
            elapsed, maxrss = run_once(command)
            samples[name].append(elapsed)
            rss[name] = max(rss[name], maxrss)
    result = {}
    for name, values in samples.items():
        values.sort()
        result[name] = {
            "median_ms": round(statistics.median(values), 1),
            "p90_ms": round(values[int(len(values) * 0.9) - 1], 1),
            "max_rss_kib": rss[name],
            "runs": len(values),
        }
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
