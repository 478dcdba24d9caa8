// Small process helpers shared by the project scripts.
import { spawnSync } from 'node:child_process';

/** Runs a command with inherited stdio; throws with the command line if it fails. */
export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (res.error) throw new Error(`${cmd}: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`\`${[cmd, ...args].join(' ')}\` failed with exit code ${res.status}`);
}

/** Runs a command and returns its trimmed stdout, or null if it cannot run or fails. */
export function output(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (res.error || res.status !== 0) return null;
  return res.stdout.trim();
}

/** Prints a step heading, so long set-up runs say what they are doing. */
export function step(message) {
  console.log(`\n\u25b8 ${message}`);
}
