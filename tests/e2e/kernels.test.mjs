// Real kernels in every mode, with outputs checked against known values, and the
// race-condition lesson: a shared counter loses updates with plain increments in threads
// mode, never with atomic ones, and cannot race in workers mode (separate memories).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { open, usePage } from './harness.mjs';

const MAP_REDUCE = 'p[1..8] : primes 0..1M\ntotal : cpu 0ms reduce sum after p[*]\n';
const value = (r, id) => r.tasks.find((t) => t.id === id).value;
const hashes = {};

for (const [mode, isolation] of [['threads', true], ['workers', false], ['async', false]]) {
  describe(`${mode} mode: kernels`, () => {
    let page;
    usePage((p) => { page = p; }, { isolation });
    const run = (text, workers = 2) => page.evaluate(([t, o]) => window.fanout.run(t, o), [text, { workers, mode }]);

    test('8 parts of primes below 1,000,000 add up to 78,498', async () => {
      const r = await run(MAP_REDUCE);
      assert.equal(r.result.total, 78_498);
      assert.equal(value(r, 'total'), 78_498);
    });

    test('mandelbrot bands add up to the whole image; wordcount chunks to the text', async () => {
      const r = await run('band[1..6] : mandelbrot 240 iter 200\nwhole : mandelbrot 240 iter 200\nbands : cpu 0ms reduce sum after band[*]\nw[1..4] : wordcount\nwords : cpu 0ms reduce sum after w[*]');
      assert.equal(value(r, 'bands'), value(r, 'whole'));
      assert.ok(value(r, 'whole') > 0);
      assert.equal(value(r, 'words'), 213);
    });

    test('hash and sort give the same values in every mode', async () => {
      const r = await run('h : hash 1M\ns : sort 100k');
      hashes[mode] = [value(r, 'h'), value(r, 's')];
      const first = Object.values(hashes)[0];
      assert.deepEqual(hashes[mode], first);
    });

    test('atomic increments never lose an update', async () => {
      const r = await run('c[1..4] : counter 300k atomic');
      assert.deepEqual(r.counter, { expected: 1_200_000, actual: 1_200_000, lost: 0 });
    });
  });
}

describe('the race: plain increments on shared memory', () => {
  test('threads mode loses updates; workers mode cannot race', async (t) => {
    const shared = await open({ isolation: true });
    const separate = await open({ isolation: false });
    try {
      const p1 = await shared.newPage();
      let lost = 0;
      for (let i = 0; i < 6 && lost === 0; i++) {
        const r = await p1.evaluate(() => window.fanout.run('c[1..2] : counter 5M plain', { workers: 2, mode: 'threads' }));
        assert.equal(r.counter.expected, 10_000_000);
        lost = r.counter.lost;
      }
      t.diagnostic(`threads, plain: ${lost} of 10,000,000 updates lost`);
      assert.ok(lost > 0, 'two threads incrementing one counter without atomics lose updates');
      const p2 = await separate.newPage();
      const w = await p2.evaluate(() => window.fanout.run('c[1..2] : counter 5M plain', { workers: 2, mode: 'workers' }));
      assert.deepEqual(w.counter, { expected: 10_000_000, actual: 10_000_000, lost: 0 }, 'each worker counts alone; the sum is exact');
    } finally {
      await shared.close();
      await separate.close();
    }
  });
});
