// `npm test`: installs what is missing (toolchain pieces, npm packages, Chromium and its
// driver), builds both wasm builds, the page bundle and the static site dist/, then runs
// every suite in turn:
//   1. native Rust tests (cargo test): the core;
//   2. the wasm layer in headless Chromium (wasm-bindgen-test), plain and threaded builds;
//   3. the lessons (node --test tests/lessons: parser, checkers, simulated claims, on the plain wasm);
//   4. end-to-end tests of the served page (node --test + playwright-core), and the exported
//      Dask and asyncio scripts run in a Python venv (scripts/lib/python.mjs).
// Every suite runs even if an earlier one failed; the exit code is non-zero if any failed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUILDS, buildWasm } from './build-wasm.mjs';
import { run, step } from './lib/run.mjs';
import { ROOT, ensureBrowser, ensureNodeModules, ensureRust, findChromedriver } from './setup.mjs';
import { ensurePython } from './lib/python.mjs';

ensureRust();
ensureNodeModules();
ensureBrowser();
// Imported only now: it needs esbuild, which ensureNodeModules has just installed.
const { bundle } = await import('./bundle.mjs');
const { buildSite } = await import('./build-site.mjs');

const wasmTestEnv = {
  CHROMEDRIVER: findChromedriver(),
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: 'wasm-bindgen-test-runner',
  WASM_BINDGEN_TEST_TIMEOUT: process.env.WASM_BINDGEN_TEST_TIMEOUT ?? '120',
};

const suites = [
  // The exported Dask and asyncio scripts' venv (pinned dask[distributed], cached outside the
  // clone): no python3 fails this step, and the engines e2e tests with it.
  ['the Python venv for the Dask and asyncio exports', () => { ensurePython(); }],
  ['build the plain wasm', () => buildWasm('plain')],
  ['build the threaded wasm', () => buildWasm('threads')],
  ['bundle the page (esbuild)', () => bundle()],
  ['build the static site (dist/)', () => buildSite()],
  ['native Rust tests (cargo test)', () => run('cargo', ['test', '--no-fail-fast'], { cwd: ROOT })],
  ['wasm layer, plain build, headless Chromium', () => run('cargo',
    ['test', '--target', 'wasm32-unknown-unknown', '--test', 'wasm_plain'],
    { cwd: ROOT, env: { ...process.env, ...wasmTestEnv, CARGO_TARGET_DIR: BUILDS.plain.targetDir } })],
  ['wasm layer, threaded build, headless Chromium', () => run('cargo',
    ['test', '--target', 'wasm32-unknown-unknown', '--test', 'wasm_threads', ...BUILDS.threads.cargoArgs],
    { cwd: ROOT, env: { ...process.env, ...wasmTestEnv, ...BUILDS.threads.env, CARGO_TARGET_DIR: BUILDS.threads.targetDir } })],
  ['lessons: parse, checkers, simulated claims (node --test tests/lessons)', () => {
    const dir = join(ROOT, 'tests', 'lessons');
    const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join(dir, f));
    run(process.execPath, ['--test', ...files], { cwd: ROOT });
  }],
  ['end-to-end browser tests (node --test)', () => {
    const dir = join(ROOT, 'tests', 'e2e');
    const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join(dir, f));
    run(process.execPath, ['--test', '--test-concurrency=1', ...files], { cwd: ROOT });
  }],
];

const failed = [];
for (const [name, body] of suites) {
  step(name);
  try {
    await body();
  } catch (e) {
    console.error(`\u2716 ${name}: ${e.message}`);
    failed.push(name);
  }
}
if (failed.length) {
  console.error(`\nnpm test: ${failed.length} suite(s) failed: ${failed.join('; ')}`);
  process.exit(1);
}
