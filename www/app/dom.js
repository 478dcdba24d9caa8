// Building DOM and SVG nodes in one expression, for the views that draw their own markup.

const SVG = 'http://www.w3.org/2000/svg';

/** An HTML element with `props` assigned (textContent, className, title…) and `children`
 *  appended; null, undefined and false children are skipped. */
export function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return e;
}

/** An SVG element with `attrs` set as attributes (stringified) and, if given, its text. */
export function svgEl(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}
