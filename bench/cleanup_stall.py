#!/usr/bin/env python3
"""While a cleanup runs, one psql session keeps inserting messages as `send` does, every 10 ms,
and times each insert: the slowest one is the worst stall the cleanup caused a sender.

Usage: cleanup_stall.py PSQL_URL SENDER_ID RECIPIENT_ID CLEANUP_ARGV... ; prints one JSON object.
"""
import json
import re
import subprocess
import sys
import tempfile
import threading
import time

url, sender, recipient = sys.argv[1], sys.argv[2], sys.argv[3]
cleanup = sys.argv[4:]
insert = ("INSERT INTO messages (sender_id, audience, recipient_id, type, subject, body, expires_at) "
          f"VALUES ({sender}, 'direct', {recipient}, 'info', 'during cleanup', 'x', now() + interval '7 days');\n")

log = tempfile.TemporaryFile(mode="w+")
psql = subprocess.Popen(["psql", "-q", "-X", url], stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                        text=True)
psql.stdin.write("\\timing on\n")
stop = threading.Event()


def keep_sending():
    while not stop.is_set():
        psql.stdin.write(insert)
        psql.stdin.flush()
        time.sleep(0.01)


sender_thread = threading.Thread(target=keep_sending)
sender_thread.start()
time.sleep(1.0)
start = time.perf_counter()
result = subprocess.run(cleanup, capture_output=True, text=True)
cleanup_seconds = time.perf_counter() - start
time.sleep(0.5)
stop.set()
sender_thread.join()
psql.stdin.close()
psql.wait(timeout=60)
log.seek(0)
times = [float(t) for t in re.findall(r"Time: ([0-9.]+) ms", log.read())]
print(json.dumps({
    "cleanup_exit": result.returncode,
    "cleanup_output": result.stdout.strip(),
    "cleanup_seconds": round(cleanup_seconds, 2),
    "inserts_during": len(times),
    "insert_median_ms": round(sorted(times)[len(times) // 2], 2) if times else None,
    "insert_max_ms": round(max(times), 2) if times else None,
}))
