// Debian's Chromium, headless, driven by playwright-core: shared by the end-to-end tests
// and the benchmarks. The flags keep it off this machine's closed network and work as root.
import { chromium } from 'playwright-core';
import { findChromium } from '../setup.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Launches headless Chromium; throws a clear error when it is not installed. */
export async function launchChromium() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('Chromium not found: run `npm test`, which installs it');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
