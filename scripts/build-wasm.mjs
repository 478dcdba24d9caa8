// Builds the core to WebAssembly twice from the same code, into www/pkg/{plain,threads}:
// - plain: no threads, for pages that are not cross-origin isolated (a pool of workers);
// - threads: wasm threads on one shared memory (wasm-bindgen-rayon). This needs std rebuilt
//   with atomics (-Z build-std). We use the stable toolchain with RUSTC_BOOTSTRAP=1 scoped
//   to this one cargo call, so no second (nightly) toolchain is needed. Since rustc 1.92
//   (rust-lang/rust#147225) the atomics target feature no longer makes the memory shared,
//   so the linker is told to import a shared memory explicitly.
// Each build checks its output: the plain module must own an unshared memory, the threaded
// one must import a shared memory; a silent mistake would only show at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoriesOf } from './lib/wasm-memory.mjs';
import { run, step } from './lib/run.mjs';
import { ROOT } from './setup.mjs';

const THREAD_RUSTFLAGS = [
  '-C target-feature=+atomics,+bulk-memory,+mutable-globals',
  '-C link-arg=--shared-memory',
  '-C link-arg=--max-memory=1073741824',
  '-C link-arg=--import-memory',
  '-C link-arg=--export=__wasm_init_tls',
  '-C link-arg=--export=__tls_size',
  '-C link-arg=--export=__tls_align',
  '-C link-arg=--export=__tls_base',
  '-C link-arg=--export=__heap_base',
].join(' ');

export const BUILDS = {
  plain: { targetDir: join(ROOT, 'target'), cargoArgs: [], env: {} },
  threads: {
    targetDir: join(ROOT, 'target', 'threads'),
    cargoArgs: ['--features', 'threads', '-Z', 'build-std=panic_abort,std'],
    env: { RUSTC_BOOTSTRAP: '1', RUSTFLAGS: THREAD_RUSTFLAGS },
  },
};

function checkMemory(name, wasmPath) {
  const mems = memoriesOf(readFileSync(wasmPath));
  const ok = name === 'threads'
    ? mems.length === 1 && mems[0].imported && mems[0].shared
    : mems.length === 1 && !mems[0].shared;
  if (!ok) throw new Error(`${name} build: unexpected memory ${JSON.stringify(mems)} in ${wasmPath}`);
}

export function buildWasm(name) {
  const b = BUILDS[name];
  step(`building the ${name} wasm`);
  const env = { ...process.env, CARGO_TARGET_DIR: b.targetDir, ...b.env };
  if (name === 'plain') delete env.RUSTFLAGS;
  run('cargo', ['build', '--lib', '--release', '--target', 'wasm32-unknown-unknown', ...b.cargoArgs], { cwd: ROOT, env });
  const wasm = join(b.targetDir, 'wasm32-unknown-unknown', 'release', 'fanout.wasm');
  const outDir = join(ROOT, 'www', 'pkg', name);
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', outDir, wasm], { cwd: ROOT });
  checkMemory(name, join(outDir, 'fanout_bg.wasm'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const which = process.argv.slice(2);
  for (const name of which.length ? which : Object.keys(BUILDS)) buildWasm(name);
}
