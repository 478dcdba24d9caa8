// The playground page: wires the editor, the DAG view, the timeline, the scenario menu and the
// exports to the client API, keeps one linked selection across the three views, and exposes
// the API as `window.fanout` (and the views as `window.fanoutUI`) for devtools and tests.
import * as client from '../client/fanout.js';
import { MODES, chooseMode } from '../shared/capabilities.js';
import { createDagView } from './dag-view.js';
import { createEditor } from './editor.js';
import { exportCanvasPng, exportGraphText } from './export.js';
import { formatMs } from './format.js';
import { normalizeRun, statesAfterRun, statesBeforeRun } from './run-model.js';
import { DEFAULT_TEXT, fillScenarioMenu, scenarioById } from './scenarios.js';
import { createSelection } from './selection.js';
import { installStateColors, legend } from './states.js';
import { createTimeline } from './timeline.js';

const { MAX_WORKERS, analyze, capabilities, check, chromeTrace, convert, defaultWorkers, graph, makespans, run, simulate } = client;

const STORAGE_KEY = 'fanout.graph';
const $ = (id) => document.getElementById(id);
const workersInput = $('workers');
const modeSelect = $('mode');
const runButton = $('run');
const status = $('run-status');

// Everything the client offers, for devtools and tests.
const api = {
  run, simulate, makespans, analyze, check, graph, convert, chromeTrace, capabilities,
  benchmarkSimulate: client.benchmarkSimulate, lastResult: null,
};
window.fanout = api;

installStateColors();
const selection = createSelection();
let tasks = [];            // the last graph that parsed: [{ id, deps, line, kind, duration_us }]
let lineToTask = new Map();
let model = null;          // the last run, normalized

const dag = createDagView($('dag'), { onSelect: (id) => selection.set(id, 'dag') });
$('legend').replaceWith(Object.assign(legend(), { id: 'legend' }));
const timeline = createTimeline($('gantt'), { onSelect: (id) => selection.set(id, 'timeline') });

const editor = createEditor($('graph'), {
  doc: localStorage.getItem(STORAGE_KEY) ?? DEFAULT_TEXT,
  check,
  onChange(text) {
    localStorage.setItem(STORAGE_KEY, text);
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
  $('environment').textContent =
    `Cross-origin isolated: ${caps.isolated ? 'yes' : 'no'} · wasm threads: ${caps.wasmThreads ? 'supported by this browser' : 'not supported by this browser'} · ` +
    `${caps.cores} core${caps.cores === 1 ? '' : 's'} · Run uses ${auto.mode} mode: ${auto.reason}.`;
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
function scheduleGraph(delay = 250) {
  clearTimeout(graphTimer);
  graphTimer = setTimeout(refreshGraph, delay);
}
async function refreshGraph() {
  const seq = ++graphSeq;
  const text = editor.text();
  let parsed;
  try {
    parsed = await graph(text);
  } catch {
    return; // the engine is being replaced; the next edit parses again
  }
  if (seq !== graphSeq) return;
  $('dag').dataset.stale = String(parsed.tasks.length === 0 && parsed.diagnostics.length > 0);
  if (!parsed.tasks.length && parsed.diagnostics.length) return; // keep the last good drawing
  tasks = parsed.tasks;
  lineToTask = new Map(tasks.map((t) => [t.line, t.id]));
  const sameTasks = model && tasks.every((t) => model.tasks.has(t.id)) && tasks.length === model.tasks.size;
  if (!sameTasks && model) { model = null; timeline.clear(Number(workersInput.value) || 1); setStatus('The graph changed: press Run to execute it.'); }
  timeline.setGraph(tasks);
  await dag.setGraph(parsed);
  if (seq !== graphSeq) return;
  dag.setStates(model ? statesAfterRun(tasks, model) : statesBeforeRun(tasks));
  dag.select(selection.get());
  analyze(text).then(({ analysis }) => { if (seq === graphSeq) dag.setCriticalPath(analysis?.critical_path ?? []); }, () => {});
  $('dag').dataset.ready = 'true';
}

selection.subscribe((id) => {
  const task = tasks.find((t) => t.id === id);
  editor.highlightLine(task ? task.line : null);
  dag.select(id);
  timeline.select(id);
  describeSelection(id, task);
});

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

async function onRun() {
  const workers = Number(workersInput.value);
  runButton.disabled = true;
  setStatus('Running…');
  timeline.clear(Number.isInteger(workers) && workers > 0 ? workers : 1);
  if (tasks.length) dag.setStates(statesBeforeRun(tasks));
  try {
    const result = await run(editor.text(), { workers, mode: modeSelect.value });
    api.lastResult = result;
    model = normalizeRun(result);
    showDiagnostics([]);
    const speedup = result.makespan_ms > 0 ? result.sequential_ms / result.makespan_ms : 0;
    setStatus(`Ran ${result.tasks.length} tasks in ${result.mode} mode — ${MODES[result.mode]} — on ${result.workers} workers ` +
      `(${result.reason}). Makespan ${formatMs(result.makespan_ms)} against ${formatMs(result.sequential_ms)} of work: ` +
      `${speedup.toFixed(2)}× speedup.`);
    status.dataset.mode = result.mode;
    timeline.setResult(model);
    if (tasks.length) dag.setStates(statesAfterRun(tasks, model));
    timeline.select(selection.get());
    describeSelection(selection.get(), tasks.find((t) => t.id === selection.get()));
  } catch (e) {
    if (e.diagnostics) showDiagnostics(e.diagnostics);
    const n = e.diagnostics?.length;
    setStatus(n ? `The graph has ${n} error${n === 1 ? '' : 's'}; fix ${n === 1 ? 'it' : 'them'} and run again.` : `Run failed: ${e.message}`, true);
  } finally {
    runButton.disabled = false;
  }
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
runButton.addEventListener('click', onRun);
fillScenarioMenu($('scenario'));
$('load-scenario').addEventListener('click', () => loadScenario($('scenario').value));
$('export-dag').addEventListener('click', () => exportGraphText(editor.text()));
$('export-png').addEventListener('click', () => exportCanvasPng(timeline.canvas));
$('dag-zoom-in').addEventListener('click', () => dag.zoomIn());
$('dag-zoom-out').addEventListener('click', () => dag.zoomOut());
$('dag-fit').addEventListener('click', () => dag.fit());
$('zoom-in').addEventListener('click', () => timeline.zoomIn());
$('zoom-out').addEventListener('click', () => timeline.zoomOut());
$('zoom-fit').addEventListener('click', () => timeline.fit());

describeEnvironment();
timeline.clear(Number(workersInput.value));
describeSelection(null);
window.fanoutUI = { editor, dag, timeline, selection, loadScenario, normalizeRun, get model() { return model; }, get tasks() { return tasks; } };
await refreshGraph();
performance.mark('fanout-ready');
document.documentElement.dataset.ready = 'true';
