// Installs what the project needs and is missing, and nothing else: the wasm32 target and
// rust-src (rustup), a wasm-bindgen CLI of exactly the version in Cargo.lock (cargo install,
// built from source), the npm packages, and for tests Debian's Chromium and ChromeDriver.
// Every step checks first, so a second run costs a few process spawns.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { output, run, step } from './lib/run.mjs';

export const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

function cargoLockVersion(pkg) {
  const lock = readFileSync(join(ROOT, 'Cargo.lock'), 'utf8');
  const m = lock.match(new RegExp(`\\[\\[package\\]\\]\\nname = "${pkg}"\\nversion = "([^"]+)"`));
  if (!m) throw new Error(`Cargo.lock has no ${pkg}`);
  return m[1];
}

export function ensureRust() {
  if (!output('cargo', ['--version']) || !output('rustup', ['--version'])) {
    throw new Error('Rust is missing: install it through rustup (https://rustup.rs), then run this again.');
  }
  const targets = output('rustup', ['target', 'list', '--installed']) ?? '';
  if (!targets.split('\n').includes('wasm32-unknown-unknown')) {
    step('rustup target add wasm32-unknown-unknown');
    run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
  }
  const components = output('rustup', ['component', 'list', '--installed']) ?? '';
  if (!components.split('\n').some((c) => c.startsWith('rust-src'))) {
    step('rustup component add rust-src (the threaded build rebuilds std with atomics)');
    run('rustup', ['component', 'add', 'rust-src']);
  }
  const want = cargoLockVersion('wasm-bindgen');
  const have = output('wasm-bindgen', ['--version'])?.split(' ')[1];
  if (have !== want) {
    step(`cargo install wasm-bindgen-cli ${want} (found ${have ?? 'none'}; builds from source, about 2-4 minutes)`);
    run('cargo', ['install', 'wasm-bindgen-cli', '--version', `=${want}`]);
  }
}

export function ensureNodeModules() {
  const stamp = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(lock).mtimeMs) return;
  step('npm ci');
  run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT });
}

/** The path of the system Chromium, or null. */
export function findChromium() {
  for (const name of ['chromium', 'chromium-browser']) {
    const path = output('sh', ['-c', `command -v ${name}`]);
    if (path) return path;
  }
  return null;
}

/** The path of ChromeDriver, or null. */
export function findChromedriver() {
  return process.env.CHROMEDRIVER || output('sh', ['-c', 'command -v chromedriver']);
}

export function ensureBrowser() {
  if (findChromium() && findChromedriver()) return;
  step('installing Debian\'s chromium and chromium-driver (apt-get)');
  const isRoot = process.getuid?.() === 0;
  const sudo = isRoot ? [] : output('sh', ['-c', 'command -v sudo']) ? ['sudo'] : null;
  if (!sudo) throw new Error('Chromium is missing and this user cannot install it: apt-get install chromium chromium-driver');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => (sudo.length ? run('sudo', ['apt-get', ...args], { env }) : run('apt-get', args, { env }));
  apt(['update', '-q']);
  apt(['install', '-y', '-q', 'chromium', 'chromium-driver']);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureRust();
  ensureNodeModules();
  if (process.argv.includes('--browser')) ensureBrowser();
}
