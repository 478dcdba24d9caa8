// Formatting for axes, tooltips and sentences. Guarantees: tick steps are 1, 2 or 5 × 10^k
// ms; tick labels carry enough decimals to tell neighbouring ticks apart at any zoom; counts
// in sentences take the singular for 1 only.

/** Round tick spacing (1, 2 or 5 × 10^k ms) giving about `target` ticks over `span` ms. */
export function tickStep(span, target = 8) {
  const raw = Math.max(span, 1e-6) / Math.max(target, 1);
  const pow = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw * (1 - 1e-9));
}

/** Formats ms for a tooltip or a status line: µs below 1 ms, s from 1 s up. */
export function formatMs(ms) {
  if (ms === 0) return '0';
  const a = Math.abs(ms);
  if (a < 1) return `${+(ms * 1000).toFixed(1)} µs`;
  if (a < 1000) return `${+ms.toFixed(1)} ms`;
  return `${+(ms / 1000).toFixed(2)} s`;
}

/** Formats a tick at `t` ms when ticks are `step` ms apart: the unit follows the step. */
export function formatTick(t, step) {
  if (Math.abs(t) < step * 1e-6) return '0';
  const [scale, unit] = step < 1 ? [1000, 'µs'] : step < 1000 ? [1, 'ms'] : [1e-3, 's'];
  const s = step * scale;
  const decimals = Math.max(0, -Math.floor(Math.log10(s) + 1e-9));
  return `${(t * scale).toFixed(decimals)} ${unit}`;
}

/** Milliseconds for a sentence: `formatMs`, with a unit on zero too. */
export function ms(x) {
  return x === 0 ? '0 ms' : formatMs(x);
}

/** A ratio (speedup) with two significant decimals, without trailing zeros: 2, 2.47, 0.5. */
export function ratio(x) {
  return String(+x.toFixed(2));
}

/** "1 task", "3 tasks"; `many` for irregular plurals ("retries"). */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** The text with its first letter in capitals, to start a sentence. */
export function capital(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A whole number with commas between groups of three digits (200,000), without Intl (whose
 *  first use costs tens of ms). */
export function thousands(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
