// The lesson panel (docs/lessons.md): `?lesson=<id>` (a file of lessons/) or
// `?lesson-url=<url>` opens a lesson beside the editor, with its prose, its questions
// (Check, Hint, Show answer), the reader's progress in localStorage (with a reset), and,
// after Run, the claim's verdict on the simulation and on the real run with a sentence on
// the gap between them. The lesson menu lists lessons/index.json.
import { parseLesson } from '../shared/lesson/parse.js';
import { createSession, scaleDurations } from '../shared/lesson/session.js';
import { checkAnswer, formatAnswer, gapSentence, interpolate, questionSession, showAnswer } from '../shared/lesson/check.js';
import { encodeShare } from '../shared/share-link.js';

const PROGRESS = 'fanout.lesson.';
/** Where the text of each lesson opened is kept, so it opens again offline. */
const TEXTS = 'fanout.lesson-text.';

/** Reads a lesson's saved progress: `{ [questionId]: { ok, answer } }`. */
export function loadProgress(id, storage = localStorage) {
  try { return JSON.parse(storage.getItem(PROGRESS + id) ?? '{}') ?? {}; } catch { return {}; }
}

function saveProgress(id, progress) {
  try { localStorage.setItem(PROGRESS + id, JSON.stringify(progress)); } catch { /* private mode: progress lives in the page */ }
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/** Inline Markdown (code, emphasis, bold) as DOM nodes: text only, never HTML. */
function inline(text) {
  const out = [];
  for (const part of String(text).split(/(`[^`]+`|\*\*[^*]+\*\*|\*[^*]+\*)/)) {
    if (!part) continue;
    if (/^`.*`$/.test(part)) out.push(el('code', {}, part.slice(1, -1)));
    else if (/^\*\*.*\*\*$/.test(part)) out.push(el('strong', {}, part.slice(2, -2)));
    else if (/^\*.*\*$/.test(part)) out.push(el('em', {}, part.slice(1, -1)));
    else out.push(part);
  }
  return out;
}

function prose(text) {
  const frag = document.createDocumentFragment();
  for (const para of text.split(/\n\s*\n/)) {
    const t = para.trim();
    const h = /^(#{1,4})\s+(.*)$/.exec(t);
    if (h) frag.append(el(`h${Math.min(6, h[1].length + 2)}`, {}, ...inline(h[2])));
    else if (/^```/.test(t)) frag.append(el('pre', {}, t.replace(/^```.*\n?|```$/g, '')));
    else if (t) frag.append(el('p', {}, ...inline(t.replace(/\s*\n\s*/g, ' '))));
  }
  return frag;
}

/** The page's core, as the lesson modules want it. */
export function pageCore(fanout) {
  return {
    simulate: (t, o) => fanout.simulate(t, o),
    analyze: (t, w) => fanout.analyze(t, { workers: w }),
    check: (t) => fanout.check(t),
    parse: (t) => fanout.graph(t),
  };
}

/**
 * Opens the lesson panel in `host` for lesson text `source`; `editor` is the page's editor
 * ({ text(), setText() }), `fanout` the client API; `keepLayout` leaves the page's layout
 * alone (the embed). Returns `{ lesson, views, afterRun(result), reset() }`.
 */
export async function openLesson(host, source, { editor, fanout, seed, keepLayout = false, setWorkers = () => {} }) {
  const lesson = parseLesson(source);
  // A lesson's graph runs on the workers it declares (`workers 3`): the run panel follows it,
  // so Run does what the questions are about.
  const load = (text) => {
    editor.setText(text);
    const declared = /^[ \t]*workers[ \t]+(\d+)[ \t]*(#.*)?$/m.exec(text);
    if (declared) setWorkers(Number(declared[1]));
  };
  const core = pageCore(fanout);
  // Real runs, one per graph and settings until the next Run: every question about a real
  // run is judged on the same runs.
  const runs = new Map();
  const run = (t, o) => {
    const key = JSON.stringify([t, o]);
    if (!runs.has(key)) runs.set(key, fanout.run(t, Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))));
    return runs.get(key);
  };
  const id = lesson.meta.id ?? 'untitled';
  let progress = loadProgress(id);
  // Random question parameters are drawn once per reader and kept with the progress.
  if (!Number.isInteger(progress.__seed)) progress.__seed = seed ?? 1 + Math.floor(Math.random() * 1e9);
  seed = progress.__seed;
  const session = createSession(lesson, core);
  host.replaceChildren();
  host.hidden = false;
  if (!keepLayout) document.body.classList.add('with-lesson');
  host.setAttribute('aria-label', `Lesson: ${lesson.meta.title ?? id}`);
  if (lesson.errors.length) {
    host.append(el('h2', {}, 'This lesson has errors'), el('ul', { class: 'lesson-errors' }, ...lesson.errors.map((e) => el('li', {}, `line ${e.line}, column ${e.col}: ${e.message}`))));
    return { lesson, views: new Map(), afterRun: async () => {}, reset() {}, scaled: (t) => t };
  }
  const main = lesson.graphs.find((g) => g.name === lesson.main);
  load(main.text);
  const status = el('p', { class: 'lesson-progress', role: 'status', 'aria-live': 'polite' });
  const updateStatus = () => {
    const n = lesson.questions.filter((q) => progress[q.id]?.ok === true).length;
    status.textContent = `${n} of ${lesson.questions.length} questions answered right.`;
  };
  try { localStorage.setItem(TEXTS + id, source); } catch { /* storage full or off */ }
  const shareField = el('input', { type: 'text', readonly: true, hidden: true, class: 'share-link', 'aria-label': 'Link to this lesson' });
  const shareButton = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Share this whole lesson as a link', onclick: () => {
    try {
      const fragment = encodeShare({ text: main.text, settings: {}, lesson: source });
      const u = new URL(location.href);
      u.search = '';
      u.hash = fragment;
      shareField.value = u.href;
      shareField.hidden = false;
      shareField.select();
      navigator.clipboard?.writeText(u.href).catch(() => {});
    } catch (e) { status.textContent = e.message; }
  } }, 'Share lesson');
  const resetButton = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Reset this lesson\'s progress', onclick: () => api.reset() }, 'Reset progress');
  host.append(
    el('div', { class: 'panel-head' }, el('h2', { id: 'lesson-title' }, lesson.meta.title), el('span', { class: 'lesson-buttons' }, shareButton, resetButton)),
    shareField,
    el('p', { class: 'lesson-meta' }, `${lesson.meta.level} · about ${lesson.meta.minutes} min · ${(lesson.meta.topics ?? []).join(', ')}`),
    status,
  );
  const views = new Map();
  for (const part of lesson.parts) {
    if (part.type === 'prose') host.append(prose(await interpolate(part.text, session, {}, { lenient: true })));
    else if (part.type === 'graph') {
      const g = lesson.graphs.find((x) => x.name === part.name);
      host.append(el('figure', { class: 'lesson-graph' },
        el('figcaption', {}, `Graph “${g.name}”${g.broken ? ' (broken on purpose)' : ''} `,
          el('button', { type: 'button', class: 'secondary', 'aria-label': `Load graph ${g.name} into the editor`, onclick: () => load(g.text) }, 'Load into the editor')),
        el('pre', {}, g.text)));
    } else if (part.type === 'question') {
      const q = lesson.questions.find((x) => x.id === part.id);
      const box = el('fieldset', { class: `lesson-question ${q.when}`, 'data-question': q.id });
      const { session: qs, vars } = questionSession(lesson, q, core, { seed });
      const legend = el('legend', {}, q.when === 'predict' ? 'Predict: ' : '', await interpolate(q.ask, qs, vars));
      const feedback = el('p', { class: 'lesson-feedback', role: 'status', 'aria-live': 'polite' });
      let input;
      if (q.kind === 'numeric') {
        input = el('input', { type: 'text', inputmode: 'decimal', 'aria-label': `Your answer${q.unit ? ` in ${q.unit}` : ''}`, value: progress[q.id]?.answer ?? '' });
        box.append(legend, el('label', {}, input, q.unit ? ` ${q.unit}` : ''));
      } else if (q.kind === 'choice') {
        box.append(legend);
        for (let i = 0; i < q.choices.length; i++) {
          const radio = el('input', { type: 'radio', name: `q-${q.id}`, value: String(i), checked: progress[q.id]?.answer === i });
          box.append(el('label', { class: 'lesson-choice' }, radio, ' ', await interpolate(q.choices[i].text, qs, vars)));
        }
      } else {
        box.append(legend, el('p', { class: 'hint' }, 'Edit the graph in the editor, then Check.'));
      }
      const answerOf = () => (q.kind === 'numeric' ? input.value : q.kind === 'choice' ? Number(box.querySelector('input[type=radio]:checked')?.value ?? -1) : editor.text());
      const check = async () => {
        feedback.textContent = 'Checking…';
        try {
          const r = await checkAnswer(lesson, q, answerOf(), core, { seed, run });
          feedback.textContent = (r.ok ? '✓ ' : '✗ ') + r.message;
          feedback.dataset.ok = String(r.ok);
          progress[q.id] = { ok: r.ok, answer: q.kind === 'challenge' ? null : answerOf() };
          saveProgress(id, progress);
          updateStatus();
        } catch (e) {
          feedback.textContent = e.message;
          feedback.dataset.ok = 'pending';
        }
      };
      const hint = el('p', { class: 'lesson-hint', hidden: true, 'data-empty': q.hint ? undefined : 'true' }, q.hint || 'No hint for this one.');
      box.append(el('div', { class: 'lesson-actions' },
        el('button', { type: 'button', 'aria-label': `Check the answer to: ${q.ask}`, onclick: check }, 'Check'),
        el('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', onclick: (e) => { hint.hidden = !hint.hidden; e.target.setAttribute('aria-expanded', String(!hint.hidden)); } }, 'Hint'),
        el('button', { type: 'button', class: 'secondary', onclick: async () => {
          try {
            const a = await showAnswer(lesson, q, core, { seed });
            feedback.textContent = q.kind === 'numeric' ? `The answer: ${formatAnswer(a, q.unit)}. ${await interpolate(q.explain, qs, vars)}` : q.kind === 'choice' ? `The answer: ${q.choices[a]?.text ?? 'it depends on the real run: press Run'}` : a ? 'One solution is now in the editor.' : 'No solution is given.';
            if (q.kind === 'challenge' && a) load(a);
          } catch (e) { feedback.textContent = e.message; }
        } }, 'Show answer')), hint, feedback);
      if (progress[q.id]) { feedback.textContent = progress[q.id].ok ? '✓ Answered right before.' : '✗ Not yet right.'; feedback.dataset.ok = String(progress[q.id].ok); }
      if (q.kind === 'numeric') input.addEventListener('keydown', (e) => { if (e.key === 'Enter') check(); });
      views.set(q.id, { box, check });
      host.append(box);
    } else if (part.type === 'claim') {
      host.append(el('section', { class: 'lesson-claim', 'aria-labelledby': 'lesson-claim-head' },
        el('h3', { id: 'lesson-claim-head' }, 'What the run shows'),
        el('p', { class: 'lesson-verdict', id: 'lesson-verdict', role: 'status', 'aria-live': 'polite' }, 'Predict first, then press Run: the verdict appears here, exact (simulated) and measured figures side by side.')));
    }
  }
  updateStatus();
  const scale = lesson.meta.real_scale ?? 1;
  const api = {
    lesson,
    views,
    /** `text` as the lesson's real runs run it: durations times its `real_scale`. */
    scaled: (text) => scaleDurations(text, scale),
    /** After a real run of the editor's graph: the claim checked on the simulation and on
     *  real runs, the explanation, and the gap between the simulated and the real timeline. */
    async afterRun(realResult) {
      const verdict = host.querySelector('#lesson-verdict');
      if (!verdict) return;
      verdict.textContent = 'Checking the claim on the simulation and on real runs…';
      runs.clear();
      const s = createSession(lesson, core, { run });
      try {
        const sim = await s.eval(lesson.claim.sim);
        const real = lesson.claim.real ? await s.eval(lesson.claim.real) : null;
        const explain = await interpolate(lesson.claim.explain, s);
        let gap = '';
        if (realResult) {
          const text = scaleDurations(editor.text(), scale);
          const exact = await core.simulate(text, { workers: realResult.workers });
          // The same schedule charging the pool's measured dispatch cost (none measured, or a
          // pipelined graph: no dispatch_ms, and the sentence leaves it out).
          const priced = await core.simulate(text, { workers: realResult.workers, mode: realResult.mode, dispatch: 'measured' }).catch(() => null);
          gap = ' ' + gapSentence(exact, realResult, 1, priced);
          if (scale !== 1) gap += ` (This Run scaled every duration by ${scale}, as the lesson says; the claim's figures are scaled back.)`;
        }
        verdict.textContent = `Simulation (exact): ${sim ? 'the claim holds' : 'the claim does not hold'}. Real run (measured): ${real === null ? 'not checked' : real ? 'the claim holds' : 'the claim does not hold this time'}. ${explain}${gap}`;
        verdict.dataset.sim = String(sim);
        verdict.dataset.real = String(real);
      } catch (e) {
        verdict.textContent = e.message;
      }
    },
    reset() {
      progress = { __seed: seed };
      saveProgress(id, progress);
      for (const { box } of views.values()) {
        box.querySelectorAll('input[type=text]').forEach((i) => { i.value = ''; });
        box.querySelectorAll('input[type=radio]').forEach((i) => { i.checked = false; });
        const f = box.querySelector('.lesson-feedback');
        f.textContent = '';
        delete f.dataset.ok;
      }
      updateStatus();
    },
  };
  return api;
}

/** Fills the lesson menu from lessons/index.json; choosing one opens `?lesson=<id>`. */
export async function fillLessonMenu(select) {
  try {
    const index = await (await fetch(new URL('lessons/index.json', document.baseURI))).json();
    for (const l of index) select.append(el('option', { value: l.id }, `${l.title} (${l.level})`));
  } catch { select.disabled = true; }
  select.addEventListener('change', () => {
    if (!select.value) return;
    const u = new URL(location.href);
    u.searchParams.set('lesson', select.value);
    u.hash = '';
    location.assign(u.href);
  });
}

/** The lesson text a page's URL asks for (`?lesson=<id>` or `?lesson-url=<url>`), or null. */
export async function lessonFromUrl(search = location.search) {
  const q = new URLSearchParams(search);
  const id = q.get('lesson');
  const url = q.get('lesson-url');
  if (id && /^[a-z0-9][a-z0-9-]*$/.test(id)) {
    // Offline, a lesson opened before comes from storage.
    try {
      const r = await fetch(new URL(`lessons/${id}.md`, document.baseURI));
      if (!r.ok) throw new Error(`there is no lesson \`${id}\` (${r.status})`);
      return await r.text();
    } catch (e) {
      const kept = (() => { try { return localStorage.getItem(TEXTS + id); } catch { return null; } })();
      if (kept !== null) return kept;
      throw e;
    }
  }
  if (url) return (await fetch(url)).text();
  return null;
}
