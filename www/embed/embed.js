// embed.html: the embeddable view of fanout. Its settings come from the query parameters
// (params.js) and its graph from the URL fragment (fragment.js); it composes the
// playground's own views (timeline, results, and on demand the graph view, the speedup chart
// and the editor, each loaded only when its panel is asked for), runs with the same client
// API, and talks to the page around it only through protocol.js messages.
// Guarantees: before anything runs it shows the graph's simulated timeline, labelled as
// such; it always shows which isolation tier it got and why; the engine runs in workers,
// never here; messages from anything but its parent window on its parent's origin are
// ignored; nothing from the graph text is ever parsed as HTML.
import * as client from '../client/fanout.js';
import { MODES, chooseMode } from '../shared/capabilities.js';
import { createResultsPanel } from '../app/results.js';
import { createTimeline } from '../app/timeline.js';
import { normalizeRun, statesAfterRun, statesBeforeRun } from '../app/run-model.js';
import { installStateColors, stateOfStatus } from '../app/states.js';
import { formatMs, plural } from '../app/format.js';
import { decodeFragment } from './fragment.js';
import { DEFAULT_EMBED_WORKERS, MAX_EMBED_WORKERS, parseParams } from './params.js';
import { PROTOCOL, accepts, toEmbed } from './protocol.js';

const query = new URLSearchParams(location.search);
const params = parseParams(query);
const fragment = decodeFragment(location.hash);
const state = fragment.ok ? fragment.state : { graph: '' };
const root = document.documentElement;
const $ = (id) => document.getElementById(id);

// --- Talking to the parent -------------------------------------------------------------
const framed = window.parent !== window;
/** The parent's origin: the browser says it (ancestorOrigins), else the referrer does. */
const parentOrigin = (() => {
  if (!framed) return null;
  const a = location.ancestorOrigins?.[0];
  if (a) return a;
  try { return new URL(document.referrer).origin; } catch { return null; }
})();
function post(message) {
  if (!framed) return;
  // Results are computed from the graph in this page's own URL: nothing secret. Without a
  // known parent origin there is no one to address but '*'.
  window.parent.postMessage({ fanout: PROTOCOL, ...message }, parentOrigin ?? '*');
}

// --- Theme -------------------------------------------------------------------------------
const darkQuery = matchMedia('(prefers-color-scheme: dark)');
let themeFromParent = null;
function applyTheme() {
  const theme = params.theme === 'auto' ? (themeFromParent ?? (darkQuery.matches ? 'dark' : 'light')) : params.theme;
  root.dataset.theme = theme;
  fitInk();
}

/** The Run button's text colour: whichever of near-black and white reads better on the
 *  accent the theme (or the host) chose. */
function fitInk() {
  const button = document.getElementById('run');
  if (!button) return;
  root.style.removeProperty('--accent-ink');
  const [r, g, b] = (getComputedStyle(button).backgroundColor.match(/[\d.]+/g) ?? ['0', '0', '0']).map(Number).map((c) => {
    const x = c / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white: 1.05 / (L + 0.05); with #10131a (L ≈ 0.0065): (L + 0.05) / 0.0565.
  root.style.setProperty('--accent-ink', 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.0565 ? '#ffffff' : '#10131a');
}
darkQuery.addEventListener('change', () => { themeFromParent = null; applyTheme(); });

window.addEventListener('message', (e) => {
  if (!accepts(e, window.parent, parentOrigin)) return;
  const m = toEmbed(e.data);
  if (!m) return;
  if (m.type === 'theme') { themeFromParent = m.theme; applyTheme(); }
  else if (m.type === 'style') {
    for (const [k, v] of Object.entries(m.vars)) { if (v) root.style.setProperty(k, v); else root.style.removeProperty(k); }
    fitInk();
  }
  else if (m.type === 'run') runButton.click();
});

// --- The page --------------------------------------------------------------------------
installStateColors();
for (const e of document.querySelectorAll('[data-script-only]')) e.hidden = false;
let timeline = null;
applyTheme();
if (params.height) {
  root.dataset.fixedHeight = 'true';
  root.style.height = `${params.height}px`;
}
const runButton = $('run');
const workersInput = $('workers');
const statusLine = $('status');
const progressBar = $('progress');
const panelsBox = $('panels');
const readonly = params.readonly;
const workersDefault = params.workers ?? state.workers ?? DEFAULT_EMBED_WORKERS;
workersInput.value = String(Math.min(Math.max(workersDefault, 1), MAX_EMBED_WORKERS));
workersInput.max = String(MAX_EMBED_WORKERS);
if (readonly) { workersInput.disabled = true; workersInput.title = 'This embed is read-only'; }
const requestedMode = query.has('mode') ? params.mode : (state.mode ?? 'auto');
const warnings = [...params.warnings];
if (!fragment.ok && !query.has('lesson')) warnings.unshift(`No graph to show: ${fragment.error}.`);
$('warnings').replaceChildren(...warnings.map((w) => Object.assign(document.createElement('li'), { textContent: w })));

function setStatus(text, isError = false) {
  statusLine.textContent = text;
  statusLine.classList.toggle('error', isError);
}

/** The class each view's container has in the playground (its styles hang on it). */
const VIEW_CLASS = { graph: 'dag is-empty', timeline: 'gantt', editor: 'graph-editor' };

/** One panel: a section with a heading and a body, in the order `panels` gives. */
function panel(name, title) {
  const section = document.createElement('section');
  section.className = `panel embed-${name}`;
  section.dataset.panel = name;
  const h = document.createElement('h2');
  h.textContent = title;
  const body = document.createElement('div');
  body.className = `panel-body ${name}-body ${VIEW_CLASS[name] ?? ''}`;
  section.append(h, body);
  panelsBox.append(section);
  return body;
}

let text = state.graph;
let tasks = [];
let editor = null;
let dag = null;
let speedup = null;
let results = null;
const bodies = {};
const TITLES = { editor: 'Task graph', graph: 'Graph', timeline: 'Timeline', results: 'Results', speedup: 'Speedup by workers', lessons: 'Lesson' };
for (const name of params.panels) bodies[name] = panel(name, TITLES[name]);

const currentSettings = () => ({ workers: Number(workersInput.value), mode: requestedMode, policy: state.policy, seed: state.seed });

if (bodies.timeline) {
  timeline = createTimeline(bodies.timeline);
  timeline.clear(Number(workersInput.value));
}
if (bodies.results) results = createResultsPanel(bodies.results);

/** The isolation tier this document got, with the reason in words. */
async function isolationTier() {
  const caps = client.capabilities();
  let dip = null;
  try {
    const r = await fetch(location.href.split('#')[0], { method: 'HEAD', cache: 'no-store' });
    dip = r.headers.get('document-isolation-policy');
  } catch { /* the header stays unknown */ }
  const dipOn = Boolean(dip && /isolate-and-(require-corp|credentialless)/.test(dip));
  if (caps.isolated && dipOn) {
    return { tier: 1, isolated: true, text: 'Isolated by its own Document-Isolation-Policy header (tier 1), so it runs wasm threads even in a page that is not isolated.' };
  }
  if (caps.isolated) {
    return { tier: 2, isolated: true, text: framed
      ? 'Isolated through the page around it (tier 2): that page is cross-origin isolated and delegates it with allow="cross-origin-isolated".'
      : 'Isolated by this page\'s own COOP and COEP headers (tier 2).' };
  }
  const why = dipOn
    ? 'embed.html is sent with Document-Isolation-Policy, but this browser does not support it (Chromium 137 and later do)'
    : framed
      ? 'embed.html is sent without a Document-Isolation-Policy header and the page around it does not delegate cross-origin isolation'
      : 'this page is not cross-origin isolated';
  return { tier: 3, isolated: false, text: `Not isolated (tier 3): ${why}; workers mode gives the same schedule and the same results, without shared memory.` };
}

/** The mode Run will use, and why (an explicit threads request that cannot be met falls
 *  back to workers and says so). */
function modeChoice() {
  if (requestedMode === 'simulated') return { mode: 'simulated', reason: 'simulated mode was asked for: nothing runs, the schedule is computed exactly' };
  try {
    return chooseMode(requestedMode, client.capabilities());
  } catch (e) {
    return { mode: 'workers', reason: `${e.message}, so it uses workers mode`, forced: true };
  }
}

async function showGraph() {
  let parsed;
  try {
    parsed = await client.graph(text);
  } catch (e) {
    setStatus(`The engine could not start: ${e.message}`, true);
    return false;
  }
  tasks = parsed.tasks;
  if (parsed.diagnostics.some((d) => d.severity !== 'warning')) {
    const first = parsed.diagnostics[0];
    setStatus(`The graph has ${plural(parsed.diagnostics.length, 'error')}: line ${first.line}, column ${first.col}: ${first.message}`, true);
    post({ type: 'error', message: statusLine.textContent });
    return false;
  }
  timeline?.setGraph(tasks);
  if (dag) {
    await dag.setGraph(parsed);
    dag.setStates(statesBeforeRun(tasks));
  }
  client.analyze(text, { workers: Math.max(Number(workersInput.value) || 1, 1) }).then(({ analysis }) => {
    const path = analysis?.critical_path ?? [];
    dag?.setCriticalPath(path);
    timeline?.setCriticalPath(path);
  }, () => {});
  speedup?.refresh(text);
  return true;
}

/** The static picture before anything runs: the simulated schedule, said to be one. */
async function showPreview() {
  const { workers, policy, seed } = currentSettings();
  try {
    const sim = await client.simulate(text, { workers, policy, seed });
    timeline?.clear(workers);
    timeline?.setGroups(sim.groups ?? []);
    timeline?.setResult(normalizeRun(sim));
    setStatus(`Simulated timeline on ${plural(workers, 'worker')}: makespan ${formatMs(sim.makespan_ms)}. Nothing has run yet; press Run to run it for real.`);
    root.dataset.preview = 'simulated';
  } catch (e) {
    if (!e.diagnostics) setStatus(`Could not simulate the graph: ${e.message}`, true);
  }
}

let running = false;
async function runGraph() {
  if (running || !tasks.length) return;
  running = true;
  runButton.disabled = true;
  const { workers, policy, seed } = currentSettings();
  const choice = modeChoice();
  setStatus(choice.mode === 'simulated' ? 'Simulating…' : `Running in ${choice.mode} mode…`);
  timeline?.clear(workers);
  results?.pending();
  const states = statesBeforeRun(tasks);
  dag?.setStates(states);
  progressBar.hidden = false;
  progressBar.max = Math.max(tasks.length, 1);
  progressBar.value = 0;
  let done = 0;
  const seen = new Map();
  const onProgress = (events, total) => {
    const bars = [];
    for (const e of events) {
      if (e.state === 'running') { states.set(e.id, 'running'); continue; }
      const n = (seen.get(e.id) ?? 0) + 1;
      seen.set(e.id, n);
      bars.push({ task: e.id, attempt: n, worker: e.worker, start: e.start_ms, end: e.end_ms, status: e.state, state: stateOfStatus(e.state) });
      states.set(e.id, stateOfStatus(e.state));
      if (e.state === 'ok') done++;
    }
    if (bars.length) timeline?.addAttempts(bars);
    dag?.setStates(states);
    progressBar.max = Math.max(total, 1);
    progressBar.value = done;
    post({ type: 'progress', done: Math.min(done, total), total });
  };
  try {
    const result = choice.mode === 'simulated'
      ? await client.simulate(text, { workers, policy, seed })
      : await client.run(text, { workers, mode: choice.forced ? 'workers' : requestedMode, policy, seed, onProgress });
    const model = normalizeRun(result);
    timeline?.setGroups(result.groups ?? []);
    timeline?.setResult(model);
    dag?.setStates(statesAfterRun(tasks, model));
    results?.show(result, text);
    const speed = result.makespan_ms > 0 ? result.sequential_ms / result.makespan_ms : 0;
    const how = result.mode === 'simulated' ? 'Simulated exactly (nothing ran)' : `Ran in ${result.mode} mode (${MODES[result.mode]})`;
    setStatus(`${how} on ${plural(result.workers, 'worker')}: makespan ${formatMs(result.makespan_ms)} against ${formatMs(result.sequential_ms)} of work, ${speed.toFixed(2)}× speedup.`);
    root.dataset.preview = 'run';
    root.dataset.runs = String(Number(root.dataset.runs ?? 0) + 1);
    root.dataset.mode = result.mode;
    post({ type: 'progress', done: result.tasks.filter((t) => t.status === 'ok').length, total: result.tasks.length });
    post({ type: 'result', result });
    window.fanoutEmbed.lastResult = result;
    if (result.mode !== 'simulated') window.fanoutEmbed.lesson?.()?.afterRun(result);
  } catch (e) {
    const n = e.diagnostics?.length;
    setStatus(n ? `The graph has ${plural(n, 'error')}.` : `Run failed: ${e.message}`, true);
    results?.settle();
    post({ type: 'error', message: statusLine.textContent });
  } finally {
    running = false;
    runButton.disabled = false;
    progressBar.hidden = true;
  }
}

// Height: the content's own height, reported whenever it changes (the parent sizes the
// iframe to it, so there is no inner scroll bar); a fixed `height` is reported as is.
let lastHeight = -1;
function reportHeight() {
  const h = params.height ?? Math.ceil($('embed').getBoundingClientRect().bottom + window.scrollY);
  if (h !== lastHeight) {
    lastHeight = h;
    post({ type: 'height', height: h });
  }
}
// Re-measured a moment later too: a resize of the iframe can change the content's width
// (and so its wrapping) without another observation reaching us in time.
const heightObserver = new ResizeObserver(() => { reportHeight(); setTimeout(reportHeight, 150); });
heightObserver.observe($('embed'));
heightObserver.observe(document.documentElement);

window.fanoutEmbed = { params, lastResult: null, get text() { return text; }, get timeline() { return timeline; } };

async function start() {
  // Optional panels, each loaded only when asked for (the editor pulls in CodeMirror).
  const loads = [];
  if (bodies.graph) {
    loads.push(import('../app/dag-view.js').then(({ createDagView }) => {
      dag = createDagView(bodies.graph);
    }));
  }
  if (bodies.speedup) {
    loads.push(import('../app/speedup-chart.js').then(({ createSpeedupChart }) => {
      speedup = createSpeedupChart(bodies.speedup, {
        makespans: client.makespans, analyze: client.analyze, run: client.run, getText: () => text,
        getSettings: () => ({ ...currentSettings(), mode: modeChoice().mode === 'simulated' ? 'auto' : currentSettings().mode }),
        onMeasuring(busy) { runButton.disabled = busy || running; },
      });
    }));
  }
  if (bodies.editor) {
    loads.push(import('../app/editor.js').then(({ createEditor }) => {
      let timer = 0;
      editor = createEditor(bodies.editor, {
        doc: text, readOnly: readonly,
        check: async (t) => (await client.graph(t)).diagnostics,
        onChange(t) {
          text = t;
          clearTimeout(timer);
          timer = setTimeout(() => { showGraph().then((ok) => { if (ok) showPreview(); }); }, 300);
        },
      });
    }));
  }
  let lessonPanel = null;
  if (bodies.lessons) {
    // The lesson of `lesson=<id>` (a file of lessons/) or the one the fragment's link carries.
    loads.push(import('../app/lesson-panel.js').then(async ({ openLesson, lessonFromUrl }) => {
      const source = state.lesson ?? await lessonFromUrl(query.has('lesson') ? `?lesson=${encodeURIComponent(query.get('lesson'))}` : '').catch(() => null);
      if (source === null) { bodies.lessons.textContent = 'No lesson: give lesson=<id> or a link that carries one.'; return; }
      const host = {
        text: () => text,
        setText(t) { text = t; if (editor) editor.setText(t); else showGraph().then((ok) => { if (ok) showPreview(); }); },
      };
      lessonPanel = await openLesson(bodies.lessons, source, { editor: host, fanout: client, keepLayout: true });
    }));
  }
  window.fanoutEmbed.lesson = () => lessonPanel;
  const tierPromise = isolationTier();
  await Promise.all(loads);
  const tier = await tierPromise;
  const choice = modeChoice();
  const auto = requestedMode === 'auto' && !choice.forced;
  $('tier').textContent = `${tier.text} Run uses ${choice.mode} mode${auto ? '' : `: ${choice.reason}`}.`;
  $('tier').dataset.tier = String(tier.tier);
  root.dataset.tier = String(tier.tier);
  const ok = (fragment.ok || lessonPanel !== null) && await showGraph();
  if (ok) await showPreview();
  else if (!fragment.ok && !lessonPanel) setStatus(`No graph to show: ${fragment.error}.`, true);
  runButton.disabled = !ok;
  runButton.addEventListener('click', runGraph);
  workersInput.addEventListener('change', () => {
    const n = Number(workersInput.value);
    if (!Number.isInteger(n) || n < 1 || n > MAX_EMBED_WORKERS) return;
    timeline?.reserve(n);
    if (!running && root.dataset.preview !== 'run') showPreview();
  });
  root.dataset.ready = 'true';
  performance.mark('fanout-embed-ready');
  post({ type: 'ready', tier: tier.tier, mode: choice.mode, isolated: tier.isolated, reason: `${tier.text} ${choice.reason}.` });
  reportHeight();
  if (params.autorun && ok) runGraph();
}

start();
