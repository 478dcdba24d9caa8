# ---------------------------------------------------------------------------------------------
# Dask: one future per task (client.submit, key = the task id, pure=False), dependencies passed
# as futures. Retries, backoff, seeded failures and timeouts run inside the task, so every
# attempt is recorded (waits off the worker: secede/rejoin); limits are distributed.Semaphore, rates a token bucket kept on the
# scheduler (a distributed.Lock around a distributed.Variable).
# ---------------------------------------------------------------------------------------------


def take_token(resource, per_second):
    """Waits for a token of rate `resource` (GCRA, as fanout's: a bucket of max(1, ⌊N⌋) tokens
    refilled every 1/N s), shared by every worker through the scheduler."""
    from distributed import Lock, Variable
    interval = max(1, round(1e6 / per_second)) / 1e6
    tolerance = (max(1, math.floor(per_second)) - 1) * interval
    with Lock("fanout-rate-lock-" + resource):
        var = Variable("fanout-rate-" + resource)
        tat = var.get()
        now = time.time()
        at = max(now, tat - tolerance)
        var.set(max(tat, at) + interval)
    if at > now:
        time.sleep(at - now)


def run_task(i, seed, sems, inputs):
    """Runs task i on this worker: every attempt (with its backoff), holding its resources
    while an attempt runs. Returns {status, value, end, attempts}; never raises."""
    from distributed import get_worker, rejoin, secede
    t = TASKS[i]
    worker = get_worker().name
    why = blocked_status(t["deps"], inputs)
    if why is not None:
        return {"status": why, "value": None, "end": time.time(), "attempts": [],
                "worker": worker}
    attempts = []
    status, value = "failed", None
    for attempt in range(1, t["retry"] + 2):
        held = [sems[r] for r in t["uses"] if r in sems]
        # Waiting (a backoff, a limit, a rate) happens off the worker, as in fanout: the task
        # secedes from the worker's thread pool, and rejoins once it may run.
        waits = (attempt > 1 and t["backoff_us"] > 0) or bool(t["uses"])
        if waits:
            secede()
        if attempt > 1:
            time.sleep(backoff_s(t, attempt))
        for s in held:
            s.acquire()
        try:
            for r in t["uses"]:
                if r in RATES:
                    take_token(r, RATES[r])
            if waits:
                rejoin()
            fails = plan_fails(seed, i, attempt)
            start = time.time()
            timeout = t["timeout_us"]
            own, crashed = None, False
            try:
                if t["kind"] == "cpu":
                    cpu(t["us"], None if timeout is None else start + timeout / 1e6)
                elif t["kind"] == "io":
                    time.sleep((t["us"] if timeout is None else min(t["us"], timeout)) / 1e6)
                else:
                    own = kernel_value(t["kernel"])
            except Exception:
                crashed = True
            end = time.time()
        finally:
            for s in held:
                s.release()
        status = "failed" if crashed else judge(t, (end - start) * 1e6, fails)
        attempts.append({"start": start, "end": end, "status": status, "worker": worker})
        if status == "ok":
            value = task_value(i, own if t["kernel"] is not None else i + 1, inputs)
            break
    return {"status": status, "value": value, "end": attempts[-1]["end"],
            "attempts": attempts, "worker": worker}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=WORKERS,
                    help="worker processes of the local cluster (default %(default)s)")
    ap.add_argument("--scheduler", metavar="ADDRESS",
                    help="run on an existing cluster, e.g. tcp://host:8786")
    ap.add_argument("--seed", type=int, default=SEED,
                    help="the seed of the failure draws (default %(default)s)")
    ap.add_argument("--trace", metavar="FILE", help="write the measured timeline (Chrome Trace JSON)")
    ap.add_argument("--results", metavar="FILE", help="write values and attempts as JSON")
    args = ap.parse_args()
    import dask
    from distributed import Client, LocalCluster, Semaphore, Variable, as_completed, get_task_stream

    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        # Dask runs a dependent where its inputs are and balances by work stealing; steal
        # every 10 ms (default 100 ms) so tasks of tens of ms spread over the workers.
        dask.config.set({"distributed.scheduler.work-stealing-interval": "10ms"})
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        client.wait_for_workers(args.workers)
    try:
        infos = client.scheduler_info()["workers"]
        workers = len(infos)
        sems = {r: Semaphore(max_leases=max(1, n), name="fanout-" + r) for r, n in LIMITS.items()}
        for r in RATES:
            Variable("fanout-rate-" + r).set(0.0)
        results, futures = {}, {}
        with get_task_stream(client) as stream:
            for i in topo_order():
                t = TASKS[i]
                futures[i] = client.submit(run_task, i, args.seed, sems,
                                           [futures[d] for d in t["deps"]], key=t["id"],
                                           pure=False, priority=t["rank"])
            by_future = {f.key: i for i, f in futures.items()}
            failed_at = None
            for fut in as_completed(list(futures.values())):
                i = by_future[fut.key]
                if fut.status == "error":
                    # run_task catches what a task's work raises: this is a failure of Dask
                    # itself (a lost worker, a serialisation error). Say so; never hide it.
                    print("%s: %r" % (TASKS[i]["id"], fut.exception()), file=sys.stderr)
                if fut.status != "finished":
                    continue
                r = fut.result()
                results[TASKS[i]["id"]] = r
                if failed_at is not None and r["end"] > failed_at and r["status"] == "ok":
                    # fail-fast: Dask cannot stop a running task; what ended after the failure
                    # is discarded and reported cancelled, as fanout cancels it.
                    r.update(status="cancelled", value=None)
                    for a in r["attempts"]:
                        if a["end"] > failed_at:
                            a["status"] = "cancelled"
                if TASKS[i]["on_error"] == "fail-fast" and r["status"] in ("failed", "timeout") and failed_at is None:
                    failed_at = r["end"]
                    client.cancel([f for f in futures.values() if not f.done()])
        # Lanes: the workers by name (scheduler_info), in the order they are named.
        names = sorted({info.get("name", addr) for addr, info in infos.items()}, key=str)
        lane = {n: k for k, n in enumerate(names)}
        lane_of_addr = {addr: lane[info.get("name", addr)] for addr, info in infos.items()}
        compute = {}
        for s in stream.data:
            for ss in s.get("startstops", []):
                if ss.get("action") == "compute":
                    compute[s["key"]] = (lane_of_addr.get(s.get("worker")), ss["start"], ss["stop"])
        for t in TASKS:
            r = results.setdefault(t["id"], {"status": "cancelled", "value": None,
                                             "attempts": [], "worker": None})
            for a in r["attempts"]:
                a["lane"] = lane.get(a["worker"], compute.get(t["id"], (0,))[0] or 0)
        extra = {"lanes": ["worker %s" % n for n in names],
                 "task_stream": {k: {"lane": v[0], "start": v[1], "stop": v[2]}
                                 for k, v in compute.items()}}
        return summary("dask", workers, args.seed, results, args.trace, args.results, extra)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    sys.exit(main())
