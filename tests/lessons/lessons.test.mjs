// Every lesson parses, its graphs are valid (the broken one fails naming its cycle), its
// claim holds on the exact simulation, and every question's checker accepts the right
// answer and rejects a wrong one, also after the lesson's durations change and for several
// random draws. Questions and claims about real runs are checked in headless Chromium
// (tests/e2e/lessons-claims.test.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { core, lessons, ROOT } from './core.mjs';
import { calls, parseExpr, evaluate, ExprError } from '../../www/shared/lesson/expr.js';
import { parseLesson } from '../../www/shared/lesson/parse.js';
import { createSession, scaleDurations } from '../../www/shared/lesson/session.js';
import { checkAnswer, showAnswer, gapSentence, readNumber } from '../../www/shared/lesson/check.js';

const IDS = ['independent-analyses', 'maestro', 'granularity', 'research-assistant', 'decision-grid', 'map-reduce', 'limit-vs-rate', 'partial-failure', 'race-counter', 'circular-dependency', 'waves-vs-eager', 'amdahl', 'cpu-vs-io', 'critical-path'];
const REAL = new Set(['real', 'real_speedup', 'lost', 'updates', 'real_value', 'real_done', 'real_failed', 'real_share']);
const needsRun = (tree) => tree && calls(tree).some((c) => REAL.has(c.name));
const questionNeedsRun = (q) => [q.answer, q.goal, ...q.choices.map((c) => c.if)].some(needsRun);
const all = lessons();

test('the fourteen lessons of issue 13 are there, each parses, and the index lists them', () => {
  assert.deepEqual(all.map((l) => l.lesson.meta.id).sort(), [...IDS].sort());
  const index = JSON.parse(readFileSync(`${ROOT}lessons/index.json`, 'utf8'));
  assert.deepEqual(index.map((l) => l.id).sort(), [...IDS].sort());
  for (const { file, lesson } of all) {
    assert.deepEqual(lesson.errors, [], file);
    assert.equal(`${lesson.meta.id}.md`, file);
    const entry = index.find((l) => l.id === lesson.meta.id);
    assert.equal(entry.title, lesson.meta.title, file);
    assert.ok(lesson.questions.some((q) => q.when === 'predict'), `${file}: predict before run`);
    assert.ok(lesson.claim?.sim && lesson.claim?.real && lesson.claim.explain, `${file}: a claim on the simulation and on a real run, explained`);
  }
});

test('every graph is valid, except the broken one, which names its whole cycle', async () => {
  for (const { file, lesson } of all) {
    for (const g of lesson.graphs) {
      const errors = (await core.check(g.text)).filter((d) => d.severity === 'error');
      if (g.broken) {
        assert.equal(file, 'circular-dependency.md');
        assert.match(errors[0].message, /configure -> generate -> compile -> configure/);
      } else assert.deepEqual(errors, [], `${file} ${g.name}`);
    }
  }
});

test('every claim holds on the exact simulation', async () => {
  for (const { file, lesson } of all) {
    assert.equal(await createSession(lesson, core).eval(lesson.claim.sim), true, `${file}: ${lesson.claim.simSource}`);
  }
});

/** The lesson with every duration of every graph multiplied by `f`. */
const scaled = (lesson, f) => ({ ...lesson, graphs: lesson.graphs.map((g) => ({ ...g, text: g.broken ? g.text : scaleDurations(g.text, f) })) });

async function checkQuestion(file, lesson, q, seed) {
  const at = `${file} ${q.id} seed ${seed}`;
  if (q.kind === 'numeric') {
    const want = await showAnswer(lesson, q, core, { seed });
    assert.ok(Number.isFinite(want), at);
    const text = q.unit === 's' ? `${want / 1000} s` : String(want);
    assert.equal((await checkAnswer(lesson, q, text, core, { seed })).ok, true, `${at}: accepts ${text}`);
    const wrong = want * 1.5 + 7;
    assert.equal((await checkAnswer(lesson, q, String(q.unit === 's' ? wrong / 1000 : wrong), core, { seed })).ok, false, `${at}: rejects ${wrong}`);
    assert.equal((await checkAnswer(lesson, q, 'twelve', core, { seed })).ok, false, at);
    return want;
  }
  if (q.kind === 'choice') {
    const right = await showAnswer(lesson, q, core, { seed });
    assert.ok(right >= 0, `${at}: one choice is right`);
    const truths = [];
    for (let i = 0; i < q.choices.length; i++) truths.push((await checkAnswer(lesson, q, i, core, { seed })).ok);
    assert.equal(truths.filter(Boolean).length, 1, `${at}: exactly one right choice ${truths}`);
    assert.equal(truths[right], true, at);
    return right;
  }
  const original = lesson.graphs.find((g) => g.name === q.graph).text;
  assert.equal((await checkAnswer(lesson, q, original, core, { seed })).ok, false, `${at}: the unchanged graph does not meet the goal`);
  assert.equal((await checkAnswer(lesson, q, 'a : cpu 1 after nope', core, { seed })).ok, false, at);
  const solution = await showAnswer(lesson, q, core, { seed });
  assert.ok(solution, `${at}: a challenge has a solution block`);
  assert.equal((await checkAnswer(lesson, q, solution, core, { seed })).ok, true, `${at}: the solution meets the goal`);
  return null;
}

test("every question's checker accepts the right answer and rejects a wrong one, for several draws and after durations change", async () => {
  let checked = 0;
  let changed = 0;
  for (const { file, lesson } of all) {
    for (const q of lesson.questions) {
      if (questionNeedsRun(q)) continue; // checked against a real run in Chromium
      for (const seed of q.random.length ? [1, 2, 3, 4] : [1]) {
        const before = await checkQuestion(file, lesson, q, seed);
        checked++;
        if (q.kind === 'challenge') continue;
        // A teacher changes the durations: answers follow, with no edit to the questions.
        const other = scaled(lesson, 1.37);
        const after = await checkQuestion(file, other, q, seed);
        if (q.kind === 'numeric' && Math.abs(after - before) > Math.max(1, 0.05 * Math.abs(before))) {
          changed++;
          assert.equal((await checkAnswer(other, q, String(q.unit === 's' ? before / 1000 : before), core, { seed })).ok, false, `${file} ${q.id}: the old answer is wrong now`);
        }
      }
    }
  }
  assert.ok(checked >= 30, `${checked} questions checked`);
  assert.ok(changed >= 15, `${changed} answers followed a change of durations`);
});

test('random parameters are drawn per seed and the check follows the draw', async () => {
  const { lesson } = all.find((l) => l.file === 'decision-grid.md');
  const q = lesson.questions.find((x) => x.id === 'random-workers');
  const answers = new Set();
  for (let seed = 1; seed <= 12; seed++) answers.add(await showAnswer(lesson, q, core, { seed }));
  assert.ok(answers.size >= 3, `different draws, different answers: ${[...answers]}`);
});

test('the expression evaluator is safe and reports columns', async () => {
  assert.equal(await evaluate('2s + 300ms * 2 - 1 ^ 2'), 2599);
  assert.equal(await evaluate('max(1, 2) == 2 && !(1 > 2)'), true);
  assert.equal(await evaluate('50%'), 0.5);
  for (const bad of ['constructor', 'this.x', '1 +', 'a[0]', '"x".length', 'globalThis', '(1']) {
    await assert.rejects(evaluate(bad), ExprError, bad);
  }
  assert.throws(() => parseExpr('1 + $'), /column 5/);
  await assert.rejects(createSession(all[0].lesson, core).eval('nosuch(1)'), /unknown function `nosuch`/);
  // Every policy the language has is a policy argument, not a graph name.
  const ws = await createSession(all[0].lesson, core).eval("makespan(2, 'work-stealing')");
  assert.ok(ws > 0, `work-stealing makespan ${ws}`);
  assert.equal(readNumber('2.5 s'), 2500);
  assert.equal(readNumber('300', 'ms'), 300);
  assert.equal(readNumber('3', 's'), 3000);
});

test('a malformed lesson gets located errors', () => {
  const l = parseLesson('---\nid: Bad Id\ntitle: t\n---\n```question\nid: q\nkind: numeric\nask: x?\nanswer: makespan(2 +\n```\n```question\nkind: maybe\nbogus: 1\n```\n');
  const msgs = l.errors.map((e) => `${e.line}:${e.col} ${e.message}`);
  assert.ok(msgs.some((m) => /^2:1 the id `Bad Id`/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /^9:\d+ in the expression `makespan\(2 \+`/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /^13:1 unknown key `bogus`/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /kind` is one of numeric, choice, challenge, not `maybe`/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /needs a ```fanout graph block/.test(m)), msgs.join('\n'));
});

test('the gap sentence is built from the numbers', () => {
  const s = gapSentence({ makespan_ms: 1000 }, { makespan_ms: 1300, tasks: new Array(10), startup_ms: 40, cpu_share: { share: 0.6 } });
  assert.match(s, /1\.3 s, 300 ms \(30 %\) more than the exact simulation's 1 s: about 30 ms per task over 10 tasks/);
  assert.match(s, /starting the workers took 40 ms/);
  assert.match(s, /only 60 % of the CPU time/);
  assert.doesNotMatch(s, /dispatch/, 'no dispatch cost given, none named');
  const p = gapSentence({ makespan_ms: 1000 }, { makespan_ms: 1300, tasks: new Array(10) }, 1, { makespan_ms: 1100, dispatch_ms: 20 });
  assert.match(p, /the pool's dispatch cost, 20 ms per attempt as the pool measured it over its latest runs, accounts for 100 ms of it \(33 %\)/);
  const faster = gapSentence({ makespan_ms: 1000 }, { makespan_ms: 990, tasks: new Array(10) }, 1, { makespan_ms: 1100, dispatch_ms: 20 });
  assert.doesNotMatch(faster, /dispatch/, 'a run no slower than the simulation has no gap to explain');
  const close = gapSentence({ makespan_ms: 1000 }, { makespan_ms: 1010, tasks: new Array(10) }, 1, { makespan_ms: 1001, dispatch_ms: 0.1 });
  assert.match(close, /within 1 %/);
  assert.doesNotMatch(close, /dispatch/, 'a gap within the noise is not explained');
  const slowKernels = gapSentence({ makespan_ms: 10 }, { makespan_ms: 14, tasks: new Array(8), kernel_share: { share: 0.7 } });
  assert.match(slowKernels, /the kernel tasks ran at 70 % of their modelled speed, more than the model's error/);
  const modelKernels = gapSentence({ makespan_ms: 10 }, { makespan_ms: 14, tasks: new Array(8), kernel_share: { share: 0.9 } });
  assert.match(modelKernels, /the kernel tasks ran at 90 % of their modelled speed, within the model's error/);
  // Faster than the model's error (a calibration taken while V8 was still compiling): not "within".
  const fastKernels = gapSentence({ makespan_ms: 10 }, { makespan_ms: 14, tasks: new Array(8), kernel_share: { share: 1.5 } });
  assert.match(fastKernels, /the kernel tasks ran at 150 % of their modelled speed, faster than the model's error allows, so their calibration priced them slower than they ran/);
  assert.doesNotMatch(gapSentence({ makespan_ms: 10 }, { makespan_ms: 10.1, tasks: new Array(8), kernel_share: { share: 0.7 } }), /kernel/,
    'no gap, no kernel speed to explain it');
});

test("every {expression} in a lesson's prose, questions and claim evaluates", async () => {
  const { interpolate } = await import('../../www/shared/lesson/check.js');
  const { questionSession } = await import('../../www/shared/lesson/check.js');
  for (const { file, lesson } of all) {
    const s = createSession(lesson, core);
    for (const p of lesson.parts.filter((x) => x.type === 'prose')) {
      assert.doesNotMatch(await interpolate(p.text, s, {}, { lenient: true }), /\{[^}]*: [^}]*\}/, file);
    }
    for (const q of lesson.questions) {
      const { session, vars } = questionSession(lesson, q, core, { seed: 3 });
      for (const t of [q.ask, q.explain, ...q.choices.map((c) => c.text)]) {
        const out = await interpolate(t, session, vars);
        assert.doesNotMatch(out, /\{[^}]*(unknown|error|column)[^}]*\}/, `${file} ${q.id}: ${out}`);
      }
    }
    assert.doesNotMatch(await interpolate(lesson.claim.explain, s), /\{[^}]*(unknown|error|column)[^}]*\}/, file);
  }
});

test("docs/lessons.md's template is a valid lesson whose claim holds and whose question checks", async () => {
  const doc = readFileSync(`${ROOT}docs/lessons.md`, 'utf8');
  const template = /````markdown\n([\s\S]*?)\n````/.exec(doc)[1]; // as a teacher copies it, comments and all
  const lesson = parseLesson(template);
  assert.deepEqual(lesson.errors, []);
  assert.equal(await createSession(lesson, core).eval(lesson.claim.sim), true);
  const q = lesson.questions[0];
  assert.equal((await checkAnswer(lesson, q, '1.2 s', core)).ok, true);
  assert.equal((await checkAnswer(lesson, q, '2 s', core)).ok, false);
});
