// The Python virtual environment the exported Dask and asyncio scripts run in (issue 16).
// Guarantees: `ensurePython()` returns the path of a python executable that has exactly the
// pinned packages of python/requirements.txt; the venv lives OUTSIDE the clone, in
// `$FANOUT_CACHE` (default ~/.cache/fanout) as `venv-<first 16 hex of sha256(requirements)>`,
// so a fresh clone (CI copies the repo to /tmp each run) reuses it, and a changed pin makes a
// new one; pip's own download cache is `<cache>/pip`. A missing python3 (or one without
// venv) throws with the line to install it: nothing is skipped. A `.complete` marker is
// written only once pip succeeded and the packages import, so a failed or interrupted
// install is never taken for a good one (it is made again).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
/** The pinned requirements file. */
export const REQUIREMENTS = join(ROOT, 'python', 'requirements.txt');

/** Where the venvs and pip's cache live. */
export function cacheDir() {
  return process.env.FANOUT_CACHE || join(homedir(), '.cache', 'fanout');
}

/** The venv folder for the current requirements file. */
export function venvDir() {
  const hash = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex').slice(0, 16);
  return join(cacheDir(), `venv-${hash}`);
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function probe(py) {
  return spawnSync(py, ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
}

/** Debian's python3 ships without ensurepip, which `python3 -m venv` needs: its python3-venv
 *  package, installed with apt-get as ensureBrowser installs Chromium (root, else sudo). */
function aptInstallVenv() {
  const isRoot = process.getuid?.() === 0;
  const hasSudo = spawnSync('sh', ['-c', 'command -v sudo']).status === 0;
  if (spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0 || (!isRoot && !hasSudo)) return false;
  console.log('python: python3 has no venv support: installing Debian\'s python3-venv (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => sh(isRoot ? 'apt-get' : 'sudo', isRoot ? args : ['apt-get', ...args], { env });
  apt(['update', '-q']);
  apt(['install', '-y', '-q', 'python3-venv']);
  return true;
}

/** The system python3 (>= 3.11: the asyncio exports use TaskGroup and asyncio.timeout). A
 *  missing python3 is an error saying so (never a skip); one without venv support gets
 *  Debian's python3-venv where apt-get can install it. */
export function findPython3() {
  const py = process.env.PYTHON || 'python3';
  let r = probe(py);
  if (r.error) {
    throw new Error(`python3 is needed to test the Dask and asyncio exports, and ${py} was not found: install Python 3.11 or newer with venv (Debian: sudo apt-get install -y python3 python3-venv), or set PYTHON`);
  }
  if (r.status !== 0 && aptInstallVenv()) r = probe(py);
  if (r.status !== 0) {
    throw new Error(`${py} cannot make a virtual environment (no venv/ensurepip module): install it (Debian: sudo apt-get install -y python3-venv), or set PYTHON\n${r.stderr}`);
  }
  const [maj, min] = r.stdout.trim().split('.').map(Number);
  if (maj < 3 || (maj === 3 && min < 11)) throw new Error(`${py} is Python ${maj}.${min}; the exported asyncio scripts need 3.11 or newer (TaskGroup, asyncio.timeout)`);
  return py;
}

/** Makes the venv if it is missing; returns its python. Idempotent; prints what it does. */
export function ensurePython({ quiet = false } = {}) {
  const dir = venvDir();
  const python = join(dir, 'bin', 'python');
  if (existsSync(join(dir, '.complete')) && existsSync(python)) return python;
  const py = findPython3();
  mkdirSync(cacheDir(), { recursive: true });
  // A folder without the marker is a failed or interrupted install: start it afresh.
  rmSync(dir, { recursive: true, force: true });
  const t0 = Date.now();
  if (!quiet) console.log(`python: creating ${dir} (python3 -m venv, pip install -r python/requirements.txt)`);
  sh(py, ['-m', 'venv', dir]);
  const env = { ...process.env, PIP_CACHE_DIR: join(cacheDir(), 'pip'), PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  sh(join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '-r', REQUIREMENTS], { env });
  sh(join(dir, 'bin', 'python'), ['-c', 'import dask, distributed']);
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  if (!quiet) console.log(`python: venv ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return python;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = Date.now();
  const python = ensurePython();
  console.log(`${python} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
