// The playground page: wires the editor, the DAG view, the timeline, the scenario menu and the
// exports to the client API, keeps one linked selection across the three views, and exposes
// the API as `window.fanout` (and the views as `window.fanoutUI`) for devtools and tests.
import * as client from '../client/fanout.js';
import { MODES, chooseMode, isolationNote } from '../shared/capabilities.js';
import { createCompare } from './compare.js';
import { chainSentence, realizedChain } from './critical-chain.js';
import { createDagView } from './dag-view.js';
import { createEditor } from './editor.js';
import { exportCanvasPng, exportGraphText, exportJson } from './export.js';
import { formatMs, plural, thousands } from './format.js';
import { createResultsPanel } from './results.js';
import { createSavedText } from './saved-text.js';
import { createShare, linkInAddress } from './share.js';
import { createRunHistory } from './run-history.js';
import { mountEngines } from './engines.js';
import { normalizeRun, statesAfterRun, statesBeforeRun } from './run-model.js';
import { DEFAULT_TEXT, fillScenarioMenu, scenarioById } from './scenarios.js';
import { createSelection } from './selection.js';
import { createSpeedupChart } from './speedup-chart.js';
import { createSeedChart } from './seed-chart.js';
import { installStateColors, legend, stateOfStatus } from './states.js';
import { statusCounts } from '../client/compact.js';
import { createTimeline } from './timeline.js';
import { watchModeNote } from './mode-note.js';
import { fillLessonMenu, lessonFromUrl, openLesson } from './lesson-panel.js';
import { stealMarksOf, stealOverlay } from './steal-marks.js';
import { batchesOf, batchOverlay } from './batch-outline.js';
import { poolOf, poolOverlay } from './pool-lanes.js';
import { RUN_MODES } from '../shared/messages.js';

/** The timeline overlays of a run: its steal marks (work stealing), its batch outlines, its
 *  autoscaling pool's lanes. */
const overlaysOf = (result) => [
  ...(result?.steals ? [stealOverlay(stealMarksOf(result))] : []),
  ...(result?.batches ? [batchOverlay(batchesOf(result))] : []),
  ...(result?.pool ? [poolOverlay(poolOf(result))] : []),
];

const { MAX_WORKERS, analyze, analyzeSummary, capabilities, check, chromeTrace, convert, defaultWorkers, graph, groups, makespans, prewarm, run, seedSweep, simulate } = client;

/** Above this many tasks the graph view draws the core's groups instead of every task. */
export const GROUP_ABOVE = 1000;
/** Above this many tasks the page keeps no object per task: the graph stays in the columns
 *  of fanout.groups(), a simulation in the columns of its result (client/compact.js). */
export const COMPACT_ABOVE = 20_000;

const STORAGE_KEY = 'fanout.graph';
const $ = (id) => document.getElementById(id);
const workersInput = $('workers');
const modeSelect = $('mode');
const runButton = $('run');
const simulateButton = $('simulate');
const status = $('run-status');

// Everything the client offers, for devtools and tests.
const api = {
  run, simulate, makespans, seedSweep, analyze, check, graph, convert, chromeTrace, capabilities,
  prewarm, benchmarkSimulate: client.benchmarkSimulate, ignoredMessages: client.ignoredMessages, groups, analyzeSummary,
  exportPython: client.exportPython, importTrace: client.importTrace, dispatchCost: client.dispatchCost, lastResult: null,
};
window.fanout = api;

installStateColors();
const selection = createSelection();
let tasks = [];            // the last graph that parsed: [{ id, deps, line, kind, duration_us }]
let lineToTask = new Map();
let model = null;          // the last run, normalized
let lastRunText = '';      // the text the last run ran
let criticalPath = [];     // the graph's critical path (analyze), first task first
let chain = { ids: [], steps: [] }; // the last run's realized critical chain (critical-chain.js)
let big = null;            // a graph above COMPACT_ABOVE tasks: its fanout.groups() columns
let expanded = [];         // families the grouped graph view shows task by task

const dag = createDagView($('dag'), {
  onSelect: (id) => selection.set(id, 'dag'),
  onExpand(family, open) {
    expanded = open ? [...new Set([...expanded, family])] : expanded.filter((f) => f !== family);
    drawGroups(editor.text()).catch(() => {});
  },
});
$('legend').replaceWith(Object.assign(legend(), { id: 'legend' }));
const timeline = createTimeline($('gantt'), { onSelect: (id) => selection.set(id, 'timeline') });
const results = createResultsPanel($('outcome'), {
  // A big graph's JSON would be megabytes to parse here: its failures are explained without it.
  describeGraph: async (text) => {
    if (big && text === drawnText) return null;
    const { text: json } = await convert(text, { from: 'dag', to: 'json' });
    return json ? JSON.parse(json) : null;
  },
});
// Measuring runs the graph for real: Run and Simulate wait for it, as it waits for them.
const speedup = createSpeedupChart($('speedup'), {
  makespans, analyze: (text) => analyzeOnce(text), run, getText: () => editor.text(), getSettings: () => runSettings(),
  onMeasuring(busy) { runButton.disabled = busy; simulateButton.disabled = busy; },
});

// Variable durations: the makespan histogram over seeds, under the speedup chart.
const seedChart = createSeedChart($('seed-chart'), { seedSweep, getSettings: () => runSettings() });

/** `fn(text)`, asked once per text: the last text's promise is reused until the text
 *  changes (a failed call is asked again next time). */
function oncePerText(fn) {
  let last = null;
  let promise = null;
  return (text) => {
    if (text !== last || !promise) {
      last = text;
      const p = fn(text);
      promise = p;
      p.catch(() => { if (promise === p) promise = null; });
    }
    return promise;
  };
}
// One parse and one analysis per text: after an edit the editor's lint and the graph view
// ask for the same parse (`graph()` gives the tasks and every diagnostic), and the graph view
// and the speedup chart for the same analysis.
// Every text is first read for its size and groups (typed arrays, cheap to cross); only a
// graph of at most COMPACT_ABOVE tasks is then parsed into one object per task.
const groupsOnce = oncePerText((text) => groups(text));
const parseOnce = oncePerText(async (text) => {
  const info = await groupsOnce(text);
  return info.n > COMPACT_ABOVE ? { tasks: [], diagnostics: info.diagnostics, info } : { ...(await graph(text)), info };
});
const analyzeOnce = oncePerText(async (text) => ((await groupsOnce(text)).n > COMPACT_ABOVE ? analyzeSummary(text) : analyze(text)));

/** The grouped graph view of `text` with the families in `expanded` opened. */
async function drawGroups(text) {
  const info = expanded.length ? await groups(text, { expanded }) : await groupsOnce(text);
  if (text !== editor.text()) return;
  dag.setGroups(info, expanded);
  if (model?.compact) dag.setGroupStates(groupStatesOf(info, model.compact));
  else if (model && tasks.length === info.n) dag.setGroupStates(groupStatesOfModel(info, model));
}

/** Per group, the worst final state of its tasks in the (object) run `m`. */
function groupStatesOfModel(info, m) {
  const rank = { waiting: 0, done: 1, skipped: 2, cancelled: 3, timeout: 4, failed: 5 };
  const out = Array.from(info.groups, () => 'waiting');
  tasks.forEach((t, i) => {
    const g = info.groupOf[i];
    const st = m.tasks.get(t.id)?.state ?? 'waiting';
    if ((rank[st] ?? 0) > (rank[out[g]] ?? 0)) out[g] = st;
  });
  return out;
}

/** Per group of `info`, the state its tasks ended in after the compact run `c`: failed,
 *  timeout, skipped or cancelled if any task did (in that order), else done. */
function groupStatesOf(info, c) {
  const name = (code) => stateOfStatus(['ok', 'failed', 'timeout', 'cancelled', 'skipped', 'rejected'][code]);
  // The core coloured the default grouping already (simulate_compact's groupStates).
  if (!expanded.length && c.groupStates && c.groupStates.length === info.groups.length) return Array.from(c.groupStates, name);
  const rank = [0, 5, 4, 1, 2, 3]; // by status code (ok failed timeout cancelled skipped rejected): how bad
  const worst = new Uint8Array(info.groups.length);
  const seen = new Uint8Array(info.groups.length);
  for (let i = 0; i < info.groupOf.length && i < c.status.length; i++) {
    const g = info.groupOf[i];
    seen[g] = 1;
    if (rank[c.status[i]] > rank[worst[g]]) worst[g] = c.status[i];
  }
  return Array.from(worst, (code, g) => (seen[g] ? stateOfStatus(['ok', 'failed', 'timeout', 'cancelled', 'skipped', 'rejected'][code]) : 'waiting'));
}
const runHistory = createRunHistory(10); // not `history`: that is window.history
const compare = createCompare($('compare'), {
  history: runHistory, simulate,
  getInput: () => ({ text: editor.text(), graph: tasks, workers: runSettings().workers, seed: runSettings().seed }),
  onSelect: (id) => selection.set(id, 'compare'),
});

// The editor starts with the graph of a share link in the address, else the saved text.
const saved = createSavedText(STORAGE_KEY);
const opened = linkInAddress();
let sharing = null; // createShare(), once the run panel is set up
const editor = createEditor($('graph'), {
  doc: opened?.ok ? opened.text : saved.load() ?? DEFAULT_TEXT,
  check: async (text) => (await parseOnce(text)).diagnostics,
  onChange(text) {
    // A link's text is not saved until the reader edits it (share.js).
    if (!sharing?.applying) {
      $('save-status').textContent = saved.save(text) ? '' : 'This browser did not let the page keep your graph (storage is blocked or full): use Export .dag to keep a copy.';
    }
    sharing?.changed();
    scheduleGraph();
  },
  onDiagnostics: showDiagnostics,
  onCaretLine(line) {
    const id = big ? bigTaskAtLine(line) : lineToTask.get(line);
    if (id) selection.set(id, 'editor');
  },
});

function describeEnvironment() {
  const caps = capabilities();
  const auto = chooseMode('auto', caps);
  $('environment').textContent = (
    `Cross-origin isolated: ${caps.isolated ? 'yes' : 'no'} · wasm threads: ${caps.wasmThreads ? 'supported by this browser' : 'not supported by this browser'} · ` +
    `${plural(caps.cores, 'core')} · Run uses ${auto.mode} mode: ${auto.reason}. ` +
    isolationNote(caps, { available: window.coi !== undefined, active: Boolean(window.coi && navigator.serviceWorker?.controller) })).trim();
  if (auto.mode !== 'threads') {
    const option = modeSelect.querySelector('option[value="threads"]');
    option.disabled = true;
    option.textContent = 'threads (unavailable here)';
    option.title = auto.reason;
  }
}

function showDiagnostics(diagnostics) {
  $('diagnostics').replaceChildren(...diagnostics.map((d) => {
    const li = document.createElement('li');
    li.textContent = `line ${d.line}, column ${d.col}: ${d.message}`;
    li.dataset.line = d.line;
    li.dataset.col = d.col;
    li.tabIndex = 0;
    li.setAttribute('role', 'button');
    li.addEventListener('click', () => editor.focusAt(d.line, d.col));
    li.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); editor.focusAt(d.line, d.col); }
    });
    return li;
  }));
  $('graph').dataset.errors = String(diagnostics.filter((d) => d.severity === 'error').length);
}

// The graph view follows the text: parse (in the engine), lay out, colour, and ask the core
// for the critical path when it can.
let graphTimer = 0;
let graphSeq = 0;
let drawnText = null; // the text the graph view shows
function scheduleGraph(delay = 250) {
  clearTimeout(graphTimer);
  graphTimer = setTimeout(refreshGraph, delay);
}
async function refreshGraph() {
  const seq = ++graphSeq;
  const text = editor.text();
  let parsed;
  try {
    parsed = await parseOnce(text);
  } catch {
    return; // the engine is being replaced; the next edit parses again
  }
  if (seq !== graphSeq) return;
  const n = parsed.info.n;
  $('dag').dataset.stale = String(n === 0 && parsed.diagnostics.length > 0);
  if (!n && parsed.diagnostics.length) return; // keep the last good drawing
  speedup.refresh(text);
  seedChart.refresh(text, n);
  if (text !== drawnText) expanded = [];
  if (n > COMPACT_ABOVE) { await showBigGraph(text, parsed.info, seq); return; }
  big = null;
  tasks = parsed.tasks;
  drawnText = text;
  lineToTask = new Map(tasks.map((t) => [t.line, t.id]));
  if (selection.get() !== null && !tasks.some((t) => t.id === selection.get())) selection.set(null, 'graph');
  // The last run still describes this graph if the text is the one it ran (a cancelled run
  // has only some tasks) or the graph has exactly its tasks.
  const sameTasks = model && (text === lastRunText || (tasks.length === model.tasks.size && tasks.every((t) => model.tasks.has(t.id))));
  if (!sameTasks && model) { model = null; timeline.clear(Number(workersInput.value) || 1); setStatus('The graph changed: press Run to execute it.'); results.stale(); }
  timeline.setGraph(tasks);
  timeline.setGroups(parsed.groups ?? []);
  describeChain();
  if (n > GROUP_ABOVE) await drawGroups(text);
  else await dag.setGraph(parsed);
  if (seq !== graphSeq) return;
  dag.setStates(model ? statesAfterRun(tasks, model) : statesBeforeRun(tasks));
  dag.select(selection.get());
  analyzeOnce(text).then(({ analysis }) => {
    if (seq !== graphSeq) return;
    criticalPath = analysis?.critical_path ?? [];
    dag.setCriticalPath(criticalPath);
    timeline.setCriticalPath(criticalPath);
    describeChain();
  }, () => {});
  $('dag').dataset.ready = 'true';
}

/** A big graph: nothing per task on this thread but the columns; the graph view shows the
 *  core's groups; a run that is not of this text is cleared. */
async function showBigGraph(text, info, seq) {
  big = info;
  tasks = [];
  drawnText = text;
  lineToTask = new Map();
  if (model && text !== lastRunText) { model = null; timeline.clear(Number(workersInput.value) || 1); setStatus('The graph changed: press Run to execute it.'); results.stale(); }
  timeline.setGraph([]);
  timeline.setGroups([]);
  describeChain();
  await nextTask();
  await drawGroups(text);
  if (seq !== graphSeq) return;
  analyzeOnce(text).then(({ analysis }) => {
    if (seq !== graphSeq) return;
    criticalPath = analysis?.critical_path ?? [];
    timeline.setCriticalPath(criticalPath);
    describeChain();
  }, () => {});
  $('dag').dataset.ready = 'true';
}

/** The task declared on `line` of a big graph (the first, for a range), or undefined. */
function bigTaskAtLine(line) {
  const lines = big.lines;
  let lo = 0, hi = lines.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (lines[mid] < line) lo = mid + 1; else hi = mid; }
  if (lo >= lines.length || lines[lo] !== line) return undefined;
  const end = big.idEnds[lo], start = lo ? big.idEnds[lo - 1] : 0;
  return new TextDecoder().decode(big.ids.subarray(start, end));
}

selection.subscribe((id) => {
  const task = tasks.find((t) => t.id === id);
  editor.highlightLine(task ? task.line : null);
  dag.select(id);
  timeline.select(id);
  compare.select(id);
  describeSelection(id, task);
});

/** The sentence under the timeline: did the run's longest chain follow the graph's critical path? */
let chainOf = { model: undefined, tasks: undefined }; // what `chain` was computed from
/** Says how the last run's realized chain relates to the critical path; the chain itself is
 *  recomputed only when the run or the parsed graph changed (not when only the critical
 *  path arrived): it walks every attempt. */
function describeChain() {
  if (chainOf.model !== model || chainOf.tasks !== tasks) {
    chain = model && !model.compact ? realizedChain(model, new Map(tasks.map((t) => [t.id, t.deps]))) : { ids: [], steps: [] };
    chainOf = { model, tasks };
  }
  // In one of fanout's real runs with no wave, limit, rate or cap at work, a task that started
  // late while a worker was free was not held back by anything: the hand-off was late. (A
  // simulation holds back only by the schedule; an imported trace is another engine's.)
  const r = api.lastResult;
  const holdsBack = !r || !RUN_MODES.includes(r.mode) || r.policy === 'waves'
    || (r.metrics?.blocked_ms ?? 0) > 0 || (r.metrics?.wave_wait_ms ?? 0) > 0;
  $('chain-info').textContent = chainSentence(chain, criticalPath, { holdsBack });
  $('chain-info').dataset.chain = chain.ids.join(' ');
  $('chain-info').dataset.stale = 'false';
}

function describeSelection(id, task) {
  const info = $('selection-info');
  if (!id) { info.textContent = 'Select a task in the editor, the graph or the timeline.'; return; }
  const parts = [`${id}`];
  if (task) parts.push(`${task.kind} ${formatMs(task.duration_us / 1000)}`, task.deps.length ? `after ${task.deps.join(', ')}` : 'no dependencies');
  const attempts = model?.tasks.get(id)?.attempts ?? [];
  for (const a of attempts) {
    parts.push(`${attempts.length > 1 ? `attempt ${a.attempt}: ` : ''}worker ${a.worker}, ${formatMs(a.start)} → ${formatMs(a.end)} (${formatMs(a.end - a.start)}, ${a.status})`);
  }
  info.textContent = `Selected: ${parts.join(' · ')}`;
}

function setStatus(text, isError = false) {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

/** The run panel's settings: worker count, mode, and the policy and seed overrides. */
function runSettings() {
  const workers = Number(workersInput.value);
  const seedText = $('seed').value.trim();
  return {
    workers,
    mode: modeSelect.value,
    policy: $('policy').value || undefined,
    seed: seedText === '' ? undefined : Number(seedText),
  };
}

let controller = null;
/** How long a run's progress waits before the n-th redraw while it goes (ms): 200 ms first,
 *  then 1.5× longer each time, up to a second. Live to a reader, and bounded: each redraw
 *  costs the machine a frame (in a headless or GPU-less browser a software composite of the
 *  whole window, some 10-25 ms of CPU on a loaded 2-core machine) that the workers' cores pay
 *  for, so a run slowed by a busy machine is not slowed further by being watched. */
const LIVE_MS = (n) => Math.min(1000, 200 * 1.5 ** n);

/** Resolves once the page has painted what was changed before the call (two frames on) and
 *  the main thread has had an idle moment: raster and compositing of that frame happen off
 *  the main thread, after it, and would otherwise land in the run's first milliseconds. */
function afterNextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() =>
    (window.requestIdleCallback ?? setTimeout)(resolve, { timeout: 100 }))));
}

/** Runs the graph with the panel's settings, or simulates it (`simulateOnly`, the Simulate
 *  button) whatever the mode select says. */
async function onRun(simulateOnly = false) {
  const { workers, policy, seed, ...settings } = runSettings();
  const mode = simulateOnly ? 'simulated' : settings.mode;
  // A lesson with `real_scale` runs its graph with durations scaled, as it says it will.
  const runText = lessonPanel && mode !== 'simulated' ? lessonPanel.scaled(editor.text()) : editor.text();
  runButton.disabled = true;
  simulateButton.disabled = true;
  speedup.setRunBusy(true);
  results.pending();
  setStatus(mode === 'simulated' ? 'Simulating…' : 'Running…');
  $('chain-info').dataset.stale = 'true'; // dimmed, not emptied: the page keeps its layout
  timeline.clear(Number.isInteger(workers) && workers > 0 ? workers : 1);
  $('progress').value = 0;
  model = null; // the last run no longer describes what is shown
  // Run straight after typing: draw the graph being run first, not the one before the edit.
  if (runText !== drawnText) {
    clearTimeout(graphTimer);
    await refreshGraph();
  }
  const states = statesBeforeRun(tasks);
  if (tasks.length) dag.setStates(states);
  const progressBar = $('progress');
  progressBar.max = Math.max(tasks.length, 1);
  progressBar.value = 0;
  // The page redraws for the new run (the emptied timeline, the reset graph, "Running…")
  // before the run's clock starts, not on the cores its first tasks need.
  if (mode !== 'simulated') await afterNextPaint();
  // Live, but bounded: what the engine reports is drawn at most every LIVE_MS (the timeline,
  // the graph's colours and the progress bar together), never more than once a frame, so the
  // page's own work takes next to nothing from the workers on a machine with few cores.
  const attemptsSeen = new Map();
  const finished = new Set();
  let finishedCount = 0;
  const onProgress = (events, total) => {
    progressBar.max = Math.max(total, 1);
    if (big) {
      // A big graph keeps no object per task: the bar counts what ended, the timeline is
      // drawn from the result's columns when the run is over.
      for (const e of events) if (e.state === 'ok') finishedCount++;
      progressBar.value = finishedCount;
      return;
    }
    const bars = [];
    for (const e of events) {
      if (e.state === 'running') {
        states.set(e.id, 'running');
        continue;
      }
      const n = (attemptsSeen.get(e.id) ?? 0) + 1;
      attemptsSeen.set(e.id, n);
      bars.push({ task: e.id, attempt: n, worker: e.worker, start: e.start_ms, end: e.end_ms, status: e.state, state: stateOfStatus(e.state) });
      states.set(e.id, stateOfStatus(e.state));
      if (e.state === 'ok') finished.add(e.id);
    }
    if (bars.length) timeline.addAttempts(bars);
    progressBar.value = finished.size;
    if (tasks.length) dag.setStates(states);
  };
  controller = new AbortController();
  $('cancel').disabled = mode === 'simulated';
  try {
    const result = mode === 'simulated'
      // Kernels priced as the mode chosen for real runs runs them (see client simulate).
      ? await simulate(runText, { workers, policy, seed, mode: modeSelect.value })
      : await run(runText, { workers, mode, policy, seed, onProgress, progressEveryMs: LIVE_MS, signal: controller.signal });
    await showResult(result, runText, { workers, mode, policy, seed });
    if (mode !== 'simulated' && lessonPanel) {
      // A lesson compares the run with the exact simulation of the same graph and settings:
      // both go to the run history, so the Compare view shows them on one time scale.
      const twin = await simulate(runText, { workers: result.workers, policy, seed, mode: result.mode });
      runHistory.add({ text: runText, settings: { workers: result.workers, mode: 'simulated', policy, seed }, result: twin, model: normalizeRun(twin), graph: tasks });
      lessonPanel.afterRun(result);
    }
  } catch (e) {
    if (e.name === 'AbortError' && e.result) {
      showResult(e.result, runText);
      setStatus(`Cancelled: ${e.result.tasks.filter((t) => t.status === 'ok').length} of ${e.result.tasks_total} tasks had finished.`);
      return;
    }
    if (e.name === 'EngineFailure' && e.result) {
      // The engine died mid-run: show what had ended; the next run starts a fresh engine.
      showResult(e.result, runText);
      setStatus(`Run failed: ${e.message}.`, true);
      return;
    }
    if (e.diagnostics) showDiagnostics(e.diagnostics);
    const n = e.diagnostics?.length;
    setStatus(n ? `The graph has ${plural(n, 'error')}; fix ${n === 1 ? 'it' : 'them'} and run again.` : `Run failed: ${e.message}`, true);
  } finally {
    results.settle();
    runButton.disabled = false;
    simulateButton.disabled = false;
    speedup.setRunBusy(false);
    $('cancel').disabled = true;
    controller = null;
  }
}

/** Shows a finished (or cancelled) run: timeline, graph states, status sentence. */
/** Lets the event loop run (input, frames) before going on: big results are shown in
 *  steps, each its own short task. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Shows the compact result of a big graph: drawn from its columns, nothing per task, in
 *  steps (status and timeline, then the graph's colours, then the results panel). */
async function showBigResult(result, text, settings) {
  const c = result.columns;
  api.lastResult = result;
  lastRunText = text;
  $('export-trace').disabled = false;
  const counts = statusCounts(c);
  model = { compact: c, tasks: new Map(), attempts: [], segments: [], workers: result.workers, makespan: result.makespan_ms };
  showDiagnostics([]);
  $('progress').max = Math.max(c.n, 1);
  $('progress').value = counts.ok;
  const speedupX = result.makespan_ms > 0 ? result.sequential_ms / result.makespan_ms : 0;
  const bound = result.lower_bound_ms ? `; no schedule on ${result.workers} workers can beat ${formatMs(result.lower_bound_ms)}` : '';
  const how = result.mode === 'simulated'
    ? 'simulated exactly (nothing ran)'
    : `in ${result.mode} mode — ${MODES[result.mode]} —`;
  const why = result.mode !== 'simulated' && result.reason ? ` (${result.reason})` : '';
  setStatus(`Ran ${thousands(c.n)} tasks ${how} on ${result.workers} workers${why}. Makespan ${formatMs(result.makespan_ms)} ` +
    `against ${formatMs(result.sequential_ms)} of work: ${speedupX.toFixed(2)}× speedup${bound}.`);
  status.dataset.mode = result.mode;
  timeline.setCompact(c, { makespan: result.makespan_ms, workers: result.workers });
  timeline.setOverlays(overlaysOf(result));
  timeline.select(selection.get());
  await nextTask();
  if (big && model?.compact === c) dag.setGroupStates(groupStatesOf(big, c));
  await nextTask();
  if (model?.compact !== c) return; // a newer run or graph took over
  await results.show(summaryOf(result, counts), text);
  describeChain();
  void settings;
}

/** How many sinks of a big result the results panel lists (it says how many more there are). */
const BIG_SINKS = 24;

/** A big result for the results panel: every figure, the tasks that did not go to plan
 *  (those are few, or the panel lists the first of them), and the first sinks. */
function summaryOf(result, counts) {
  const c = result.columns;
  const troubled = c.troubled; // computed by the core: the first 2,000
  const shown = {};
  for (let k = 0; k < c.sinks.length && k < BIG_SINKS; k++) shown[c.idTable.idAt(c.sinks[k])] = c.record(c.sinks[k]).value;
  const { tasks: _t, result: _r, columns: _c, ...head } = Object.getOwnPropertyDescriptors(result);
  void _t; void _r; void _c;
  return { ...Object.fromEntries(Object.entries(head).map(([k, d]) => [k, d.value])), tasks: Array.from(troubled, c.record), result: shown,
    tasks_total: c.n, status_counts: counts, sinks_total: c.sinks.length };
}

function showResult(result, text, settings = {}) {
  timeline.setBreakers(result.breakers ?? []);
  if (result.columns && result.columns.n > COMPACT_ABOVE) return showBigResult(result, text, settings);
  api.lastResult = result;
  lastRunText = text;
  // A cancelled run's partial result has no attempts to trace.
  $('export-trace').disabled = Boolean(result.cancelled);
  model = normalizeRun(result);
  showDiagnostics([]);
  $('progress').value = result.tasks.filter((t) => t.status === 'ok').length;
  const speedupX = result.makespan_ms > 0 ? result.sequential_ms / result.makespan_ms : 0;
  const how = result.mode === 'simulated'
    ? 'simulated exactly (nothing ran)'
    : `in ${result.mode} mode — ${MODES[result.mode]} —`;
  const why = result.reason ? ` (${result.reason})` : '';
  const bound = result.lower_bound_ms ? `; no schedule on ${result.workers} workers can beat ${formatMs(result.lower_bound_ms)}` : '';
  // Start-up is never inside the makespan: say what it was when the run had to wait for it.
  const startup = result.startup_ms >= 1
    ? ` The engine's start-up (loading the wasm, calibrating, starting the workers) took ${formatMs(result.startup_ms)} before the run's clock started.`
    : '';
  setStatus(`Ran ${result.tasks.length} tasks ${how} on ${result.workers} workers${why}. Makespan ${formatMs(result.makespan_ms)} ` +
    `against ${formatMs(result.sequential_ms)} of work: ${speedupX.toFixed(2)}× speedup${bound}.${startup}`);
  // A deadlock (uses a then b) is named, with the tasks it froze and how it was resolved.
  if (result.deadlocks?.length) {
    const d = result.deadlocks[0];
    const how = d.resolution === 'fail-run' ? 'the run was stopped (on_deadlock fail-run)' : `${d.victim}'s attempt was failed to break it (on_deadlock fail-youngest)`;
    const more = result.deadlocks.length > 1 ? ` ${result.deadlocks.length - 1} more deadlock(s) followed.` : '';
    setStatus(`Deadlock at ${formatMs(d.at_ms)}: ${d.cycle}. Frozen: ${d.frozen.join(', ')}; ${how}.${more} ${status.textContent}`, d.resolution === 'fail-run');
    status.dataset.deadlock = d.cycle;
  } else delete status.dataset.deadlock;
  status.dataset.mode = result.mode;
  timeline.setResult(model);
  timeline.setOverlays(overlaysOf(result));
  // A one-worker run the speedup chart's Measure made of this same graph is the honest
  // reference for this run's speedup (results.js says which reference it used).
  if (result.mode !== 'simulated' && result.one_worker_ms === undefined) {
    const one = speedup.oneWorkerMs(text, result.mode);
    if (one > 0) result.one_worker_ms = one;
  }
  if (tasks.length) dag.setStates(statesAfterRun(tasks, model));
  if (tasks.length > GROUP_ABOVE) groupsOnce(text).then((info) => { if (text === drawnText) dag.setGroupStates(groupStatesOfModel(info, model)); }, () => {});
  timeline.select(selection.get());
  describeSelection(selection.get(), tasks.find((t) => t.id === selection.get()));
  results.show(result, text);
  describeChain();
  runHistory.add({ text, settings, result, model, graph: tasks });
}

/** Puts a share link's run settings in the run panel (a link without a policy or seed means
 *  "as declared"); returns a note when a setting cannot be honoured here. */
function applyLinkSettings(s) {
  let note = '';
  if (s.workers !== undefined) { workersInput.value = s.workers; timeline.reserve(s.workers); }
  if (s.mode !== undefined) {
    const option = modeSelect.querySelector(`option[value="${s.mode}"]`);
    if (option?.disabled) {
      modeSelect.value = 'auto';
      note = `The link asks for ${s.mode} mode, which this page cannot use (${option.title}): Run uses auto.`;
    } else {
      modeSelect.value = s.mode;
    }
  }
  $('policy').value = s.policy ?? '';
  $('seed').value = s.seed ?? '';
  speedup.refresh();
  return note;
}

function loadScenario(id) {
  const s = scenarioById(id);
  if (!s) return false;
  editor.setText(s.text); // one undoable change: Ctrl+Z brings the previous text back
  selection.set(null, 'menu');
  return true;
}

// Controls.
workersInput.value = defaultWorkers();
workersInput.max = MAX_WORKERS;
workersInput.addEventListener('input', () => {
  const n = Number(workersInput.value);
  if (Number.isInteger(n) && n >= 1 && n <= MAX_WORKERS) timeline.reserve(n);
});
runButton.addEventListener('click', () => onRun(false));
simulateButton.addEventListener('click', () => onRun(true));
for (const id of ['workers', 'policy', 'seed']) $(id).addEventListener('change', () => { speedup.refresh(); seedChart.refresh(); });
$('cancel').addEventListener('click', () => controller?.abort());
fillScenarioMenu($('scenario'));
$('load-scenario').addEventListener('click', () => loadScenario($('scenario').value));
$('export-dag').addEventListener('click', () => exportGraphText(editor.text()));
$('export-png').addEventListener('click', () => exportCanvasPng(timeline.canvas));
$('export-json').addEventListener('click', async () => {
  const { text, diagnostics } = await convert(editor.text(), { from: 'dag', to: 'json' });
  if (text === null) setStatus(`The graph has ${diagnostics.length} error(s): fix them to export it as JSON.`, true);
  else exportJson(text, 'graph.json');
});
// The trace of the last run, for the text it ran (kept with the result).
$('export-trace').addEventListener('click', async () => {
  if (api.lastResult) exportJson(await chromeTrace(lastRunText, api.lastResult), 'trace.json');
});
const engines = mountEngines({
  client, history: runHistory, setStatus,
  getInput: () => ({ text: editor.text(), graph: tasks, seed: runSettings().seed }),
  download: (text, filename) => exportGraphText(text, filename),
});
$('dag-zoom-in').addEventListener('click', () => dag.zoomIn());
$('dag-zoom-out').addEventListener('click', () => dag.zoomOut());
$('dag-fit').addEventListener('click', () => dag.fit());
$('zoom-in').addEventListener('click', () => timeline.zoomIn());
$('zoom-out').addEventListener('click', () => timeline.zoomOut());
$('zoom-fit').addEventListener('click', () => timeline.fit());
$('show-critical').addEventListener('change', (e) => timeline.showCriticalPath(e.target.checked));
timeline.showCriticalPath($('show-critical').checked);

describeEnvironment();
sharing = createShare({
  button: $('share'), status: $('share-status'), field: $('share-link'), opened,
  getText: () => editor.text(), setText: (text) => editor.setText(text), savedText: () => saved.load(),
  getSettings: () => runSettings(), applySettings: applyLinkSettings,
});
for (const id of ['workers', 'mode', 'policy', 'seed']) $(id).addEventListener('change', () => sharing.changed());
timeline.clear(Number(workersInput.value));
describeSelection(null);
window.fanoutUI = { engines, editor, dag, timeline, selection, results, speedup, seedChart, loadScenario, normalizeRun, compare, history: runHistory, get chain() { return chain; }, get model() { return model; }, get tasks() { return tasks; } };
// A lesson (?lesson=<id> or ?lesson-url=<url>): its panel beside the editor (lesson-panel.js).
let lessonPanel = null;
watchModeNote();
fillLessonMenu($('lesson-menu'));
try {
  // A share link may carry a whole lesson (share-link.js's optional `lesson` key).
  const lessonText = opened?.ok && opened.lesson !== undefined ? opened.lesson : await lessonFromUrl();
  if (lessonText !== null) lessonPanel = await openLesson($('lesson'), lessonText, { editor, fanout: api, setWorkers: (w) => { workersInput.value = w; timeline.reserve(w); } });
} catch (e) {
  setStatus(`The lesson could not be opened: ${e.message}`, true);
}
// A teacher's lesson from a file (docs/lessons.md).
$('lesson-file').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  if (!file) return;
  try {
    lessonPanel = await openLesson($('lesson'), await file.text(), { editor, fanout: api, setWorkers: (w) => { workersInput.value = w; timeline.reserve(w); } });
  } catch (err) {
    setStatus(`The lesson could not be opened: ${err.message}`, true);
  }
});
window.fanoutUI.lesson = () => lessonPanel;
await refreshGraph();
performance.mark('fanout-ready');
document.documentElement.dataset.ready = 'true';
// Start the run engine while the reader looks at the graph, so the first Run starts at once.
(window.requestIdleCallback ?? setTimeout)(() => prewarm({ workers: Number(workersInput.value) || defaultWorkers() }).catch(() => {}));
// The first number formatted by Intl loads its locale data (tens of ms): do it while idle,
// not while the first big result is shown.
(window.requestIdleCallback ?? setTimeout)(() => (1234.5).toLocaleString('en-US'));
