// `npm run build`: installs what is missing, builds both wasm builds (www/pkg/), then writes
// the static site dist/ (scripts/build-site.mjs). `npm run build:wasm` builds only the wasm,
// `npm run build:site` only dist/ from the wasm already built.
import { ensureNodeModules, ensureRust } from './setup.mjs';
import { buildWasm } from './build-wasm.mjs';

ensureRust();
ensureNodeModules();
buildWasm('plain');
buildWasm('threads');
// Imported only now: it needs esbuild, which ensureNodeModules has just installed.
const { buildSite } = await import('./build-site.mjs');
await buildSite();
