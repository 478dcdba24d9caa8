# ---------------------------------------------------------------------------------------------
# asyncio: one coroutine per task in a TaskGroup; at most W attempts run at once (W worker
# lanes, the lowest free one taken, as fanout does); cpu work and kernels run in a
# ProcessPoolExecutor of W processes, io waits on the loop. An asyncio.Semaphore per limit, a
# token bucket per rate, asyncio.timeout per attempt, retries with backoff.
# ---------------------------------------------------------------------------------------------


def in_process(i, timeout_us):
    """The compute part of one attempt of task i, in a pool process: (crashed, own value)."""
    t = TASKS[i]
    try:
        if t["kind"] == "cpu":
            start = time.time()
            cpu(t["us"], None if timeout_us is None else start + timeout_us / 1e6)
            return False, i + 1
        return False, kernel_value(t["kernel"])
    except Exception:
        return True, None


class Lanes:
    """W worker lanes: an attempt takes the lowest free lane, ranked waiters first."""

    def __init__(self, n):
        self.free = list(range(n))
        self.waiting = []  # heap of (-rank, order, future)
        self.order = 0

    async def take(self, rank):
        if self.free and not self.waiting:
            self.free.sort()
            return self.free.pop(0)
        fut = asyncio.get_running_loop().create_future()
        self.order += 1
        heapq.heappush(self.waiting, (-rank, self.order, fut))
        return await fut

    def give(self, lane):
        while self.waiting:
            _, _, fut = heapq.heappop(self.waiting)
            if not fut.done():
                fut.set_result(lane)
                return
        self.free.append(lane)


class TokenBucket:
    """fanout's rate: max(1, ⌊N⌋) tokens, one more every 1/N s (GCRA)."""

    def __init__(self, per_second):
        self.interval = max(1, round(1e6 / per_second)) / 1e6
        self.tolerance = (max(1, math.floor(per_second)) - 1) * self.interval
        self.tat = 0.0

    async def take(self):
        now = time.time()
        at = max(now, self.tat - self.tolerance)
        self.tat = max(self.tat, at) + self.interval
        if at > now:
            await asyncio.sleep(at - now)


class FailFast(Exception):
    """Raised by a task that failed for good under fail-fast: the TaskGroup cancels the rest."""


async def run_task(i, seed, done, lanes, sems, buckets, pool, results):
    t = TASKS[i]
    inputs = [await done[d] for d in t["deps"]]
    why = blocked_status(t["deps"], inputs)
    if why is not None:
        r = {"status": why, "value": None, "end": time.time(), "attempts": []}
        results[t["id"]] = r
        done[i].set_result(r)
        return
    attempts = []
    r = {"status": "cancelled", "value": None, "end": time.time(), "attempts": attempts}
    results[t["id"]] = r
    loop = asyncio.get_running_loop()
    status, value = "failed", None
    try:
        for attempt in range(1, t["retry"] + 2):
            if attempt > 1:
                await asyncio.sleep(backoff_s(t, attempt))
            # Resources first, then a worker lane: a task held back by a limit or a rate does
            # not keep a worker, as in fanout.
            held = [sems[u] for u in t["uses"] if u in sems]
            lane = None
            try:
                for s in held:
                    await s.acquire()
                for u in t["uses"]:
                    if u in buckets:
                        await buckets[u].take()
                lane = await lanes.take(t["rank"])
                fails = plan_fails(seed, i, attempt)
                timeout = t["timeout_us"]
                start = time.time()
                a = {"start": start, "end": start, "status": "cancelled", "lane": lane}
                attempts.append(a)
                crashed, own = False, i + 1
                try:
                    async with asyncio.timeout(None if timeout is None else timeout / 1e6):
                        if t["kind"] == "io":
                            await asyncio.sleep(t["us"] / 1e6)
                        else:
                            crashed, own = await loop.run_in_executor(pool, in_process, i, timeout)
                except TimeoutError:
                    pass
                a["end"] = time.time()
                status = "failed" if crashed else judge(t, (a["end"] - start) * 1e6, fails)
                a["status"] = status
            finally:
                for s in held:
                    s.release()
                if lane is not None:
                    lanes.give(lane)
            if status == "ok":
                value = task_value(i, own, inputs)
                break
    except asyncio.CancelledError:
        if attempts and attempts[-1]["status"] == "cancelled":
            attempts[-1]["end"] = time.time()
        r.update(status="cancelled", end=time.time())
        raise
    r.update(status=status, value=value, end=attempts[-1]["end"])
    done[i].set_result(r)
    if status != "ok" and t["on_error"] == "fail-fast":
        raise FailFast(t["id"])


async def run_all(workers, seed):
    loop = asyncio.get_running_loop()
    done = {i: loop.create_future() for i in range(len(TASKS))}
    lanes = Lanes(workers)
    sems = {r: asyncio.Semaphore(max(1, n)) for r, n in LIMITS.items()}
    buckets = {r: TokenBucket(n) for r, n in RATES.items()}
    results = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        # Start the W processes before the first wave, as Dask's workers are.
        await asyncio.gather(*[loop.run_in_executor(pool, time.sleep, 0.05) for _ in range(workers)])
        try:
            async with asyncio.TaskGroup() as tg:
                for i in topo_order():
                    tg.create_task(run_task(i, seed, done, lanes, sems, buckets, pool, results))
        except* FailFast:
            pass
    for t in TASKS:
        results.setdefault(t["id"], {"status": "cancelled", "value": None, "attempts": []})
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=WORKERS,
                    help="attempts at once, and processes for cpu work (default %(default)s)")
    ap.add_argument("--seed", type=int, default=SEED,
                    help="the seed of the failure draws (default %(default)s)")
    ap.add_argument("--trace", metavar="FILE", help="write the measured timeline (Chrome Trace JSON)")
    ap.add_argument("--results", metavar="FILE", help="write values and attempts as JSON")
    args = ap.parse_args()
    results = asyncio.run(run_all(args.workers, args.seed))
    lanes = ["worker %d" % k for k in range(args.workers)]
    return summary("asyncio", args.workers, args.seed, results, args.trace, args.results,
                   {"lanes": lanes})


if __name__ == "__main__":
    sys.exit(main())
