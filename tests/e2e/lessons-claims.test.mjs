// Every lesson's claim on a real run in headless Chromium, as a band or an ordering, and
// every question that needs a real run checked against one (the simulation side is in
// tests/lessons/). Prints, per lesson, the simulated and measured figures the claim rests on
// and writes them to test-artifacts/lesson-figures.json.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { ARTIFACTS, usePage } from './harness.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const files = readdirSync(`${ROOT}lessons`).filter((f) => f.endsWith('.md')).sort();
const figures = {};

describe('lessons: each claim holds on a real run', () => {
  let page;
  usePage((p) => { page = p; });

  for (const file of files) {
    test(file, async () => {
      const text = readFileSync(`${ROOT}lessons/${file}`, 'utf8');
      const out = await page.evaluate(async (source) => {
        const { parseLesson } = await import('/shared/lesson/parse.js');
        const { createSession } = await import('/shared/lesson/session.js');
        const { checkAnswer } = await import('/shared/lesson/check.js');
        const { calls } = await import('/shared/lesson/expr.js');
        const f = window.fanout;
        const core = {
          simulate: (t, o) => f.simulate(t, o),
          analyze: (t, w) => f.analyze(t, { workers: w }),
          check: (t) => f.check(t),
          parse: (t) => f.graph(t),
        };
        // One run per graph and settings for the questions of a try, as the page does.
        const runs = new Map();
        const run = (t, o) => {
          const key = JSON.stringify([t, o]);
          if (!runs.has(key)) runs.set(key, f.run(t, Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))));
          return runs.get(key);
        };
        const lesson = parseLesson(source);
        const tries = [];
        let held = false;
        let session;
        for (let i = 0; i < lesson.claim.runs + 1 && !held; i++) {
          runs.clear();
          session = createSession(lesson, core, { run });
          // The simulated side in the same session, so its figures are reported beside.
          const simHeld = await session.eval(lesson.claim.sim);
          held = simHeld === true && await session.eval(lesson.claim.real);
          const sims = {};
          const reals = {};
          for (const [key, p] of session.cache) {
            const r = await p;
            if (key.startsWith('sim|')) sims[key.slice(4)] = r.makespan_ms;
            if (key.startsWith('an|')) sims[`${key.slice(3)} work/span`] = `${r.work_ms}/${r.span_ms}`;
            if (key.startsWith('run|')) reals[key.slice(4)] = { makespan_ms: +(r.makespan_ms / session.scale).toFixed(1), mode: r.mode, lost: r.counter?.lost, cpu_share: r.cpu_share?.share, ok: r.tasks.filter((t) => t.status === 'ok').length, failed: r.tasks.filter((t) => t.status === 'failed' || t.status === 'timeout').length, result: r.result };
          }
          tries.push({ held, sims, reals });
        }
        // Questions that need a real run, checked against this session's runs.
        const REAL = new Set(['real', 'real_speedup', 'lost', 'updates', 'real_value', 'real_done', 'real_failed', 'real_share']);
        const needs = (tree) => tree && calls(tree).some((c) => REAL.has(c.name));
        const questions = [];
        for (const q of lesson.questions) {
          if (![q.answer, q.goal, ...q.choices.map((c) => c.if)].some(needs)) continue;
          if (q.kind === 'choice') {
            const oks = [];
            for (let i = 0; i < q.choices.length; i++) oks.push((await checkAnswer(lesson, q, i, core, { run })).ok);
            questions.push({ id: q.id, kind: q.kind, oks });
          } else if (q.kind === 'challenge') {
            const original = lesson.graphs.find((g) => g.name === q.graph).text;
            const solution = lesson.graphs.find((g) => g.solution === q.id).text;
            questions.push({ id: q.id, kind: q.kind, original: (await checkAnswer(lesson, q, original, core, { run })).ok, solution: (await checkAnswer(lesson, q, solution, core, { run })).ok });
          }
        }
        return { held, tries, claim: lesson.claim.realSource, questions };
      }, text);
      figures[file] = out;
      console.log(`${file}: ${out.held ? 'holds' : 'FAILS'} (${out.tries.length} tr${out.tries.length > 1 ? 'ies' : 'y'})\n  claim: ${out.claim}\n  simulated: ${JSON.stringify(out.tries.at(-1).sims)}\n  measured: ${JSON.stringify(out.tries.at(-1).reals)}`);
      assert.equal(out.held, true, `${file}: ${out.claim}\n${JSON.stringify(out.tries, null, 1)}`);
      for (const q of out.questions) {
        if (q.kind === 'choice') assert.equal(q.oks.filter(Boolean).length, 1, `${file} ${q.id}: exactly one choice is right on the real run: ${q.oks}`);
        else {
          assert.equal(q.original, false, `${file} ${q.id}: the unchanged graph fails the real goal`);
          assert.equal(q.solution, true, `${file} ${q.id}: the solution meets the real goal`);
        }
      }
    });
  }

  test('figures written', () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(`${ARTIFACTS}lesson-figures.json`, JSON.stringify(figures, null, 1));
    assert.equal(Object.keys(figures).length, files.length);
  });
});
