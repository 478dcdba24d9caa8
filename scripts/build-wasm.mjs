// Builds the core to WebAssembly twice from the same code, into www/pkg/{plain,threads}:
// - plain: no threads, for pages that are not cross-origin isolated (a pool of workers);
// - threads: wasm threads on one shared memory (wasm-bindgen-rayon). This needs std rebuilt
//   with atomics (-Z build-std). We use the stable toolchain with RUSTC_BOOTSTRAP=1 scoped
//   to this one cargo call, so no second (nightly) toolchain is needed. Since rustc 1.92
//   (rust-lang/rust#147225) the atomics target feature no longer makes the memory shared,
//   so the linker is told to import a shared memory explicitly.
// Each build checks its output: the plain module must own an unshared memory, the threaded
// one must import a shared memory; a silent mistake would only show at run time.
// Both use Cargo's `release` profile (opt-level 3: a size-tuned profile, opt-level "s",
// gave gzipped modules no smaller), then wasm-opt -Oz from the `binaryen` npm package
// (version 132: it reads the threaded module, which older binaryens cannot): about 9% fewer
// gzipped bytes for either build, and no slower. Its output is cached by the input's hash.
// `--profile=NAME` builds with another Cargo profile and `--no-wasm-opt` skips wasm-opt, to
// measure either.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** The wasm features wasm-opt may assume: what rustc's wasm32 target emits by default,
 *  plus threads (atomics, shared memory) for the threaded build. */
const WASM_FEATURES = ['--enable-bulk-memory', '--enable-mutable-globals', '--enable-sign-ext',
  '--enable-nontrapping-float-to-int', '--enable-reference-types', '--enable-multivalue'];

/** Runs wasm-opt (binaryen's npm package) on `wasm` in place, for size (-Oz). The result is
 *  kept under the build's target folder by the input's hash, so a build whose module did not
 *  change skips the (slow) optimisation. */
function wasmOpt(name, wasm, targetDir) {
  const bin = join(ROOT, 'node_modules', 'binaryen', 'bin', 'wasm-opt');
  const features = name === 'threads' ? [...WASM_FEATURES, '--enable-threads'] : WASM_FEATURES;
  const input = readFileSync(wasm);
  const hash = createHash('sha256').update(input).update(features.join(' ')).digest('hex').slice(0, 16);
  const cached = join(targetDir, 'wasm-opt', `${hash}.wasm`);
  if (!existsSync(cached)) {
    mkdirSync(dirname(cached), { recursive: true });
    run(process.execPath, [bin, '-Oz', ...features, wasm, '-o', `${cached}.tmp`], { cwd: ROOT });
    renameSync(`${cached}.tmp`, cached);
  }
  copyFileSync(cached, wasm);
  console.log(`wasm-opt -Oz ${name}: ${input.length} -> ${statSync(wasm).size} bytes`);
}

/** Builds the `name` wasm into www/pkg/<name>/: cargo with `profile`, wasm-bindgen, then
 *  (unless `opt` is false) wasm-opt, and checks the module's memory. */
export function buildWasm(name, { profile = 'release', opt = true } = {}) {
  const b = BUILDS[name];
  step(`building the ${name} wasm (profile ${profile}${opt ? ', wasm-opt' : ''})`);
  const env = { ...process.env, CARGO_TARGET_DIR: b.targetDir, ...b.env };
  if (name === 'plain') delete env.RUSTFLAGS;
  run('cargo', ['build', '--lib', '--profile', profile, '--target', 'wasm32-unknown-unknown', ...b.cargoArgs], { cwd: ROOT, env });
  const wasm = join(b.targetDir, 'wasm32-unknown-unknown', profile, 'fanout.wasm');
  const outDir = join(ROOT, 'www', 'pkg', name);
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', outDir, wasm], { cwd: ROOT });
  if (opt) wasmOpt(name, join(outDir, 'fanout_bg.wasm'), b.targetDir);
  checkMemory(name, join(outDir, 'fanout_bg.wasm'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const which = args.filter((a) => !a.startsWith('--'));
  const profile = args.find((a) => a.startsWith('--profile='))?.slice('--profile='.length);
  const opt = !args.includes('--no-wasm-opt');
  for (const name of which.length ? which : Object.keys(BUILDS)) buildWasm(name, { ...(profile ? { profile } : {}), opt });
}
