#!/usr/bin/env python3
"""Time commands precisely, with each run's peak memory (wait4's ru_maxrss).

Usage: bench-timer.py N JSON_COMMANDS [JSON_BETWEEN]
JSON_COMMANDS is a JSON list of argv lists; they run interleaved, N rounds,
in alternating order, so that drift on the machine hits all of them alike. JSON_BETWEEN (an argv)
runs untimed after each timed command, to reset state (e.g. dpkg -r).
Prints a JSON list, per command: {"wall_ms": [...], "maxrss_kb": [...]}.
"""
import json
import os
import sys
import time


def run(argv):
    t0 = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0), (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    wall = (time.perf_counter() - t0) * 1000
    code = os.waitstatus_to_exitcode(status)
    # usr-guard refuses with 10 on a locked host: that is a run, not a failure.
    if code not in (0, 10):
        sys.exit(f"bench-timer: {argv!r} failed with {code}")
    return wall, usage.ru_maxrss


def main():
    n = int(sys.argv[1])
    commands = json.loads(sys.argv[2])
    between = json.loads(sys.argv[3]) if len(sys.argv) > 3 else None
    results = [{"wall_ms": [], "maxrss_kb": []} for _ in commands]
    for i in range(n):
        # Alternate the order every round, so that no command always runs first.
        pairs = list(zip(commands, results))
        for cmd, res in pairs if i % 2 == 0 else reversed(pairs):
            wall, rss = run(cmd)
            res["wall_ms"].append(wall)
            res["maxrss_kb"].append(rss)
            if between:
                run(between)
    print(json.dumps(results))


main()
