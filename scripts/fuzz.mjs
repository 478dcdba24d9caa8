// `npm run fuzz [-- --seconds N] [TARGET...]`: fuzzes every decoder with cargo-fuzz (libFuzzer)
// for N seconds each (default 10), then prints executions and crashes per target.
//
// - Installs cargo-fuzz (`cargo install cargo-fuzz`, from source) when it is missing.
// - cargo-fuzz needs nightly compiler features (-Zsanitizer): as scripts/build-wasm.mjs does for
//   build-std, we use the stable toolchain with RUSTC_BOOTSTRAP=1, scoped to these cargo calls.
// - Each target starts from its committed seed corpus, fuzz/corpus/<target>/ (read only); what
//   libFuzzer finds goes to fuzz/target/corpus/<target>/ (ignored by git), and a crashing input
//   to fuzz/artifacts/<target>/.
// Exit code: 1 if any target crashed (or failed to build), else 0.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { output, run, step } from './lib/run.mjs';
import { ROOT } from './setup.mjs';

const FUZZ = join(ROOT, 'fuzz');
const ENV = { ...process.env, RUSTC_BOOTSTRAP: '1' };

function parseArgs(argv) {
  let seconds = 10;
  const targets = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seconds' || a.startsWith('--seconds=')) {
      const v = a.includes('=') ? a.split('=')[1] : argv[++i];
      seconds = Number(v);
      if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`--seconds takes a whole number of at least 1, not \`${v}\``);
    } else if (a === '--help' || a === '-h') {
      console.log('usage: npm run fuzz [-- --seconds N] [TARGET...]   (default: every target, 10 s each)');
      process.exit(0);
    } else {
      targets.push(a);
    }
  }
  return { seconds, targets };
}

export function ensureCargoFuzz() {
  if (output('cargo', ['fuzz', '--version'])) return;
  step('cargo install cargo-fuzz (builds from source, a few minutes)');
  run('cargo', ['install', 'cargo-fuzz', '--locked']);
}

/** The figures libFuzzer prints at exit (-print_final_stats=1), and whether it crashed. */
function summarize(target, res) {
  const log = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  const stat = (name) => Number(log.match(new RegExp(`stat::${name}:\\s*(\\d+)`))?.[1] ?? NaN);
  const artifacts = [...log.matchAll(/Test unit written to (\S+)/g)].map((m) => m[1]);
  const crashed = res.status !== 0 || artifacts.length > 0;
  return { target, execs: stat('number_of_executed_units'), perSecond: stat('average_exec_per_sec'), crashes: crashed ? Math.max(1, artifacts.length) : 0, artifacts, log };
}

const { seconds, targets: wanted } = parseArgs(process.argv.slice(2));
ensureCargoFuzz();
const all = (output('cargo', ['fuzz', 'list'], { cwd: FUZZ, env: ENV }) ?? '').split('\n').filter(Boolean);
const targets = wanted.length ? wanted : all;
for (const t of targets) if (!all.includes(t)) throw new Error(`unknown fuzz target \`${t}\`; the targets are: ${all.join(', ')}`);

step(`building the fuzz targets (${targets.join(', ')})`);
for (const t of targets) run('cargo', ['fuzz', 'build', t], { cwd: FUZZ, env: ENV });

const results = [];
for (const t of targets) {
  step(`fuzzing ${t} for ${seconds} s`);
  const work = join(FUZZ, 'target', 'corpus', t);
  mkdirSync(work, { recursive: true });
  const seeds = join(FUZZ, 'corpus', t);
  const dirs = [work, ...(existsSync(seeds) && readdirSync(seeds).length ? [seeds] : [])];
  const res = spawnSync('cargo', ['fuzz', 'run', t, ...dirs, '--', `-max_total_time=${seconds}`, '-print_final_stats=1', '-timeout=10', '-rss_limit_mb=2048'], { cwd: FUZZ, env: ENV, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const r = summarize(t, res);
  if (r.crashes) console.error(r.log.split('\n').slice(-60).join('\n'));
  results.push(r);
}

console.log(`\nfuzzing, ${seconds} s per target:`);
console.log('target          executions   exec/s   crashes');
for (const r of results) {
  console.log(`${r.target.padEnd(14)}  ${String(r.execs).padStart(10)}   ${String(r.perSecond).padStart(6)}   ${r.crashes}${r.artifacts.length ? `  (${r.artifacts.join(', ')})` : ''}`);
}
if (results.some((r) => r.crashes)) process.exit(1);
