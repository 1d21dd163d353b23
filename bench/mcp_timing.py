#!/usr/bin/env python3
"""Times MCP tool calls against `clambake mcp` over stdio, as Claude Code makes them.

Usage: mcp_timing.py CALLS OUT.json NAME=CMD... (CMD: the server's argv joined by \\x1f, started
in a scratch directory of its own). For each server: initialize, 20 warm-up calls, then CALLS
rounds of `inbox` and `send` in alternation. Writes {name: {tool: {"p50_ms", "p99_ms", "calls"}}}.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def request(proc, message):
    proc.stdin.write((json.dumps(message) + "\n").encode())
    proc.stdin.flush()
    if "id" not in message:
        return None
    while True:
        line = proc.stdout.readline()
        if not line:
            sys.exit("the MCP server closed its output: " + proc.stderr.read().decode(errors="replace"))
        answer = json.loads(line)
        if answer.get("id") == message["id"]:
            return answer


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1)]


def measure(argv, calls):
    workdir = tempfile.mkdtemp(prefix="clambake-mcp-bench-")
    proc = subprocess.Popen(argv, cwd=workdir, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ids = iter(range(1, 10**9))
    request(proc, {"jsonrpc": "2.0", "id": next(ids), "method": "initialize",
                   "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                              "clientInfo": {"name": "bench", "version": "1"}}})
    request(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
    tools = {"inbox": {}, "send": {"to": "bench-00002", "subject": "mcp bench", "body": "benchmark message"}}
    samples = {tool: [] for tool in tools}

    def call(tool):
        start = time.perf_counter()
        answer = request(proc, {"jsonrpc": "2.0", "id": next(ids), "method": "tools/call",
                                "params": {"name": tool, "arguments": tools[tool]}})
        elapsed = (time.perf_counter() - start) * 1000
        if answer.get("result", {}).get("isError") or "error" in answer:
            sys.exit(f"{tool} failed: {answer}")
        return elapsed

    for _ in range(20):
        for tool in tools:
            call(tool)
    for _ in range(calls):
        for tool in tools:
            samples[tool].append(call(tool))
    proc.stdin.close()
    proc.wait(timeout=30)
    return {tool: {"p50_ms": round(statistics.median(v), 2), "p99_ms": round(percentile(v, 99), 2),
                   "calls": len(v)} for tool, v in samples.items()}


def main():
    calls = int(sys.argv[1])
    result = {}
    for spec in sys.argv[3:]:
        name, joined = spec.split("=", 1)
        result[name] = measure(joined.split("\x1f"), calls)
    with open(sys.argv[2], "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
