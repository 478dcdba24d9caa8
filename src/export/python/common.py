# ---------------------------------------------------------------------------------------------
# What every task does, exactly as fanout does it (src/sched, src/work/kernels, src/trace).
# ---------------------------------------------------------------------------------------------
MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
FAIL_DOMAIN = 0x6661696C  # "fail"


def mix64(z):
    """The SplitMix64 finalizer (src/sched/rng.rs), on 64-bit integers."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def failure_draw(seed, task, attempt):
    """fanout's draw for attempt `attempt` (0-based) of task number `task` (0-based)."""
    a = mix64((seed ^ FAIL_DOMAIN) & MASK)
    b = mix64(a ^ ((task * GOLDEN) & MASK))
    return (mix64(b ^ attempt) >> 11) * (1.0 / (1 << 53))


def plan_fails(seed, i, attempt):
    """Whether attempt `attempt` (1-based) of task i is planned to fail, as the scheduler plans it."""
    t = TASKS[i]
    return attempt <= t["fail_attempts"] or (
        t["fail"] > 0 and failure_draw(seed, i, attempt - 1) < t["fail"])


def judge(t, elapsed_us, fails):
    """An attempt's status from its measured length (AttemptPlan::judge)."""
    timeout = t["timeout_us"]
    if timeout is not None and (elapsed_us > timeout or t["us"] > timeout):
        return "timeout"
    return "failed" if fails else "ok"


def backoff_s(t, attempt):
    """The wait before attempt `attempt` (2-based): backoff · 2^(retry-1)."""
    return t["backoff_us"] * (1 << (attempt - 2)) / 1e6


def cpu(us, stop_at=None):
    """Keeps this core busy for `us` µs of this thread's CPU time (time.thread_time), so a
    busy host stretches it as it stretches real work; stops early at wall time `stop_at`."""
    target = time.thread_time() + us / 1e6
    x = 1
    while time.thread_time() < target:
        for _ in range(100):
            x = (x * 6364136223846793005 + 1442695040888963407) & MASK
        if stop_at is not None and time.time() >= stop_at:
            return False
    return True


def part_bounds(length, part, parts):
    """Part `part` (0-based) of `parts` of range(length), as fanout slices it."""
    parts = max(parts, 1)
    return length * part // parts, length * (part + 1) // parts


def primes(lo, hi):
    """How many primes lie in [lo, hi): a segmented sieve, blocks of 2^18 numbers."""
    if hi <= 2 or hi <= lo:
        return 0
    lo = max(lo, 2)
    root = math.isqrt(hi) + 1
    small = bytearray([1]) * (root + 1)
    base = []
    for i in range(2, root + 1):
        if small[i]:
            base.append(i)
            small[i * i::i] = bytes(len(range(i * i, root + 1, i)))
    count, start = 0, lo
    while start < hi:
        end = min(hi, start + (1 << 18))
        seg = bytearray([1]) * (end - start)
        for p in base:
            if p * p >= end:
                break
            m = max(-(-start // p) * p, p * p)
            if m < end:
                seg[m - start::p] = bytes(len(range(m - start, end - start, p)))
        count += seg.count(1)
        start = end
    return count


def splitmix64(x):
    """fanout's `splitmix64(x)`: the finalizer of x + the golden gamma."""
    return mix64((x + GOLDEN) & MASK)


def hash_bytes(lo, hi):
    """FNV-1a over bytes [lo, hi) of fanout's fixed stream (byte i: byte i%8 of splitmix64(i//8))."""
    h = 0xCBF29CE484222325
    for i in range(lo, hi):
        h = ((h ^ ((splitmix64(i // 8) >> (8 * (i % 8))) & 0xFF)) * 0x100000001B3) & MASK
    return h


def sort_checksum(n, seed):
    """Sorts n numbers splitmix64(seed + i); the sum of x·(rank+1), mod 2^64."""
    v = sorted(splitmix64((seed + i) & MASK) for i in range(n))
    return sum(x * (i + 1) for i, x in enumerate(v)) & MASK


def wordcount(chunks, index):
    """The words of chunk `index` of `chunks` of the text's lines."""
    lines = WORDCOUNT_TEXT.split("\n")
    n = len(lines)
    lo, hi = n * index // chunks, n * (index + 1) // chunks
    return sum(len(line.split()) for line in lines[lo:hi])


def mandelbrot(size, iters, r0, r1):
    """Pixels of rows [r0, r1) of a size×size image of the set that never escape."""
    scale = 3.0 / max(size, 1)
    inside = 0
    for py in range(r0, min(r1, size)):
        ci = -1.5 + (py + 0.5) * scale
        for px in range(size):
            cr = -2.0 + (px + 0.5) * scale
            zr = zi = 0.0
            i = 0
            while i < iters and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                i += 1
            if i == iters:
                inside += 1
    return inside


def kernel_value(k):
    """Runs kernel part `k` (a dict from TASKS) and returns its value, as fanout's body does."""
    low48 = (1 << 48) - 1
    name, part, parts = k["name"], k["part"], k["parts"]
    if name == "primes":
        a, b = part_bounds(k["to"] - k["from"], part, parts)
        return primes(k["from"] + a, k["from"] + b)
    if name == "mandelbrot":
        a, b = part_bounds(k["size"], part, parts)
        return mandelbrot(k["size"], k["iter"], a, b)
    if name == "hash":
        a, b = part_bounds(k["bytes"], part, parts)
        return hash_bytes(a, b) & low48
    if name == "sort":
        a, b = part_bounds(k["n"], part, parts)
        return sort_checksum(b - a, a) & low48
    if name == "wordcount":
        return wordcount(parts, part)
    if name == "panic":
        raise RuntimeError("the task `panic` panicked, as it is written to")
    raise ValueError("unknown kernel " + name)


def flatten(values):
    out = []
    for v in values:
        if isinstance(v, list):
            out.extend(flatten(v))
        else:
            out.append(v)
    return out


def wrap64(x):
    x &= MASK
    return x - (1 << 64) if x >= 1 << 63 else x


def task_value(i, own, inputs):
    """Task i's value: the reduction of its present inputs (`reduce`, with dependencies), else
    its own (a kernel's result; for cpu and io its 1-based declaration position)."""
    t = TASKS[i]
    how = t["reduce"]
    if how is None or not t["deps"]:
        return own
    present = [r for r in inputs if r["status"] == "ok"]
    vals = [r["value"] for r in present]
    if how == "sum":
        return wrap64(sum(flatten(vals)))
    if how == "count":
        return len(vals)
    if how == "concat":
        return flatten(vals)
    if how in ("min", "max"):
        nums = flatten(vals)
        return (min if how == "min" else max)(nums) if nums else None
    if how == "vote":
        best, best_count = None, 0
        for j, v in enumerate(vals):
            if v in vals[:j]:
                continue
            c = vals[j:].count(v)
            if c > best_count:
                best, best_count = v, c
        return best
    if how == "first":
        return min(present, key=lambda r: r["end"])["value"] if present else None
    raise ValueError("unknown reduce " + how)


def own_value(i):
    """A task's own value before any reduce: its kernel's, else its 1-based position."""
    k = TASKS[i]["kernel"]
    return kernel_value(k) if k is not None else i + 1


def blocked_status(deps, inputs):
    """Why a task does not run although its dependencies ended: `None` if it runs (every input
    ok, or failed under on_error continue), else `skipped` (an input skipped, or failed under
    skip-dependents) or `cancelled` (one cancelled, or failed under fail-fast). A failed
    input's mode is its own task's `on_error`: its innermost group's, else the run's."""
    why = None
    for d, r in zip(deps, inputs):
        status = r["status"]
        if status == "ok":
            continue
        mode = TASKS[d]["on_error"]
        if status == "cancelled" or (status != "skipped" and mode == "fail-fast"):
            return "cancelled"
        if status == "skipped" or mode == "skip-dependents":
            why = "skipped"
    return why


def topo_order():
    """Task indices with every dependency before its dependents (declaration order otherwise)."""
    order, state = [], [0] * len(TASKS)
    for root in range(len(TASKS)):
        stack = [(root, 0)]
        while stack:
            i, k = stack.pop()
            if state[i] == 2 or (k == 0 and state[i] == 1):
                continue
            state[i] = 1
            deps = TASKS[i]["deps"]
            if k < len(deps):
                stack.append((i, k + 1))
                if state[deps[k]] == 0:
                    stack.append((deps[k], 0))
            else:
                state[i] = 2
                order.append(i)
    return order


def chrome_trace(engine, workers, lanes, results):
    """The run as Chrome Trace Event JSON (fanout imports it; Perfetto opens it): one lane per
    worker, one complete event per attempt named as fanout names them ("id", or "id #k" when
    a task ran more than once), times in µs from the first start."""
    starts = [a["start"] for r in results.values() for a in r["attempts"]]
    t0 = min(starts) if starts else 0.0
    ev = [{"name": "process_name", "ph": "M", "pid": 1, "tid": 0,
           "args": {"name": "%s (%d workers)" % (engine, workers)}}]
    for tid, name in enumerate(lanes):
        ev.append({"name": "thread_name", "ph": "M", "pid": 1, "tid": tid, "args": {"name": name}})
        ev.append({"name": "thread_sort_index", "ph": "M", "pid": 1, "tid": tid,
                   "args": {"sort_index": tid}})
    for i, t in enumerate(TASKS):
        r = results[t["id"]]
        n = len(r["attempts"])
        for k, a in enumerate(r["attempts"]):
            ts = round((a["start"] - t0) * 1e6)
            ev.append({"name": t["id"] if n == 1 else "%s #%d" % (t["id"], k + 1),
                       "cat": a["status"], "ph": "X", "ts": ts,
                       "dur": max(0, round((a["end"] - t0) * 1e6) - ts),
                       "pid": 1, "tid": a["lane"],
                       "args": {"task": t["id"], "attempt": k + 1, "status": a["status"],
                                "line": t["line"]}})
    return {"traceEvents": ev, "displayTimeUnit": "ms",
            "otherData": {"engine": engine, "workers": workers}}


def summary(engine, workers, seed, results, trace_path, results_path, extra):
    """Prints the values and attempts; writes the trace and the results JSON when asked."""
    starts = [a["start"] for r in results.values() for a in r["attempts"]]
    ends = [a["end"] for r in results.values() for a in r["attempts"]]
    makespan_ms = (max(ends) - min(starts)) * 1e3 if starts else 0.0
    out = {"engine": engine, "workers": workers, "seed": seed, "makespan_ms": makespan_ms,
           "tasks": {}}
    out.update(extra)
    for t in TASKS:
        r = results[t["id"]]
        out["tasks"][t["id"]] = {"status": r["status"], "value": r["value"],
                                 "attempts": [a["status"] for a in r["attempts"]]}
        tries = "" if len(r["attempts"]) < 2 else "  attempts: " + ", ".join(
            a["status"] for a in r["attempts"])
        print("%-16s %-9s %s%s" % (t["id"], r["status"], json.dumps(r["value"]), tries))
    print("%s on %d workers: makespan %.1f ms" % (engine, workers, makespan_ms))
    if trace_path:
        with open(trace_path, "w") as f:
            json.dump(chrome_trace(engine, workers, extra.get("lanes", []), results), f)
    if results_path:
        with open(results_path, "w") as f:
            json.dump(out, f, indent=1)
    return 0 if all(r["status"] == "ok" for r in results.values()) else 1
