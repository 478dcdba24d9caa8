// The core for node tests of lessons: the plain wasm build, loaded once, behind the same
// interface the page gives the lesson modules (simulate, analyze, check, parse).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseLesson } from '../../www/shared/lesson/parse.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = await import(`${ROOT}www/pkg/plain/fanout.js`);
pkg.initSync({ module: readFileSync(`${ROOT}www/pkg/plain/fanout_bg.wasm`) });

/** The core, synchronous (the lesson modules await whatever they get). */
export const core = {
  simulate: (text, options) => pkg.simulate(text, options),
  analyze: (text, workers) => pkg.analyze(text, workers),
  check: (text) => pkg.check(text),
  parse: (text) => pkg.parse(text),
};

/** Every lesson file: `{ file, text, lesson }`. */
export function lessons() {
  return readdirSync(`${ROOT}lessons`).filter((f) => f.endsWith('.md')).sort().map((file) => {
    const text = readFileSync(`${ROOT}lessons/${file}`, 'utf8');
    return { file, text, lesson: parseLesson(text) };
  });
}
