// The Compare panel: two recent runs (run-history.js), one timeline above the other on ONE
// time scale, and a sentence saying which took longer. Guarantees:
//  - the pickers list every kept run, labelled by runLabel; a new run makes the last two the
//    pair shown (older above);
//  - both timelines fit the longer makespan, show the same window at the same ms per pixel,
//    and follow each other: zoom, pan or fit in one is applied to the other;
//  - each timeline marks its own makespan (solid) and the other run's (dashed);
//  - the sentence names both makespans, as formatMs prints them, and says when the runs ran
//    different graphs;
//  - "Compare policies" simulates the current graph with `waves` and `critical-path` (the
//    worker count and seed of the run panel), keeps both runs and shows them compared.
import { capital, formatMs, plural } from './format.js';
import { runLabel, sameTasks } from './run-history.js';
import { normalizeRun } from './run-model.js';
import { SELECTED } from './states.js';
import { createTimeline } from './timeline.js';

/** The policies "Compare policies" simulates, slow baseline first. */
export const COMPARED_POLICIES = ['waves', 'critical-path'];

/**
 * How a run is told apart from `other` in a sentence, by what differs: "waves", "threads on
 * 1 worker", "the run on 4 workers"; their numbers ("#3") when nothing does.
 */
export function runName(r, other) {
  const words = [];
  if (r.policy !== other.policy) words.push(r.policy);
  if (r.mode !== other.mode) words.push(r.mode);
  if (r.workers !== other.workers) {
    if (!words.length) words.push('the run');
    words.push(`on ${plural(r.workers, 'worker')}`);
  }
  return words.length ? words.join(' ') : `#${r.n}`;
}

const possessive = (name, ms) => (/\s/.test(name) ? `${name} (${formatMs(ms)})` : `${name}'s ${formatMs(ms)}`);

/**
 * "waves took 310 ms, 46% longer than critical-path's 212 ms." — plus a note when the runs ran
 * different graphs (or the same tasks from changed text), or had the same settings.
 */
export function compareSentence(a, b) {
  const [slow, fast] = a.makespan >= b.makespan ? [a, b] : [b, a];
  const slowName = runName(slow, fast), fastName = runName(fast, slow);
  const first = slowName.startsWith('the ') ? capital(slowName) : slowName;
  const pct = fast.makespan > 0 ? Math.round((slow.makespan / fast.makespan - 1) * 100) : null;
  let s;
  if (pct === null) s = `${first} took ${formatMs(slow.makespan)}; ${fastName} took ${formatMs(fast.makespan)}.`;
  else if (pct === 0) s = `${first} took ${formatMs(slow.makespan)}, about as long as ${possessive(fastName, fast.makespan)}.`;
  else s = `${first} took ${formatMs(slow.makespan)}, ${pct}% longer than ${possessive(fastName, fast.makespan)}.`;
  if (!sameTasks(a, b)) s += ' They ran different graphs: the task sets differ.';
  else if (a.text !== b.text) s += ' The graph text changed between them (same tasks).';
  else if (slowName.startsWith('#') && a.mode !== 'simulated') s += ' With the same settings, the difference is run-to-run variation.';
  return s;
}

/**
 * Mounts the panel in `root` (the section holding #compare-a, #compare-b, #compare-summary,
 * #compare-policies, the captions, #compare-gantt-a/-b and the zoom buttons).
 * `simulate(text, opts)` is the client's; `getInput()` gives the page's `{ text, workers, seed,
 * graph }` now (graph: parsed tasks [{ id, deps }]); `onSelect(id)` receives clicks on a bar.
 */
export function createCompare(root, { history, simulate, getInput, onSelect = () => {} }) {
  const q = (sel) => root.querySelector(sel);
  const pick = { a: q('#compare-a'), b: q('#compare-b') };
  const summary = q('#compare-summary');
  const caption = { a: q('#compare-caption-a'), b: q('#compare-caption-b') };
  const policiesButton = q('#compare-policies');
  const timelines = {};
  timelines.a = createTimeline(q('#compare-gantt-a'), { onSelect, onView: (v) => timelines.b.linkView(v), name: 'Run A timeline' });
  timelines.b = createTimeline(q('#compare-gantt-b'), { onSelect, onView: (v) => timelines.a.linkView(v), name: 'Run B timeline' });
  let shown = { a: null, b: null };

  function fillPickers() {
    const runs = history.list();
    for (const which of ['a', 'b']) {
      const sel = pick[which];
      const none = new Option(runs.length ? '—' : 'no runs yet', '');
      sel.replaceChildren(none, ...runs.map((r) => new Option(runLabel(r), String(r.n))));
      sel.disabled = !runs.length;
    }
  }

  function setSummary(text, state = '') {
    summary.textContent = text;
    summary.dataset.state = state;
  }

  function showOne(which, run, other) {
    const tl = timelines[which];
    const cap = caption[which];
    if (!run) {
      tl.setMarkers([]);
      tl.setGroups([]);
      tl.clear(1);
      cap.textContent = which === 'a' ? 'Run A: pick a run.' : 'Run B: pick a run.';
      return;
    }
    tl.setGraph(run.graph ?? []);
    tl.setGroups(run.groups ?? []);
    tl.setResult(run.model);
    const marks = [{ t: run.makespan, label: `makespan ${formatMs(run.makespan)}`, color: SELECTED }];
    if (other && other !== run) marks.push({ t: other.makespan, color: '#5b6170', dashed: true });
    tl.setMarkers(marks);
    cap.textContent = `${which.toUpperCase()}: ${runLabel(run)}`;
  }

  /** Shows runs number `na` and `nb` (either may be missing). */
  function show(na, nb) {
    const a = history.get(Number(na)), b = history.get(Number(nb));
    pick.a.value = a ? String(a.n) : '';
    pick.b.value = b ? String(b.n) : '';
    shown = { a, b };
    const longest = Math.max(a?.makespan ?? 0, b?.makespan ?? 0);
    timelines.a.setFitExtent(longest);
    timelines.b.setFitExtent(longest);
    showOne('a', a, b);
    showOne('b', b, a);
    root.dataset.a = a ? String(a.n) : '';
    root.dataset.b = b ? String(b.n) : '';
    if (a && b && a !== b) setSummary(compareSentence(a, b), 'compared');
    else if (a && b) setSummary('Both pickers show the same run: pick another one to compare.', 'same');
    else if (history.list().length === 1) setSummary('One run so far: run again with other settings, or press Compare policies.', 'one');
    else setSummary('Run or simulate the graph twice to compare two runs, or press Compare policies.', 'empty');
  }

  function showLastTwo() {
    const runs = history.list();
    show(runs[runs.length - 2]?.n ?? runs[runs.length - 1]?.n, runs.length >= 2 ? runs[runs.length - 1].n : undefined);
  }

  history.onChange(() => { fillPickers(); showLastTwo(); });
  pick.a.addEventListener('change', () => show(pick.a.value, pick.b.value));
  pick.b.addEventListener('change', () => show(pick.a.value, pick.b.value));
  q('#compare-zoom-in')?.addEventListener('click', () => timelines.a.zoomIn());
  q('#compare-zoom-out')?.addEventListener('click', () => timelines.a.zoomOut());
  q('#compare-fit')?.addEventListener('click', () => timelines.a.fit());

  let comparing = false;
  /** Simulates the current graph with each of COMPARED_POLICIES and shows the two runs. */
  async function comparePolicies() {
    if (comparing) return;
    comparing = true;
    policiesButton.disabled = true;
    const input = getInput();
    setSummary(`Simulating ${COMPARED_POLICIES.join(' and ')} on ${input.workers} workers…`, 'busy');
    try {
      const added = [];
      for (const policy of COMPARED_POLICIES) {
        const result = await simulate(input.text, { workers: input.workers, policy, seed: input.seed });
        added.push(history.add({ text: input.text, result, model: normalizeRun(result), graph: input.graph,
          settings: { workers: input.workers, mode: 'simulated', policy, seed: input.seed } }));
      }
      if (added.every(Boolean)) show(added[0].n, added[1].n);
    } catch (e) {
      const n = e.diagnostics?.length;
      setSummary(n ? `The graph has ${plural(n, 'error')}: fix ${n === 1 ? 'it' : 'them'} to compare policies.`
        : `Could not compare policies: ${e.message}`, 'error');
    } finally {
      comparing = false;
      policiesButton.disabled = false;
    }
  }
  policiesButton.addEventListener('click', comparePolicies);

  fillPickers();
  show();

  return {
    timelines,
    show, comparePolicies,
    /** Outlines task `id` in both timelines (the page's linked selection). */
    select(id) { timelines.a.select(id); timelines.b.select(id); },
    viewModel: () => ({
      runs: history.list().map((r) => ({ n: r.n, label: runLabel(r), makespan: r.makespan, attempts: r.attempts, policy: r.policy, mode: r.mode, workers: r.workers })),
      a: shown.a?.n ?? null, b: shown.b?.n ?? null, summary: summary.textContent,
      captions: [caption.a.textContent, caption.b.textContent],
      timelines: [timelines.a.viewModel(), timelines.b.viewModel()],
    }),
  };
}
