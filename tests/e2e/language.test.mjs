// The page speaks the full task-graph language: sugar runs, analysis comes back from the
// core, formats convert, and every error in a text is reported at its place.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePage } from './harness.mjs';

const MAP_REDUCE = `# split, map 4 chunks, reduce
split : cpu 10ms
chunk[1..4] : cpu 20ms after split
merge : cpu 5ms after chunk[*]
`;

describe('the full language in the page', () => {
  let page;
  usePage((p) => { page = p; });

  test('fan-out sugar declares and runs every chunk', async () => {
    const r = await page.evaluate((t) => window.fanout.run(t, { workers: 2 }), MAP_REDUCE);
    assert.deepEqual(r.tasks.map((t) => t.id), ['split', 'chunk1', 'chunk2', 'chunk3', 'chunk4', 'merge']);
    const byId = Object.fromEntries(r.tasks.map((t) => [t.id, t]));
    for (const c of ['chunk1', 'chunk2', 'chunk3', 'chunk4']) {
      assert.ok(byId[c].start_ms >= byId.split.end_ms);
      assert.ok(byId.merge.start_ms >= byId[c].end_ms);
    }
  });

  test('analyze reports work, span, the critical path and bounds', async () => {
    const { analysis, diagnostics } = await page.evaluate((t) => window.fanout.analyze(t, { workers: 4 }), MAP_REDUCE);
    assert.deepEqual(diagnostics, []);
    assert.equal(analysis.work_ms, 95);
    assert.equal(analysis.span_ms, 35);
    assert.deepEqual(analysis.critical_path, ['split', 'chunk1', 'merge']);
    assert.deepEqual(analysis.bounds.map((b) => b.workers), [1, 2, 3, 4]);
    assert.equal(analysis.bounds[1].lower_ms, 47.5);
  });

  test('every error is reported at its line and column, with a suggestion', async () => {
    const text = 'fetch : io 100ms\nparse : cpu 20ms after fetc\nparse : cpu 1ms\nreport : gpu 5ms\n';
    const diags = await page.evaluate((t) => window.fanout.check(t), text);
    const at = (line) => diags.filter((d) => d.line === line && d.severity === 'error');
    assert.match(at(2)[0].message, /fetc/);
    assert.match(at(2)[0].message, /did you mean `fetch`/i);
    assert.match(at(3)[0].message, /parse/);
    assert.match(at(4)[0].message, /gpu/);
    assert.equal(at(2)[0].col, 24);
  });

  test('STG imports and exports to .dag and JSON', async () => {
    const stg = '2\n0 0 0\n1 5 1 0\n2 7 1 0\n3 0 2 1 2\n';
    const dag = await page.evaluate((t) => window.fanout.convert(t, { from: 'stg', to: 'dag' }), stg);
    assert.deepEqual(dag.diagnostics, []);
    const json = await page.evaluate((t) => window.fanout.convert(t, { from: 'dag', to: 'json' }), dag.text);
    assert.equal(JSON.parse(json.text).tasks.length, 4);
    const r = await page.evaluate((t) => window.fanout.run(t, { workers: 2 }), dag.text);
    assert.equal(r.tasks.length, 4);
  });
});
