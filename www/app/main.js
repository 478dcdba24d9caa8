// The playground page: wires the editor, the controls and the timeline to the client API,
// and exposes that API as `window.fanout` for devtools and tests.
import { MAX_WORKERS, analyze, benchmarkSimulate, capabilities, check, chromeTrace, convert, defaultWorkers, graph, makespans, run, simulate } from '../client/fanout.js';
import { MODES, chooseMode } from '../shared/capabilities.js';
import { drawGantt, formatMs } from './gantt.js';

const STORAGE_KEY = 'fanout.graph';
const EXAMPLE = `# A map-reduce: split the input, map 6 chunks in parallel, merge.
split  : cpu 20ms
map1   : cpu 60ms after split
map2   : cpu 60ms after split
map3   : cpu 60ms after split
map4   : cpu 60ms after split
map5   : cpu 60ms after split
map6   : cpu 60ms after split
merge  : cpu 30ms after map1, map2, map3, map4, map5, map6
`;

const $ = (id) => document.getElementById(id);
const editor = $('graph');
const workersInput = $('workers');
const modeSelect = $('mode');
const runButton = $('run');
const status = $('run-status');

const api = { run, simulate, makespans, chromeTrace, check, graph, analyze, convert, capabilities, benchmarkSimulate, lastResult: null };
window.fanout = api;

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

/** Moves the caret to a 1-based line and column of the editor. */
function revealInEditor(line, col) {
  const lines = editor.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Math.max(col - 1, 0);
  editor.focus();
  editor.setSelectionRange(offset, offset);
}

function showDiagnostics(diagnostics) {
  const list = $('diagnostics');
  list.replaceChildren(...diagnostics.map((d) => {
    const li = document.createElement('li');
    li.textContent = `line ${d.line}, column ${d.col}: ${d.message}`;
    li.dataset.line = d.line;
    li.dataset.col = d.col;
    li.tabIndex = 0;
    li.addEventListener('click', () => revealInEditor(d.line, d.col));
    li.addEventListener('keydown', (e) => { if (e.key === 'Enter') revealInEditor(d.line, d.col); });
    return li;
  }));
  editor.setAttribute('aria-invalid', String(diagnostics.some((d) => d.severity === 'error')));
}

let checkTimer = 0;
let checkSeq = 0;
function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(async () => {
    const seq = ++checkSeq;
    try {
      const diagnostics = await check(editor.value);
      if (seq === checkSeq) showDiagnostics(diagnostics);
    } catch {
      // The engine is being replaced; the next keystroke or run checks again.
    }
  }, 150);
}

function setStatus(text, isError = false) {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

async function onRun() {
  const workers = Number(workersInput.value);
  runButton.disabled = true;
  setStatus('Running…');
  try {
    const result = await run(editor.value, { workers, mode: modeSelect.value });
    api.lastResult = result;
    showDiagnostics([]);
    const speedup = result.makespan_ms > 0 ? result.sequential_ms / result.makespan_ms : 0;
    setStatus(`Ran ${result.tasks.length} tasks in ${result.mode} mode — ${MODES[result.mode]} — on ${result.workers} workers ` +
      `(${result.reason}). Makespan ${formatMs(result.makespan_ms)} against ${formatMs(result.sequential_ms)} of work: ` +
      `${speedup.toFixed(2)}× speedup.`);
    status.dataset.mode = result.mode;
    drawGantt($('gantt'), result);
  } catch (e) {
    if (e.diagnostics) showDiagnostics(e.diagnostics);
    const n = e.diagnostics?.length;
    setStatus(n ? `The graph has ${n} error${n === 1 ? '' : 's'}; fix ${n === 1 ? 'it' : 'them'} and run again.` : `Run failed: ${e.message}`, true);
  } finally {
    runButton.disabled = false;
  }
}

editor.value = localStorage.getItem(STORAGE_KEY) ?? EXAMPLE;
workersInput.value = defaultWorkers();
workersInput.max = MAX_WORKERS;
editor.addEventListener('input', () => {
  localStorage.setItem(STORAGE_KEY, editor.value);
  scheduleCheck();
});
runButton.addEventListener('click', onRun);
describeEnvironment();
scheduleCheck();
