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
import { formatMs, plural } from './format.js';
import { createResultsPanel } from './results.js';
import { createSavedText } from './saved-text.js';
import { createShare, linkInAddress } from './share.js';
import { createRunHistory } from './run-history.js';
import { normalizeRun, statesAfterRun, statesBeforeRun } from './run-model.js';
import { DEFAULT_TEXT, fillScenarioMenu, scenarioById } from './scenarios.js';
import { createSelection } from './selection.js';
import { createSpeedupChart } from './speedup-chart.js';
import { installStateColors, legend, stateOfStatus } from './states.js';
import { createTimeline } from './timeline.js';

const { MAX_WORKERS, analyze, capabilities, check, chromeTrace, convert, defaultWorkers, graph, makespans, prewarm, run, simulate } = client;

const STORAGE_KEY = 'fanout.graph';
const $ = (id) => document.getElementById(id);
const workersInput = $('workers');
const modeSelect = $('mode');
const runButton = $('run');
const simulateButton = $('simulate');
const status = $('run-status');

// Everything the client offers, for devtools and tests.
const api = {
  run, simulate, makespans, analyze, check, graph, convert, chromeTrace, capabilities,
  prewarm, benchmarkSimulate: client.benchmarkSimulate, ignoredMessages: client.ignoredMessages, lastResult: null,
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

const dag = createDagView($('dag'), { onSelect: (id) => selection.set(id, 'dag') });
$('legend').replaceWith(Object.assign(legend(), { id: 'legend' }));
const timeline = createTimeline($('gantt'), { onSelect: (id) => selection.set(id, 'timeline') });
const results = createResultsPanel($('outcome'), {
  describeGraph: async (text) => { const { text: json } = await convert(text, { from: 'dag', to: 'json' }); return json ? JSON.parse(json) : null; },
});
// Measuring runs the graph for real: Run and Simulate wait for it, as it waits for them.
const speedup = createSpeedupChart($('speedup'), {
  makespans, analyze: (text) => analyzeOnce(text), run, getText: () => editor.text(), getSettings: () => runSettings(),
  onMeasuring(busy) { runButton.disabled = busy; simulateButton.disabled = busy; },
});

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
const parseOnce = oncePerText((text) => graph(text));
const analyzeOnce = oncePerText((text) => analyze(text));
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
    const id = lineToTask.get(line);
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
  $('dag').dataset.stale = String(parsed.tasks.length === 0 && parsed.diagnostics.length > 0);
  if (!parsed.tasks.length && parsed.diagnostics.length) return; // keep the last good drawing
  speedup.refresh(text);
  tasks = parsed.tasks;
  drawnText = text;
  lineToTask = new Map(tasks.map((t) => [t.line, t.id]));
  if (selection.get() !== null && !tasks.some((t) => t.id === selection.get())) selection.set(null, 'graph');
  // The last run still describes this graph if the text is the one it ran (a cancelled run
  // has only some tasks) or the graph has exactly its tasks.
  const sameTasks = model && (text === lastRunText || (tasks.length === model.tasks.size && tasks.every((t) => model.tasks.has(t.id))));
  if (!sameTasks && model) { model = null; timeline.clear(Number(workersInput.value) || 1); setStatus('The graph changed: press Run to execute it.'); results.stale(); }
  timeline.setGraph(tasks);
  describeChain();
  await dag.setGraph(parsed);
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
    chain = model ? realizedChain(model, new Map(tasks.map((t) => [t.id, t.deps]))) : { ids: [], steps: [] };
    chainOf = { model, tasks };
  }
  $('chain-info').textContent = chainSentence(chain, criticalPath);
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
  const runText = editor.text();
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
  const onProgress = (events, total) => {
    progressBar.max = Math.max(total, 1);
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
      ? await simulate(runText, { workers, policy, seed })
      : await run(runText, { workers, mode, policy, seed, onProgress, progressEveryMs: LIVE_MS, signal: controller.signal });
    showResult(result, runText, { workers, mode, policy, seed });
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
function showResult(result, text, settings = {}) {
  api.lastResult = result;
  lastRunText = text;
  // A cancelled run's partial result has no attempts to trace.
  $('export-trace').disabled = Boolean(result.cancelled);
  model = normalizeRun(result);
  showDiagnostics([]);
  $('progress').value = result.tasks.filter((t) => t.status === 'ok').length;
  const speedup = result.makespan_ms > 0 ? result.sequential_ms / result.makespan_ms : 0;
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
    `against ${formatMs(result.sequential_ms)} of work: ${speedup.toFixed(2)}× speedup${bound}.${startup}`);
  status.dataset.mode = result.mode;
  timeline.setResult(model);
  if (tasks.length) dag.setStates(statesAfterRun(tasks, model));
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
for (const id of ['workers', 'policy', 'seed']) $(id).addEventListener('change', () => speedup.refresh());
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
window.fanoutUI = { editor, dag, timeline, selection, results, speedup, loadScenario, normalizeRun, compare, history: runHistory, get chain() { return chain; }, get model() { return model; }, get tasks() { return tasks; } };
await refreshGraph();
performance.mark('fanout-ready');
document.documentElement.dataset.ready = 'true';
// Start the run engine while the reader looks at the graph, so the first Run starts at once.
(window.requestIdleCallback ?? setTimeout)(() => prewarm({ workers: Number(workersInput.value) || defaultWorkers() }).catch(() => {}));
