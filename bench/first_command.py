#!/usr/bin/env python3
"""The first command after the resident process exited, against a command in a JVM of its own.

Usage: first_command.py ROUNDS OUT.json LAUNCHER ARGS...
Each round: stop the resident process; time the command with CLAMBAKE_RESIDENT=off; time it
again with the resident process on (it runs in a JVM of its own and starts the resident process
after itself); wait until that one answers. Writes the medians of both to OUT.json.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def timed(argv, resident):
    env = dict(os.environ, CLAMBAKE_RESIDENT=resident)
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def residents(launcher):
    out = subprocess.run([launcher, "resident", "status", "--json"], stdin=subprocess.DEVNULL,
                         capture_output=True, check=True).stdout
    return json.loads(out)["residents"]


def main():
    rounds, out, launcher, args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
    own, first = [], []
    for _ in range(rounds):
        subprocess.run([launcher, "resident", "stop"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       check=True)
        time.sleep(1)
        own.append(timed([launcher] + args, "off"))
        first.append(timed([launcher] + args, "on"))
        for _ in range(120):
            if residents(launcher):
                break
            time.sleep(0.25)
    with open(out, "w") as f:
        json.dump({"own_jvm_median_ms": round(statistics.median(own), 1),
                   "first_after_exit_median_ms": round(statistics.median(first), 1), "rounds": rounds}, f, indent=1)


if __name__ == "__main__":
    main()
