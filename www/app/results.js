// The results panel: what a run (or a simulation) produced and how well it went — the sink
// tasks' aggregated output, the tasks that failed with why (attempt by attempt), and the run's
// metrics, each a number with one plain sentence computed from the numbers.
// Guarantees: renders any RunResult, including a cancelled run's partial result (no `metrics`,
// no `result`): figures it cannot know are left out, never shown as NaN; sentences name the
// mode that ran and use singular and plural correctly; a long value is truncated with the
// full value in its title and one click away (<details>).
import { el } from './dom.js';
import { capital, ms, plural, ratio } from './format.js';
import { STATES, stateOfStatus } from './states.js';
import { stealSummary } from './steal-marks.js';
import { batchSummary } from './batch-outline.js';
import { poolSummary, startSummary } from './pool-lanes.js';
import { KERNEL_SHARE_FAST_ABOVE, KERNEL_SHARE_MACHINE_BELOW, RUN_MODES } from '../shared/messages.js';
import { handoffs } from '../shared/dispatch-gap.js';

const pct = (x) => `${Math.round(x * 100)}%`;
const isNum = (x) => typeof x === 'number' && Number.isFinite(x);

/** What a status is called in a sentence. */
const STATUS_WORDS = { ok: 'ok', failed: 'failed', timeout: 'timed out', skipped: 'skipped', cancelled: 'cancelled', rejected: 'rejected by an open breaker' };

function plain(value) {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(plain).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${k}: ${plain(v)}`).join(', ')}}`;
}

/**
 * A value (number, string, list, object, null) for a compact display: `{ short, full,
 * truncated, count }`. `short` is at most `limit` characters (a list keeps as many leading
 * items as fit and says how many more there are); `full` is the whole value as JSON;
 * top-level whole numbers are grouped by thousands (78,498).
 */
export function formatValue(value, limit = 40) {
  const full = value === undefined ? 'null' : JSON.stringify(value);
  const count = Array.isArray(value) ? value.length : undefined;
  let whole;
  if (value === null || value === undefined) whole = 'no value';
  else if (typeof value === 'number') whole = Number.isInteger(value) ? value.toLocaleString('en-US') : String(+value.toPrecision(6));
  else if (typeof value === 'string') whole = value;
  else whole = plain(value);
  let short = whole;
  if (whole.length > limit && Array.isArray(value)) {
    const items = value.map(plain);
    const text = (k) => `[${items.slice(0, k).join(', ')}${k < items.length ? `${k ? ', ' : ''}… ${items.length - k} more` : ''}]`;
    let k = items.length;
    while (k > 0 && text(k).length > limit) k--;
    short = text(k);
  }
  if (short.length > limit) short = `${short.slice(0, limit - 1)}…`;
  return { short, full, truncated: short !== whole, count };
}

/** The attempts of a task record as the engine reported them (a record without an
 *  `attempts` list, as in a cancelled run's partial result, is one attempt). */
function rawAttempts(record) {
  if (Array.isArray(record.attempts)) return record.attempts;
  return [{ worker: record.worker, start_ms: record.start_ms, end_ms: record.end_ms, status: record.status, error: record.error }];
}

/**
 * The numbers of a run, from its `metrics` where present, else computed from its task
 * records where they allow it (fields that cannot be known are `undefined`).
 */
export function runFigures(result) {
  const m = result.metrics ?? {};
  const records = result.tasks ?? [];
  const workers = Number(result.workers) || 1;
  const attempts = records.flatMap(rawAttempts);
  const makespan = m.makespan_ms ?? result.makespan_ms ?? 0;
  const work = m.work_ms ?? result.work_ms ?? result.sequential_ms;
  const span = m.span_ms ?? result.span_ms;
  const lowerBound = m.lower_bound_ms ?? result.lower_bound_ms;
  const speedup = m.speedup ?? (isNum(work) && makespan > 0 ? work / makespan : undefined);
  const efficiency = m.efficiency ?? (isNum(speedup) ? speedup / workers : undefined);
  let perWorker = m.workers;
  if (!Array.isArray(perWorker)) {
    perWorker = Array.from({ length: workers }, (_, worker) => ({ worker, busy_ms: 0, attempts: 0 }));
    for (const a of attempts) {
      const w = perWorker[a.worker];
      if (!w) continue;
      w.busy_ms += Math.max(0, (a.end_ms ?? 0) - (a.start_ms ?? 0));
      w.attempts++;
    }
    for (const w of perWorker) {
      w.idle_ms = Math.max(0, makespan - w.busy_ms);
      w.utilization = makespan > 0 ? Math.min(1, w.busy_ms / makespan) : 1;
    }
  }
  const lengthOf = (pred) => attempts.filter(pred).reduce((s, a) => s + Math.max(0, a.end_ms - a.start_ms), 0);
  // A big result's summary (main.js summaryOf) lists only the tasks that did not go to plan
  // and carries the counts of all.
  const count = (status) => result.status_counts?.[status] ?? records.filter((t) => t.status === status).length;
  const tasksTotal = result.tasks_total ?? records.length;
  const blockedTasks = records.filter((t) => isNum(t.ready_ms) && isNum(t.unblocked_ms) && t.unblocked_ms > t.ready_ms).length;
  return {
    mode: result.mode, workers, policy: result.policy, seed: result.seed, cancelled: Boolean(result.cancelled),
    failure: typeof result.failure === 'string' ? result.failure : null,
    makespan, work, span, lowerBound, speedup, efficiency, perWorker,
    // Measured counterparts (real runs): the summed lengths of the ok attempts, and a
    // one-worker run's makespan when one was measured (`one_worker_ms`).
    measuredWork: result.mode === 'simulated' ? undefined : m.measured_work_ms,
    oneWorker: result.one_worker_ms,
    calibration: result.kernel_calibration,
    blocked: m.blocked_ms, blockedTasks, queued: m.queued_ms, waveWait: m.wave_wait_ms,
    failedMs: m.failed_ms ?? lengthOf((a) => a.status === 'failed' || a.status === 'timeout'),
    cancelledMs: m.cancelled_ms ?? lengthOf((a) => a.status === 'cancelled'),
    failedAttempts: attempts.filter((a) => a.status === 'failed' || a.status === 'timeout').length,
    timeouts: attempts.filter((a) => a.status === 'timeout').length,
    retries: m.retries ?? records.reduce((s, t) => s + Math.max(0, rawAttempts(t).length - 1), 0),
    tasksTotal, tasksOk: count('ok'), tasksFailed: count('failed') + count('timeout'),
    tasksSkipped: count('skipped'), tasksCancelled: count('cancelled'),
    notStarted: Math.max(0, tasksTotal - records.length),
    cpuShare: result.cpu_share ?? null,
    kernelShare: result.kernel_share ?? null,
    // A real run's hand-offs against its pool's usual one (the full record only: a big
    // result's summary lists some tasks).
    handoffs: RUN_MODES.includes(result.mode) && records.length === tasksTotal && records.length > 0
      ? handoffs(result, result.pool_dispatch_ms, makespan) : null,
    steals: result.steals ?? null,
    batches: result.batches ?? null,
    pool: result.pool ?? null,
    // Group caps (`group NAME workers N`) hold tasks back as limits do.
    groupCaps: (result.groups ?? []).some((g) => g.workers),
    cores: result.cores ?? globalThis.navigator?.hardwareConcurrency,
  };
}

/** How a kernel calibration was measured (its `source`), for the sentence on pricing. */
const CALIBRATED = {
  measured: 'on this machine',
  pool: 'on this machine by the run pool\'s own workers',
};

/** Where a kernel calibration was measured (its `setting`), for the sentence on pricing. */
const SETTING = {
  native: ' in a native build',
  plain: ' in the plain wasm build, as workers and async modes run kernels',
  threads: ' in the threads wasm build, as threads mode runs kernels',
};

/** What cut a partial run short, for sentences: the Cancel button, or its engine's failure
 *  (the engine worker died mid-run; `failure` says how). */
function halt(f) {
  return f.failure ? 'the engine failure' : 'the cancel';
}

/** Who ran, for sentences: "the simulation" or "this threads-mode run". */
function who(f) {
  return f.mode === 'simulated' ? 'the simulation' : `this ${f.mode}-mode run`;
}

/**
 * The metrics as rows `{ key, term, value, sentence }`, each sentence computed from the
 * figures (`runFigures`). Rows whose numbers the result lacks are left out.
 */
export function metricRows(f) {
  const rows = [];
  const add = (key, term, value, sentence) => rows.push({ key, term, value, sentence });
  const W = plural(f.workers, 'worker');
  const done = f.tasksOk;
  // Tasks that did not succeed: their nominal work was not (all) done, which flatters speedup.
  const unfinished = f.tasksTotal - f.tasksOk;
  const incomplete = f.cancelled || unfinished > 0;
  const notAllWork = f.cancelled ? `it was ${f.failure ? 'cut short by the engine failure' : 'cancelled'}, so not all of that work was done`
    : `${plural(unfinished, 'task')} did not succeed, so not all of that work was done`;

  if (f.cancelled) {
    add('makespan', 'Makespan', ms(f.makespan), `${capital(who(f))} was ${f.failure ? 'stopped by its engine\'s failure' : 'cancelled'} after ${ms(f.makespan)} on ${W}, when ${done} of ${plural(f.tasksTotal, 'task')} had finished.`);
  } else if (f.mode === 'simulated') {
    add('makespan', 'Makespan', ms(f.makespan), `The simulation (nothing ran) finishes in ${ms(f.makespan)} of virtual time on ${W}, from the first task's start to the last one's end.`);
  } else {
    add('makespan', 'Makespan', ms(f.makespan), `${capital(who(f))} took ${ms(f.makespan)} on ${W}, from the first task's start to the last one's end.`);
  }

  if (isNum(f.work)) {
    const tasks = f.tasksTotal === 1 ? 'its 1 task' : `its ${f.tasksTotal} tasks one after another`;
    const priced = f.calibration
      ? ` (kernels priced by their cost model, calibrated ${CALIBRATED[f.calibration.source] ?? 'by the committed default'}${SETTING[f.calibration.setting] ?? ''})`
      : '';
    add('work', 'Sequential time (work)', ms(f.work), `One worker running ${tasks} would need ${ms(f.work)}, the sum of their modelled durations${priced}.`);
  }

  if (isNum(f.measuredWork) && f.measuredWork > 0) {
    const against = f.makespan > 0 ? `; against it this run's speedup is ${ratio(f.measuredWork / f.makespan)}×` : '';
    add('measured-work', 'Measured work', ms(f.measuredWork), `The attempts that succeeded took ${ms(f.measuredWork)} in all, measured in this run (longer than alone when workers share cores)${against}.`);
  }

  if (isNum(f.speedup) && isNum(f.work)) {
    const early = incomplete ? `; but ${notAllWork}` : '';
    let s;
    if (isNum(f.oneWorker) && f.oneWorker > 0 && f.makespan > 0) {
      // The honest reference: a one-worker run measured in this page.
      const r = f.oneWorker / f.makespan;
      s = r >= 1
        ? `${capital(who(f))} finished ${ratio(r)} times as fast as a measured one-worker run (${ms(f.oneWorker)})${early}.`
        : `${capital(who(f))} was slower than a measured one-worker run (${ms(f.oneWorker)}, ${ratio(r)}×)${early}.`;
    } else if (f.speedup >= 1) {
      s = `${capital(who(f))} finished ${ratio(f.speedup)} times as fast as one worker would by the model: ${ms(f.work)} of modelled work in ${ms(f.makespan)}${early}.`;
    } else {
      s = `${capital(who(f))} took ${ms(f.makespan)} for ${ms(f.work)} of modelled work, ${ratio(f.speedup)}× by the model; whether one worker would have been faster, only a one-worker run measured here can say (the speedup chart's Measure runs one)${early}.`;
    }
    add('speedup', 'Speedup', `${ratio(f.speedup)}×`, s);
  }

  if (isNum(f.efficiency) && isNum(f.speedup)) {
    let s;
    if (incomplete && f.efficiency > 1) s = `Speedup ÷ workers is ${pct(f.efficiency)}, above 100% only because not all the work was done.`;
    else if (f.workers === 1) s = `With 1 worker efficiency equals speedup: the worker turned ${pct(f.efficiency)} of the run into the graph's work.`;
    else s = `The ${f.workers} workers turned ${pct(f.efficiency)} of their time into the graph's work (speedup ${ratio(f.speedup)} ÷ ${f.workers}); 100% would mean none of them ever waited or redid work.`;
    add('efficiency', 'Efficiency', pct(f.efficiency), s);
  }

  if (isNum(f.lowerBound)) {
    const perWorker = isNum(f.work) ? f.work / f.workers : undefined;
    const because = isNum(f.span) && isNum(perWorker) && f.span >= perWorker
      ? `the longest chain of dependencies (the span) takes ${ms(f.span)}`
      : isNum(perWorker) ? `${ms(f.work)} of work shared by ${W} takes ${ms(perWorker)} at best` : 'of the work and the span';
    let how;
    const r = f.lowerBound > 0 ? f.makespan / f.lowerBound : 1;
    if (f.lowerBound === 0) how = 'there is nothing to wait for';
    else if (Math.abs(r - 1) < 0.005) how = `${who(f)} matched it: no schedule could do better`;
    else if (r > 1 && r < 2) how = `${who(f)} came within ${Math.max(1, Math.round((r - 1) * 100))}% of the best any schedule could do`;
    else if (r >= 2) how = `${who(f)} took ${ratio(r)} times as long as the best any schedule could do`;
    else if (incomplete) how = `${who(f)} ended ${pct(1 - r)} short of it because not all the work was done`;
    else how = `${who(f)} ended ${Math.max(1, Math.round((1 - r) * 100))}% under it because its tasks ran faster than their modelled durations`;
    add('lower-bound', 'Lower bound', ms(f.lowerBound), `No schedule on ${W} can finish in under ${ms(f.lowerBound)}, because ${because}; ${how}.`);
  }

  if (f.perWorker.length) {
    const u = f.perWorker.map((w) => w.utilization);
    const avg = u.reduce((a, b) => a + b, 0) / u.length;
    const lo = u.indexOf(Math.min(...u)), hi = u.indexOf(Math.max(...u));
    let s;
    if (u.length === 1) s = `The worker was busy ${pct(u[0])} of the run.`;
    else if (pct(u[lo]) === pct(u[hi])) s = `All ${u.length} workers were busy ${pct(avg)} of the run.`;
    else s = `On average the ${u.length} workers were busy ${pct(avg)} of the run, from ${pct(u[lo])} (worker ${f.perWorker[lo].worker}) to ${pct(u[hi])} (worker ${f.perWorker[hi].worker}).`;
    add('utilization', 'Utilization', pct(avg), s);
  }

  // The share of the time they asked for that the workers got: a slow run on a busy machine
  // says so, instead of leaving the reader to blame the schedule.
  if (f.cpuShare && isNum(f.cpuShare.share)) {
    const c = f.cpuShare;
    const got = Math.min(100, Math.round(c.share * 100));
    let s = `The workers got ${got}% of the time they asked for: ${plural(c.attempts, 'CPU task attempt')} needing ${ms(c.asked_ms)} of calibrated work took ${ms(c.took_ms)}`;
    if (c.share >= 0.9) s += ', so they had their cores to themselves and the makespan is the schedule\'s.';
    else {
      const least = c.least ? `; ${c.least.id} took ${ms(c.least.took_ms)} for ${ms(c.least.asked_ms)} of work` : '';
      const over = isNum(f.cores) && f.workers > f.cores;
      s += over
        ? `${least}. ${W} on ${plural(f.cores, 'core')} share the cores: the run asked for more than the machine has.`
        : `${least}. Something else on this machine (another program or tab, or this page) had their cores for the rest, so this run is slower than its schedule: run it again when the machine is quieter.`;
    }
    add('cpu-share', 'CPU time the workers got', `${got}%`, s);
  }

  if (f.kernelShare && isNum(f.kernelShare.share)) {
    // Kernels ask for their modelled time, which is a model's (within about 15 % per kernel
    // on a quiet machine): only below KERNEL_SHARE_MACHINE_BELOW is it the machine, and above
    // KERNEL_SHARE_FAST_ABOVE their calibration priced them slow.
    const k = f.kernelShare;
    const got = Math.round(k.share * 100);
    let s = `The kernel tasks ran at ${got}% of their modelled speed: ${plural(k.attempts, 'kernel attempt')} modelled at ${ms(k.asked_ms)} took ${ms(k.took_ms)}`;
    if (k.share > KERNEL_SHARE_FAST_ABOVE) {
      s += ". That is faster than the model's error allows: they ran faster than when this engine calibrated them (V8 was still compiling the engine's code to its fastest form, or the machine was busier then), so the simulation prices them longer than they take now.";
    } else if (k.share >= KERNEL_SHARE_MACHINE_BELOW) s += ', within the cost model\'s error: they ran at the speed the model priced them at.';
    else {
      const least = k.least ? `; ${k.least.id} took ${ms(k.least.took_ms)} for ${ms(k.least.asked_ms)} modelled` : '';
      const over = isNum(f.cores) && f.workers > f.cores;
      s += over
        ? `${least}. ${W} on ${plural(f.cores, 'core')} share the cores: the run asked for more than the machine has.`
        : `${least}. That is more than the model's error: this machine gave them less speed than when it calibrated them (something else had their cores, or the cores ran at a lower clock), so this run took longer than its schedule.`;
    }
    add('kernel-share', 'Kernel speed against the model', `${got}%`, s);
  }

  if (f.handoffs) {
    // How long a worker that had ended an attempt waited for its next, ready task: the
    // executor's own cost, which an exact simulation leaves out; far over the pool's usual
    // wait, the machine's (see www/shared/dispatch-gap.js).
    const h = f.handoffs;
    const how = f.mode === 'threads' ? 'a lock and a wake-up between threads' : 'messages between the workers and the engine';
    let s = h.count === 1 ? `Once a worker that had ended an attempt waited for its next task, already ready: ${ms(h.total_ms)}`
      : `${h.count} times a worker that had ended an attempt waited for its next task, already ready: ${ms(h.mean_ms)} on average, ${ms(h.total_ms)} in all`;
    if (h.machine) {
      s += `. ${h.long === 1 ? 'One of those waits took' : `${h.long} of those waits took up to`} ${ms(h.longest_ms)}, against ${ms(h.usual_ms)} for this pool's usual hand-off (${how}): ${ms(h.excess_ms)} more than usual. ` +
        "An exact simulation hands the next task over at once, and the schedule decides at once: this machine made the run wait (the engine's or a worker's thread waited for a core, or for the system to wake it), so this run took longer than its schedule.";
      // Outside threads mode the engine's own thread decides every hand-off: with a worker
      // per core it has none to itself.
      s += f.mode !== 'threads' && isNum(f.cores) && f.workers >= f.cores
        ? ` ${W} on ${plural(f.cores, 'core')} leave the engine's thread no core of its own: fewer workers, or a quieter machine, wait less.`
        : ' Run it again when the machine is quieter.';
    } else {
      s += `: the executor's own hand-off (${how}), which an exact simulation leaves out.`;
    }
    add('handoffs', 'Hand-offs', ms(h.total_ms), s);
  }

  if (isNum(f.blocked)) {
    let s = f.blocked > 0
      ? `${f.groupCaps ? 'Limits, rates and group caps' : 'Limits and rates'} held ${plural(f.blockedTasks, 'task')} back for ${ms(f.blocked)} in all`
      : `No task was held back by a limit${f.groupCaps ? ', rate or group cap' : ' or rate'}`;
    if (isNum(f.queued)) s += f.queued > 0 ? `; ready tasks waited ${ms(f.queued)} in all for a free worker` : '; no ready task waited for a worker';
    // Waiting for a worker is long when the workers themselves were slowed: say which.
    if (f.queued > 0 && f.cpuShare?.share < 0.9) s += `, longer than scheduled because the workers got only ${Math.round(f.cpuShare.share * 100)}% of the time they asked for`;
    if (isNum(f.waveWait) && f.waveWait > 0) s += `, and ${ms(f.waveWait)} for their wave to open`;
    add('blocked', 'Blocked on limits', ms(f.blocked), `${s}.`);
  }

  {
    const lost = f.failedMs + f.cancelledMs;
    let s;
    if (f.failedAttempts === 0 && f.cancelledMs === 0) {
      s = f.cancelled ? `No attempt failed before ${halt(f)}.` : 'Nothing was lost: every attempt succeeded the first time.';
    } else {
      const parts = [];
      if (f.failedAttempts > 0) {
        const fa = f.failedAttempts;
        const t = !f.timeouts ? '' : fa === 1 ? ' (a timeout)' : f.timeouts === fa ? ' (all timeouts)' : ` (${plural(f.timeouts, 'timeout')})`;
        const again = f.retries === 0 ? (fa === 1 ? ' and was not retried' : ' and none was retried') : `, and ${plural(f.retries, 'retry', 'retries')} ran again`;
        parts.push(`${plural(fa, 'failed attempt')}${t} used ${ms(f.failedMs)} of worker time${again}`);
      }
      if (f.cancelledMs > 0) parts.push(`attempts cut short by ${f.cancelled ? halt(f) : 'fail-fast'} had used ${ms(f.cancelledMs)}`);
      s = `${capital(parts.join('; '))}.`;
    }
    add('lost', 'Lost to failures and retries', ms(lost), s);
  }
  if (f.pool) add('worker-seconds', 'Worker-seconds (autoscaling)', f.pool.worker_seconds.toFixed(3), `${capital(poolSummary({ pool: f.pool }))}: ` +
    'the cost side of elasticity (shaded lanes on the timeline: a worker off, hatched: starting).');
  if (f.pool?.starts_ms?.length) add('worker-start', 'Worker start (autoscaling)', startSummary({ pool: f.pool, mode: f.mode }).match(/took (\S+ ms)/)[1], `${capital(startSummary({ pool: f.pool, mode: f.mode }))}; ` +
    'the hatched stretch of each lane on the timeline is its start-up, asked for → ready.');
  if (f.batches?.length) add('batches', 'Batches', String(f.batches.length), `${capital(batchSummary({ batches: f.batches }))}: ` +
    'each dispatch ran its members back to back on one worker (outlined on the timeline), one message instead of one per task.');
  if (f.steals) add('steals', 'Steals', String(f.steals.steals), `${capital(stealSummary({ steals: f.steals, tasks_total: f.tasksTotal }))}: ` +
    'an idle worker took the oldest task of another worker\'s deque (the arrow-heads on the timeline say from whom).');
  return rows;
}

/** Why an attempt ended as it did, from its status and the task's options in the graph. */
function attemptReason(a, n, spec, f, trigger) {
  const error = typeof a.error === 'string' && a.error ? a.error : null;
  if (error && !(a.status === 'failed' && spec?.kind === 'panic')) return error;
  switch (a.status) {
    case 'ok': return 'succeeded';
    case 'timeout': {
      const limit = spec?.timeout !== undefined ? ` past its \`timeout ${typeof spec.timeout === 'number' ? `${spec.timeout}ms` : spec.timeout}\`` : ' past its timeout';
      return `stopped after ${ms(Math.max(0, a.end_ms - a.start_ms))},${limit}`;
    }
    case 'failed':
      if (spec?.kind === 'panic') return error ? `its code panicked: ${error}` : 'its code panicked';
      if (spec?.fail_attempts >= n) return `failed on purpose: \`fail attempts ${spec.fail_attempts}\` makes the first ${spec.fail_attempts === 1 ? 'attempt' : `${spec.fail_attempts} attempts`} fail`;
      if (spec?.fail > 0) return `failed at random: \`fail ${+(spec.fail * 100).toFixed(2)}%\` gives each attempt that chance${isNum(f.seed) ? ` (seed ${f.seed})` : ''}`;
      return 'failed';
    case 'cancelled':
      return f.cancelled ? (f.failure ? `stopped when the engine failed (${f.failure})` : 'stopped by Cancel') : `cut short by fail-fast${trigger ? ` when \`${trigger}\` failed` : ''}`;
    default:
      return STATUS_WORDS[a.status] ?? String(a.status);
  }
}

/**
 * The tasks that did not end ok, or needed retries: `[{ id, status, reason, attempts: [{ n,
 * worker, start_ms, end_ms, status, reason }] }]` in the run's order. `graph` (the run's graph
 * as JSON, optional) lets reasons name the option that caused them.
 */
export function failureList(result, graph) {
  const f = runFigures(result);
  const specs = new Map((graph?.tasks ?? []).map((t) => [t.id, t]));
  const records = result.tasks ?? [];
  const byId = new Map(records.map((t) => [t.id, t]));
  // The task whose failure stopped the run (fail-fast): the first to fail for good.
  const trigger = records.filter((t) => t.status === 'failed' || t.status === 'timeout')
    .sort((a, b) => a.end_ms - b.end_ms)[0]?.id;
  const out = [];
  for (const t of records) {
    const raw = rawAttempts(t);
    const spec = specs.get(t.id);
    if (t.status === 'ok' && raw.every((a) => a.status === 'ok')) continue;
    const attempts = raw.map((a, i) => ({
      n: i + 1, worker: a.worker, start_ms: a.start_ms, end_ms: a.end_ms, status: a.status,
      reason: attemptReason(a, i + 1, spec, f, trigger),
    }));
    let reason, groupReason;
    if (typeof t.error === 'string' && t.error) reason = t.error;
    else if (t.status === 'ok') reason = `succeeded after ${plural(attempts.length - 1, 'failed attempt')}`;
    else if (t.status === 'skipped') {
      const missing = (spec?.after ?? []).filter((d) => byId.get(d) && byId.get(d).status !== 'ok');
      const needs = missing.length ? missing.map((d) => `\`${d}\``).join(', ') : 'a task';
      reason = `skipped: it needs ${needs}, which did not succeed (on_error skip-dependents)`;
      groupReason = `skipped: they need ${needs}, which did not succeed (on_error skip-dependents)`;
    } else if (t.status === 'cancelled') {
      const why = f.cancelled ? (f.failure ? 'by the engine failure' : 'by Cancel') : `by fail-fast${trigger ? ` after \`${trigger}\` failed` : ''}`;
      reason = attempts.length ? `stopped while it ran, ${why}` : `cancelled before it started, ${why}`;
      groupReason = `cancelled before they started, ${why}`;
    } else {
      const last = attempts.at(-1);
      reason = last ? last.reason : STATUS_WORDS[t.status];
      if (attempts.length > 1) reason = `gave up after ${plural(attempts.length, 'attempt')}; the last ${last.reason}`;
      if (t.id === trigger && !f.cancelled && records.some((r) => r.status === 'cancelled')) reason += '; this stopped the run (on_error fail-fast)';
    }
    out.push({ id: t.id, status: t.status, reason, groupReason: groupReason ?? reason, attempts });
  }
  return out;
}

function badge(status) {
  const s = STATES[stateOfStatus(status)];
  const b = el('span', { className: 'status-badge', textContent: STATUS_WORDS[status] ?? status });
  b.style.background = s.fill;
  b.style.color = s.text;
  return b;
}

/** Renders `text` with `code` spans for the parts between backticks. */
function withCode(text) {
  return text.split('`').map((part, i) => (i % 2 ? el('code', { textContent: part }) : document.createTextNode(part)));
}

/** At most this many failure entries, and sink values, are listed one by one. */
const MAX_LISTED = 40;
const MAX_SINKS = 24;

/**
 * The results panel in `root`. `describeGraph(text)` (optional) resolves to the run's graph
 * as JSON, used to explain failures. Returns `{ pending(), show(result, text), settle(),
 * stale(), clear(), viewModel() }`; `root.dataset.state` is 'empty', 'pending' or 'shown', and
 * `root.dataset.count` counts the results shown.
 */
export function createResultsPanel(root, { describeGraph = null } = {}) {
  let seq = 0;
  let vm = null;
  root.classList.add('outcome');
  root.setAttribute('aria-live', 'polite');

  function clear() {
    seq++;
    vm = null;
    root.dataset.state = 'empty';
    root.removeAttribute('aria-busy');
    root.replaceChildren(el('p', { className: 'outcome-empty', textContent: 'Run or simulate the graph to see its output, the tasks that failed and how well the run used its workers.' }));
  }

  /** Marks what is shown as another graph's: the text changed since that run. */
  function stale() {
    if (root.dataset.state !== 'shown' || root.querySelector('.outcome-stale')) return;
    root.prepend(el('p', { className: 'outcome-stale', textContent: 'The graph has changed since: these results are from the previous graph.' }));
    root.dataset.stale = 'true';
  }

  /** The run ended without a result (it failed to start, or its engine died): what is
   *  shown stands, no longer marked as waiting. */
  function settle() {
    if (root.dataset.state !== 'pending') return;
    root.dataset.state = 'shown';
    root.removeAttribute('aria-busy');
  }

  /** Marks what is shown as the previous run's while a new one goes (nothing moves). */
  function pending() {
    if (root.dataset.state === 'empty') return;
    root.dataset.state = 'pending';
    root.setAttribute('aria-busy', 'true');
  }

  async function show(result, text = '') {
    const mine = ++seq;
    const f = runFigures(result);
    let graph = null;
    const anyTrouble = (result.tasks ?? []).some((t) => t.status !== 'ok' || rawAttempts(t).some((a) => a.status !== 'ok'));
    if (anyTrouble && describeGraph) {
      try { graph = await describeGraph(text); } catch { graph = null; }
      if (mine !== seq) return;
    }
    const failures = failureList(result, graph);
    const rows = metricRows(f);
    // Sinks in the graph's order (the result map is sorted by id: t1, t10, t11, …, t2).
    const order = new Map((result.tasks ?? []).map((t, i) => [t.id, i]));
    const sinks = Object.entries(result.result ?? {}).map(([id, value]) => ({ id, value, ...formatValue(value) }))
      .sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity));
    vm = { mode: f.mode, cancelled: f.cancelled, figures: f, sinks, failures, metrics: Object.fromEntries(rows.map((r) => [r.key, r])) };
    render(result, f, sinks, failures, rows);
    root.dataset.state = 'shown';
    root.dataset.stale = 'false';
    root.dataset.mode = f.mode;
    root.dataset.count = String(Number(root.dataset.count ?? 0) + 1);
    root.removeAttribute('aria-busy');
  }

  function render(result, f, sinks, failures, rows) {
    const counts = [`${f.tasksOk} ok`];
    if (f.tasksFailed) counts.push(`${f.tasksFailed} failed`);
    if (f.tasksSkipped) counts.push(`${f.tasksSkipped} skipped`);
    if (f.tasksCancelled) counts.push(`${f.tasksCancelled} cancelled`);
    if (f.notStarted) counts.push(`${f.notStarted} never started`);
    const how = f.mode === 'simulated' ? 'Simulated' : f.cancelled ? `${f.failure ? 'Failed' : 'Cancelled'} ${f.mode}-mode run` : `Ran in ${f.mode} mode`;
    const settings = [f.policy && `policy ${f.policy}`, isNum(f.seed) && `seed ${f.seed}`].filter(Boolean).join(', ');
    const summary = el('p', { className: 'outcome-summary' },
      `${how} on ${plural(f.workers, 'worker')}${settings ? ` (${settings})` : ''}: ${plural(f.tasksTotal, 'task')}, ${counts.join(', ')}.`);

    // Output of the sink tasks.
    const output = el('section', { className: 'outcome-part' }, el('h3', { textContent: 'Output' }));
    if (sinks.length) {
      const dl = el('dl', { className: 'sink-values' });
      for (const s of sinks.slice(0, MAX_SINKS)) {
        const dd = el('dd', { title: s.full.length > 2000 ? `${s.full.slice(0, 2000)}…` : s.full });
        dd.dataset.sink = s.id;
        const code = el('code', { className: s.value === null ? 'no-value' : '', textContent: s.short });
        dd.append(code);
        if (s.value === null) {
          const st = (result.tasks ?? []).find((t) => t.id === s.id)?.status;
          const ended = { failed: 'failed', timeout: 'timed out', skipped: 'was skipped', cancelled: 'was cancelled' }[st] ?? 'produced none';
          dd.append(` — ${s.id} ${ended}`);
        }
        if (s.truncated) {
          dd.append(el('details', {}, el('summary', { textContent: s.count !== undefined ? `all ${plural(s.count, 'value')}` : 'full value' }), el('pre', { textContent: s.full })));
        }
        dl.append(el('dt', {}, el('code', { textContent: s.id })), dd);
      }
      output.append(dl);
      if (sinks.length > MAX_SINKS || result.sinks_total > sinks.length) {
        const rest = sinks.slice(MAX_SINKS);
        const unlisted = Math.max(0, (result.sinks_total ?? sinks.length) - sinks.length);
        const more = Math.max(0, rest.length - 5000) + unlisted;
        const lines = rest.slice(0, 5000).map((x) => `${x.id}: ${x.full}`).join('\n') + (more ? `\n… ${more.toLocaleString('en-US')} more` : '');
        output.append(el('details', { className: 'more-sinks' }, el('summary', { textContent: `${plural(rest.length + unlisted, 'more sink task')}` }), el('pre', { textContent: lines })));
      }
      if (f.mode === 'simulated') output.append(el('p', { className: 'outcome-note', textContent: 'A simulation runs nothing, so each task\'s value is a stand-in (its position in the graph); reductions combine those. Run the graph to see real values.' }));
    } else {
      output.append(el('p', { className: 'outcome-note', textContent: f.cancelled ? `The run was ${f.failure ? 'cut short by the engine failure' : 'cancelled'} before its last tasks finished, so there is no output.` : 'This run produced no output.' }));
    }
    if (result.counter) {
      const c = result.counter;
      output.append(el('p', { className: 'outcome-note counter' },
        `Shared counter: ${c.expected.toLocaleString('en-US')} additions made, ${c.actual.toLocaleString('en-US')} counted — ${c.lost === 0 ? 'none lost' : `${plural(c.lost, 'update')} lost to races`}.`));
    }

    // Failures.
    const failed = el('section', { className: 'outcome-part' }, el('h3', { textContent: 'Failures and retries' }));
    if (!failures.length) {
      failed.append(el('p', { className: 'outcome-note', textContent: f.cancelled ? `No task failed before ${halt(f)}.` : 'None: every task succeeded at its first attempt.' }));
    } else {
      const list = el('ul', { className: 'failures' });
      // Tasks that never started are grouped by reason: a fail-fast can cancel thousands.
      const groups = new Map();
      const listed = [];
      for (const x of failures) {
        if (x.attempts.length === 0) {
          if (!groups.has(x.groupReason)) groups.set(x.groupReason, []);
          groups.get(x.groupReason).push(x);
        } else listed.push(x);
      }
      for (const x of listed.slice(0, MAX_LISTED)) {
        const li = el('li', {}, badge(x.status), ' ', el('code', { className: 'task-id', textContent: x.id }), ': ', ...withCode(x.reason));
        li.dataset.task = x.id;
        li.dataset.status = x.status;
        const ol = el('ol', { className: 'attempts' });
        for (const a of x.attempts) {
          const item = el('li', {}, `attempt ${a.n}, worker ${a.worker}, ${ms(a.start_ms)} → ${ms(a.end_ms)}: `, ...withCode(a.reason));
          item.dataset.status = a.status;
          ol.append(item);
        }
        li.append(ol);
        list.append(li);
      }
      if (listed.length > MAX_LISTED) list.append(el('li', { className: 'more', textContent: `…and ${plural(listed.length - MAX_LISTED, 'more task')}.` }));
      for (const [groupReason, xs] of groups) {
        const reason = xs.length === 1 ? xs[0].reason : groupReason;
        const ids = xs.slice(0, 12).map((x) => x.id).join(', ') + (xs.length > 12 ? `, … ${xs.length - 12} more` : '');
        const li = el('li', {}, badge(xs[0].status), ' ', ...(xs.length === 1 ? [el('code', { className: 'task-id', textContent: ids })] : [`${plural(xs.length, 'task')} (`, el('code', { className: 'task-id', textContent: ids }), ')']), ': ', ...withCode(reason));
        li.dataset.status = xs[0].status;
        li.dataset.group = String(xs.length);
        list.append(li);
      }
      failed.append(list);
    }

    // Metrics.
    const metrics = el('section', { className: 'outcome-part' }, el('h3', { textContent: 'Metrics' }));
    const dl = el('dl', { className: 'metrics' });
    for (const r of rows) {
      const dd = el('dd', {}, el('span', { className: 'metric-value', textContent: r.value }), ' ', el('span', { className: 'metric-sentence', textContent: r.sentence }));
      dd.dataset.metric = r.key;
      if (r.key === 'utilization') dd.append(utilizationBars(f.perWorker));
      dl.append(el('dt', { textContent: r.term }), dd);
    }
    metrics.append(dl);
    if (f.cancelled) metrics.append(el('p', { className: 'outcome-note', textContent: `A ${f.failure ? 'failed' : 'cancelled'} run reports what had happened up to ${halt(f)}; its work, speedup and bounds are not known.` }));

    root.replaceChildren(summary, output, failed, metrics);
  }

  function utilizationBars(perWorker) {
    const ul = el('ul', { className: 'util-bars' });
    ul.setAttribute('aria-label', 'Busy time per worker');
    for (const w of perWorker) {
      const bar = el('span', { className: 'util-bar' }, el('span', { className: 'util-fill' }));
      bar.firstChild.style.width = `${Math.round(w.utilization * 1000) / 10}%`;
      bar.setAttribute('aria-hidden', 'true');
      const li = el('li', { title: `worker ${w.worker}: busy ${ms(w.busy_ms)} (${pct(w.utilization)}), ${plural(w.attempts, 'attempt')}` },
        el('span', { className: 'util-label', textContent: `w${w.worker}` }), bar, el('span', { className: 'util-pct', textContent: pct(w.utilization) }));
      li.dataset.worker = String(w.worker);
      ul.append(li);
    }
    return ul;
  }

  clear();
  return {
    pending, show, settle, clear, stale,
    /** What is shown: `{ mode, cancelled, figures, sinks, failures, metrics: { key: row } }`. */
    viewModel: () => vm,
  };
}
