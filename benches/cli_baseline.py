#!/usr/bin/env python3
"""The baseline of `cargo bench --bench cli`: a straightforward Python list scheduler.

Reads a `.dag` file of plain CPU tasks (`id : cpu Nms [after a, b, ...]`, one per line,
optionally a `workers N` line), and simulates it as fanout's default policy does:
- a task is ready when all its dependencies have ended;
- a free worker takes the ready task with the longest remaining cost-weighted path to a
  sink (its "bottom level", own cost included), ties to the task declared first;
- the free worker with the lowest index is used;
- every end at one instant is processed before any start at that instant.

Prints {"makespan_ms": ...} as JSON; with --schedule, also "tasks": [{"id", "worker",
"start_ms", "end_ms"}, ...] in declaration order (the benchmark times the run without it,
the cheaper one, and uses it once to check that the schedules agree).
Usage: cli_baseline.py FILE [--workers N] [--schedule]
"""
import heapq
import json
import sys


def parse(path):
    ids, dur, deps = [], [], []
    index = {}
    workers = 4
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("workers "):
                workers = int(line.split()[1])
                continue
            head, _, rest = line.partition(" : ")
            work, _, after = rest.partition(" after ")
            kind, amount = work.split()
            assert kind == "cpu" and amount.endswith("ms"), line
            index[head] = len(ids)
            ids.append(head)
            dur.append(round(float(amount[:-2]) * 1000))
            deps.append([index[d.strip()] for d in after.split(",")] if after else [])
    return ids, dur, deps, workers


def simulate(dur, deps, workers):
    n = len(dur)
    succ = [[] for _ in range(n)]
    for i, ds in enumerate(deps):
        for d in ds:
            succ[d].append(i)
    # Declaration order is a topological order (dependencies are declared first).
    bottom = [0] * n
    for i in range(n - 1, -1, -1):
        bottom[i] = dur[i] + max((bottom[s] for s in succ[i]), default=0)
    waiting = [len(ds) for ds in deps]
    ready = [(-bottom[i], i) for i in range(n) if waiting[i] == 0]
    heapq.heapify(ready)
    free = list(range(workers))
    running = []  # (end, task, worker)
    start, worker_of = [0] * n, [0] * n
    now = 0
    while ready or running:
        while ready and free:
            _, t = heapq.heappop(ready)
            w = heapq.heappop(free)
            start[t], worker_of[t] = now, w
            heapq.heappush(running, (now + dur[t], t, w))
        now = running[0][0]
        while running and running[0][0] == now:
            _, t, w = heapq.heappop(running)
            heapq.heappush(free, w)
            for s in succ[t]:
                waiting[s] -= 1
                if waiting[s] == 0:
                    heapq.heappush(ready, (-bottom[s], s))
    return now, start, worker_of


def main():
    args = sys.argv[1:]
    path = args[0]
    ids, dur, deps, workers = parse(path)
    if "--workers" in args:
        workers = int(args[args.index("--workers") + 1])
    makespan, start, worker_of = simulate(dur, deps, workers)
    out = {"makespan_ms": makespan / 1000}
    if "--schedule" in args:
        out["tasks"] = [
            {"id": ids[i], "worker": worker_of[i], "start_ms": start[i] / 1000,
             "end_ms": (start[i] + dur[i]) / 1000}
            for i in range(len(ids))
        ]
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
