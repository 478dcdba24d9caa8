// Time formatting for axes and tooltips. Guarantees: tick steps are 1, 2 or 5 × 10^k ms;
// tick labels carry enough decimals to tell neighbouring ticks apart at any zoom.

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
