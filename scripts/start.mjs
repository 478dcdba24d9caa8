// `npm start`: installs what is missing, builds both wasm builds, serves the playground.
import { ensureNodeModules, ensureRust } from './setup.mjs';
import { buildWasm } from './build-wasm.mjs';

ensureRust();
ensureNodeModules();
buildWasm('plain');
buildWasm('threads');
// Imported only now: it needs esbuild, which ensureNodeModules has just installed.
const { bundle } = await import('./bundle.mjs');
bundle();
await import('./serve.mjs').then(async ({ startServer }) => {
  const isolation = !process.argv.includes('--no-isolation');
  const { url } = await startServer({ port: Number(process.env.PORT ?? 8080), isolation });
  console.log(`\nfanout playground: ${url}\n(${isolation ? 'cross-origin isolated: threads available' : 'not isolated: workers fallback'}; Ctrl-C stops)`);
});
