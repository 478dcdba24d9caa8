// Faults during a run, caused for real in Chromium: a task worker terminated mid-attempt, a
// panic in threads mode, the engine worker terminated or throwing mid-run, and malformed
// messages at every listener. Each test states the reason the page is given and that the
// next run works; without the defence each one hangs, throws or loses text.
//
// How the test reaches the workers, without hooks in the product: Playwright lists every
// dedicated worker, nested ones included (`page.workers()`), and evaluates in it. To hold a
// worker's `Worker` object, the way its owner does, the test wraps `Worker.prototype.
// postMessage` in the owner's realm and keeps the workers that are sent runs (page → engine)
// or task lists (engine → task workers); `terminate()` on them is the real thing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, usePage } from './harness.mjs';
import { graphText, setGraph, waitReady } from './ui-helpers.mjs';

/** A fault that is not handled shows as a hang: each test fails after this instead. */
const LIMIT = { timeout: 90_000 };

const isEngine = (w) => w.url().endsWith('/worker/engine.js');
const isTaskWorker = (w) => w.url().endsWith('/worker/task-worker.js');

/** Starts a run in the page; its progress events and outcome collect in `window.__run`. */
function startRun(page, text, opts) {
  return page.evaluate(([t, o]) => {
    const run = { events: [], outcome: null, startedAt: performance.now() };
    window.__run = run;
    window.fanout.run(t, { ...o, onProgress: (es) => run.events.push(...es) }).then(
      (result) => { run.outcome = { ok: true, result, at: performance.now() }; },
      (e) => { run.outcome = { ok: false, name: e.name, message: e.message, result: e.result, at: performance.now() }; },
    );
  }, [text, opts]);
}

/** The outcome of the run `startRun` started; fails the test if it hangs for `timeout` ms. */
async function outcome(page, timeout = 20000) {
  const h = await page.waitForFunction(() => window.__run.outcome, null, { timeout, polling: 50 });
  return h.jsonValue();
}

/** Waits until the run has reported `n` running events and `ended` ended ones. */
function waitForProgress(page, { running = 0, ended = 0 }) {
  return page.waitForFunction(([r, e]) => {
    const ev = window.__run.events;
    return ev.filter((x) => x.state === 'running').length >= r && ev.filter((x) => x.state !== 'running').length >= e;
  }, [running, ended], { polling: 20 });
}

/** Keeps, in the page, the engine worker each run is sent to (`window.__runEngine`). */
function holdRunEngine(page) {
  return page.evaluate(() => {
    if (window.__runEngineHeld) return;
    window.__runEngineHeld = true;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, ...rest) {
      if (message?.type === 'run') window.__runEngine = this;
      return post.call(this, message, ...rest);
    };
  });
}

/** In every engine worker, keeps the task workers it sends task lists to (`self.__pool`). */
async function holdTaskWorkers(page) {
  for (const w of page.workers().filter(isEngine)) {
    await w.evaluate(() => {
      self.__pool = new Set(); // the task workers sent task lists from now on
      self.__firstPostAt = undefined;
      if (self.__poolHeld) return;
      self.__poolHeld = true;
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (message, ...rest) {
        if (Array.isArray(message)) {
          self.__pool.add(this);
          self.__firstPostAt ??= performance.timeOrigin + performance.now();
        }
        return post.call(this, message, ...rest);
      };
    }).catch(() => {}); // an engine that is going away
  }
}

/** The engine worker that owns a task pool (workers mode); `holdTaskWorkers` must have run
 *  before a run of that engine. */
async function poolEngine(page) {
  for (const w of page.workers().filter(isEngine)) {
    if (await w.evaluate(() => (self.__pool?.size ?? 0) > 0).catch(() => false)) return w;
  }
  throw new Error('no engine worker has sent tasks to a pool');
}

/** A short run that must work: the proof that a fault left nothing broken behind. */
async function nextRunWorks(page, mode) {
  const r = await page.evaluate((m) => window.fanout.run('a[1..4] : cpu 5ms', { workers: 2, mode: m }), mode);
  assert.deepEqual(r.tasks.map((t) => t.status), ['ok', 'ok', 'ok', 'ok'], 'the next run works');
  assert.deepEqual([...new Set(r.tasks.map((t) => t.worker))].sort(), [0, 1], 'on both workers');
}

describe('workers mode: a task worker terminated mid-attempt', () => {
  let page;
  usePage((p) => { page = p; }, { isolation: false });

  for (const kind of ['io', 'cpu']) {
    test(`(${kind} task) is replaced, its attempt fails with the reason, and the run completes`, LIMIT, async () => {
      // The engine for (workers, 2) exists before the run, so the test can hold its pool.
      await page.evaluate(() => window.fanout.run('warm : cpu 1ms', { workers: 2, mode: 'workers' }));
      await holdTaskWorkers(page);
      await startRun(page, `long[1..2] : ${kind} 1200ms retry 1\nend : cpu 5ms after long[*]`, { workers: 2, mode: 'workers' });
      await waitForProgress(page, { running: 2 });
      await new Promise((r) => setTimeout(r, 200));
      const engine = await poolEngine(page);
      const killed = await engine.evaluate(() => {
        const pool = [...self.__pool];
        const at = performance.timeOrigin + performance.now();
        pool[pool.length - 1].terminate(); // the last one sent a task list: it runs one now
        return { sinceFirstPost: at - self.__firstPostAt };
      });
      const o = await outcome(page);
      assert.ok(o.ok, `the run completes, not: ${o.message}`);
      const st = Object.fromEntries(o.result.tasks.map((t) => [t.id, t.attempts.map((a) => a.status)]));
      const hit = ['long1', 'long2'].filter((id) => st[id][0] === 'failed');
      assert.equal(hit.length, 1, `one attempt was killed: ${JSON.stringify(st)}`);
      assert.deepEqual(st[hit[0]], ['failed', 'ok'], 'its retry ran on the replacement');
      assert.deepEqual(st.end, ['ok']);
      const failed = o.result.tasks.find((t) => t.id === hit[0]).attempts[0];
      assert.match(failed.error, /^task worker [01] died mid-attempt \(terminated or crashed\); a fresh worker took its slot$/);
      assert.equal(o.result.faults.length, 1);
      assert.equal(o.result.faults[0].id, hit[0]);
      // How long the engine took to notice: the attempt ended (was judged failed) this long
      // after terminate() (the attempt started when the first task list was posted).
      const latency = failed.end_ms - failed.start_ms - killed.sinceFirstPost;
      console.log(`${kind}: task worker death detected ${latency.toFixed(1)} ms after terminate()`);
      assert.ok(latency < (kind === 'io' ? 1000 : 5000), `detected after ${latency} ms`);
      await nextRunWorks(page, 'workers');
    });
  }
});

describe('workers mode: a task whose code panics', () => {
  let page;
  usePage((p) => { page = p; }, { isolation: false });

  test('fails its attempt with the trap as the reason; its worker is replaced', LIMIT, async () => {
    const r = await page.evaluate(() => window.fanout.run('boom : panic\nother[1..2] : cpu 5ms', { workers: 2, mode: 'workers' }));
    const boom = r.tasks.find((t) => t.id === 'boom');
    assert.equal(boom.status, 'failed');
    assert.match(boom.attempts[0].error, /^task worker [01] failed \(RuntimeError: unreachable\); a fresh worker took its slot$/);
    assert.deepEqual(r.faults.map((f) => f.id), ['boom']);
    await nextRunWorks(page, 'workers');
  });
});

describe('threads mode: a panic', () => {
  let page;
  usePage((p) => { page = p; }, { isolation: true });

  test('fails the run with the panic\'s message, and the next run works', LIMIT, async () => {
    await startRun(page, 'boom : panic\nother[1..2] : cpu 20ms', { workers: 2, mode: 'threads' });
    const o = await outcome(page);
    assert.equal(o.ok, false);
    assert.equal(o.name, 'ThreadPanic');
    assert.match(o.message, /a task panicked on a pool thread \(.*the task `panic` panicked, as it is written to.*\); threads share one memory/s);
    await nextRunWorks(page, 'threads');
  });
});

for (const [mode, isolation] of [['threads', true], ['workers', false]]) {
  describe(`${mode} mode: the engine worker dies mid-run`, () => {
    let page;
    usePage((p) => { page = p; }, { isolation });
    const GRAPH = 'quick[1..2] : cpu 30ms\nslow[1..2] : cpu 4s after quick[*]';

    /** Checks the failure's partial result: the quick tasks ended, the slow ones cancelled. */
    function assertPartial(o) {
      assert.equal(o.ok, false, 'the run fails');
      assert.equal(o.name, 'EngineFailure');
      const st = Object.fromEntries(o.result.tasks.map((t) => [t.id, t.status]));
      assert.deepEqual(st, { quick1: 'ok', quick2: 'ok', slow1: 'cancelled', slow2: 'cancelled' });
      assert.equal(o.result.tasks_total, 4);
      assert.match(o.message, /during the run: 2 of 4 tasks had ended; the rest were cancelled$/);
    }

    test('terminate(): the page gets an error with the partial result, not a hang', LIMIT, async () => {
      await holdRunEngine(page);
      await startRun(page, GRAPH, { workers: 2, mode });
      await waitForProgress(page, { running: 4, ended: 2 });
      const killedAt = await page.evaluate(() => { window.__runEngine.terminate(); return performance.now(); });
      const o = await outcome(page);
      assertPartial(o);
      assert.match(o.message, /^the engine worker died \(terminated or crashed\) during the run/);
      assert.equal(o.result.failure, 'the engine worker died (terminated or crashed)');
      const latency = o.at - killedAt;
      console.log(`${mode}: engine death detected ${latency.toFixed(1)} ms after terminate()`);
      // A busy worker dies about 2 s after terminate() (Chromium's forced termination).
      assert.ok(latency < 5000, `detected after ${latency} ms`);
      await nextRunWorks(page, mode);
    });

    if (mode === 'workers') {
      test('an uncaught error in the engine: the same, with the error\'s message', LIMIT, async () => {
        await page.evaluate(() => window.fanout.run('warm : cpu 1ms', { workers: 2, mode: 'workers' }));
        await holdTaskWorkers(page);
        await page.evaluate(() => window.fanout.run('warm : cpu 1ms', { workers: 2, mode: 'workers' }));
        const engine = await poolEngine(page);
        await startRun(page, GRAPH, { workers: 2, mode });
        await waitForProgress(page, { running: 4, ended: 2 });
        await engine.evaluate(() => { setTimeout(() => { throw new Error('an injected fault'); }, 0); });
        const o = await outcome(page);
        assertPartial(o);
        assert.match(o.message, /^the engine worker failed: .*an injected fault during the run/);
        await nextRunWorks(page, mode);
      });
    }
  });
}

describe('malformed messages are ignored, counted and logged once', () => {
  let page;
  const warnings = [];
  usePage((p) => {
    page = p;
    page.on('console', (m) => { if (m.type() === 'warning' && /ignored a malformed message/.test(m.text())) warnings.push(m.text()); });
  }, { isolation: false });
  const warned = (where) => warnings.filter((w) => w.startsWith(`fanout: ${where} ignored`)).length;

  /** A run of two long io tasks with malformed messages injected by `inject` mid-run; the
   *  run must come out as if nothing had been sent. */
  async function runThrough(inject) {
    await page.evaluate(() => window.fanout.run('warm : cpu 1ms', { workers: 2, mode: 'workers' }));
    await holdTaskWorkers(page);
    await page.evaluate(() => window.fanout.run('warm : cpu 1ms', { workers: 2, mode: 'workers' }));
    const errorsBefore = page.errors.length;
    await startRun(page, 'long[1..2] : io 1000ms\nend : cpu 1ms after long[*]', { workers: 2, mode: 'workers' });
    await waitForProgress(page, { running: 2 });
    await inject();
    const o = await outcome(page);
    assert.ok(o.ok, `the run completes: ${o.message}`);
    for (const id of ['long1', 'long2']) {
      const t = o.result.tasks.find((x) => x.id === id);
      assert.equal(t.status, 'ok');
      assert.ok(t.end_ms - t.start_ms >= 950, `${id} ran its full 1000 ms, not ${t.end_ms - t.start_ms}`);
    }
    assert.deepEqual(page.errors.slice(errorsBefore), [], 'nothing threw');
    await nextRunWorks(page, 'workers');
  }

  test('from the engine, at the page', LIMIT, async () => {
    await runThrough(async () => {
      for (const w of page.workers().filter(isEngine)) {
        await w.evaluate(() => {
          postMessage(null);
          postMessage('hello');
          for (let id = 1; id < 30; id++) {
            postMessage({ type: 'result', id }); // no resultJson
            postMessage({ type: 'progress', id, packed: [1, 2, 3] });
            postMessage({ type: 'failed', id, error: 'no' });
          }
        });
      }
    });
    assert.equal(warned('the page (from the engine)'), 1, 'logged once, however many came');
    const counted = await page.evaluate(() => window.fanout.ignoredMessages()['the page (from the engine)']);
    assert.ok(counted >= 2 + 29 * 3, `and counted: ${counted}`);
  });

  test('from the page, at the engine', LIMIT, async () => {
    await runThrough(async () => (await poolEngine(page)).evaluate(() => {
      for (const data of [null, 7, { type: 'run', id: 'x', text: 5 }, { type: 'call', id: 1, fn: 'constructor', args: [] }, { type: 'init', mode: 'fast' }]) {
        self.dispatchEvent(new MessageEvent('message', { data }));
      }
    }));
    assert.equal(warned('the engine (from the page)'), 1);
  });

  test('from the engine, at a task worker', LIMIT, async () => {
    await runThrough(async () => {
      for (const w of page.workers().filter(isTaskWorker)) {
        // A task of 5 fields (no kernel slot) would run, as a 5 µs io task, and its reply
        // could be taken for a later attempt's; a null would throw in the listener.
        await w.evaluate(() => {
          for (const data of [null, { type: 'init' }, [[1, 0, 0, 1, 5]], [[1, 1, 1, 1, 5]], ['task']]) {
            self.dispatchEvent(new MessageEvent('message', { data }));
          }
        }).catch(() => {});
      }
    });
    assert.ok(warned('a task worker') >= 1);
  });

  test('from a task worker, at the engine', LIMIT, async () => {
    await runThrough(async () => {
      for (const w of page.workers().filter(isTaskWorker)) {
        await w.evaluate(() => {
          postMessage(null);
          postMessage({ type: 'failed' });
          postMessage([[0, 0, 'then', 'now', null, null], [1]]);
        }).catch(() => {});
      }
    });
    assert.equal(warned('the engine (from a task worker)'), 1);
  });
});

describe('malformed messages between the page and the layout worker', () => {
  let page;
  const warnings = [];
  usePage((p) => {
    page = p;
    page.on('console', (m) => { if (m.type() === 'warning' && /ignored a malformed message/.test(m.text())) warnings.push(m.text()); });
  }, { isolation: false });

  /** A graph of `n` tasks big enough to be laid out in the worker (layout.js). */
  const big = (n, tag) => Array.from({ length: n }, (_, i) => `${tag}${i} : cpu 1ms${i >= 20 ? ` after ${tag}${i - 20}` : ''}`).join('\n');
  const drawn = (n) => page.waitForFunction((k) => document.querySelectorAll('#dag g.node').length === k, n, { timeout: 60_000 });

  test('are ignored both ways, and the next layout is drawn', LIMIT, async () => {
    await waitReady(page);
    await page.evaluate((t) => window.fanoutUI.editor.setText(t), big(600, 'a'));
    await drawn(600);
    assert.equal(await page.getAttribute('#dag', 'data-layout'), 'worker');
    const layoutWorker = page.workers().find((w) => w.url().endsWith('/layout-worker.js'));
    await layoutWorker.evaluate(() => {
      // At the worker:
      for (const data of [null, { id: 1, tasks: 'all' }]) self.dispatchEvent(new MessageEvent('message', { data }));
      // At the page, while it waits for the next layout (it listens only then):
      const handle = self.onmessage;
      self.onmessage = (e) => {
        postMessage(null);
        postMessage({ id: 'x', positions: 5 });
        handle(e);
      };
    });
    await page.evaluate((t) => window.fanoutUI.editor.setText(t), big(610, 'b'));
    await drawn(610);
    assert.deepEqual(page.errors, [], 'nothing threw');
    assert.equal(warnings.filter((w) => w.startsWith('fanout: the page (from the layout worker) ignored')).length, 1);
    assert.equal(warnings.filter((w) => w.startsWith('fanout: the layout worker ignored')).length, 1);
  });
});

describe('the editor keeps its text through a crashed run and a crashed engine', () => {
  let page;
  usePage((p) => { page = p; }, { isolation: true });

  async function reloadKeeps(text) {
    await page.reload();
    await page.waitForFunction(() => window.fanoutUI !== undefined);
    await waitReady(page);
    assert.equal(await graphText(page), text, 'a reload restores it');
  }

  test('a run that panics (threads)', LIMIT, async () => {
    await waitReady(page);
    const text = '# this run panics\nboom : panic\nother : cpu 5ms\n';
    await setGraph(page, text);
    await page.selectOption('#mode', 'threads');
    await page.click('#run');
    await page.waitForFunction(() => /Run failed: .*panicked/.test(document.querySelector('#run-status').textContent), null, { timeout: 20000 });
    assert.equal(await graphText(page), text, 'the editor still holds it');
    await reloadKeeps(text);
  });

  test('an engine terminated mid-run (threads)', LIMIT, async () => {
    const text = '# the engine dies under this run\nquick : cpu 20ms\nslow[1..2] : cpu 5s after quick\n';
    await setGraph(page, text);
    await page.selectOption('#mode', 'threads');
    await holdRunEngine(page);
    await page.click('#run');
    await page.waitForFunction(() => window.__runEngine && /Running/.test(document.querySelector('#run-status').textContent));
    await new Promise((r) => setTimeout(r, 300));
    await page.evaluate(() => window.__runEngine.terminate());
    await page.waitForFunction(() => /Run failed: the engine worker died/.test(document.querySelector('#run-status').textContent), null, { timeout: 20000 });
    await screenshot(page, 'faults-engine-died');
    // The partial result is shown for what it is: a failure, not a Cancel.
    assert.match(await page.textContent('#outcome .outcome-summary'), /Failed threads-mode run on 2 workers/);
    assert.match(await page.textContent('#outcome'), /stopped while it ran, by the engine failure/);
    assert.doesNotMatch(await page.textContent('#outcome'), /Cancel/);
    assert.equal(await graphText(page), text, 'the editor still holds it');
    await reloadKeeps(text);
  });
});
