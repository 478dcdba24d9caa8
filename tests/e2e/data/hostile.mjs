// The hostile-text corpus: markup and script payloads that would run if any view put text
// into the page as HTML (innerHTML, an attribute, a URL). Each payload that runs increments
// `window.__hostile`, so a test can tell that nothing ran. Ids may only hold ASCII letters,
// digits, `_` and `-` (docs/language.md), so payloads go where text is free: quoted labels,
// comments, JSON and DOT labels; where an id is expected they must give a diagnostic, shown
// as text.
const RUN = 'window.__hostile=(window.__hostile||0)+1';

export const PAYLOADS = [
  `<img src=x onerror="${RUN}">`,
  `<svg onload="${RUN}"><circle r=9 /></svg>`,
  `<svg><script>${RUN}</script></svg>`,
  `<script>${RUN}</script>`,
  `</script><script>${RUN}</script>`,
  `javascript:${RUN}`,
  `<a href="javascript:${RUN}" id=hostile-link>click me</a>`,
  `<iframe srcdoc="<script>parent.__hostile=1</script>"></iframe>`,
  `" onmouseover="${RUN}" x="`,
  `' autofocus onfocus='${RUN}' x='`,
  `&lt;img src=x onerror=${RUN}&gt; &amp; &#x3C;b&#x3E; &quot;`,
  `<style>body{display:none}</style><b>bold?</b>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${RUN}">`,
  `\${${RUN}} {{constructor.constructor('${RUN}')()}}`,
];

/** A .dag label: the payload with `\` and `"` escaped. */
const label = (p) => `"${p.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/** A valid .dag graph with one task per payload (labels) and the payloads in comments. */
export function hostileDag() {
  const lines = ['# hostile labels: none of this may run', 'workers 2'];
  PAYLOADS.forEach((p, i) => {
    lines.push(`# ${p}`);
    lines.push(`h${i + 1} ${label(p)} : cpu 2ms${i === PAYLOADS.length - 1 ? ' reduce concat' : ''}${i ? ` after h${i}` : ''}`);
  });
  return `${lines.join('\n')}\n`;
}

/** Lines where the payload stands where an id must be: each is an error, quoted as text. */
export const BAD_ID_LINES = [
  `<img src=x onerror="${RUN}"> : cpu 1ms`,
  `ok : cpu 1ms after <svg/onload=${RUN}>`,
  `javascript:${RUN} : cpu 1ms`,
];

/** The same graph as JSON (labels and a resource name field carry payloads). */
export function hostileJson() {
  return JSON.stringify({
    workers: 2,
    tasks: PAYLOADS.map((p, i) => ({ id: `j${i + 1}`, label: p, kind: 'io', duration: '2ms', after: i ? [`j${i}`] : [] })),
  });
}

/** JSON whose ids are payloads: the converter must refuse them with diagnostics. */
export const HOSTILE_JSON_IDS = JSON.stringify({ tasks: [{ id: PAYLOADS[0], kind: 'cpu', duration: 1 }] });

/** DOT with HTML-like labels (`label=<...>`) and quoted ones. */
export function hostileDot() {
  const quoted = (p) => `"${p.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  return [
    'digraph hostile {',
    `  d1 [cost=2, label=<<img src=x onerror="${RUN}">>];`,
    `  d2 [cost=2, label=${quoted(PAYLOADS[1])}];`,
    `  d3 [cost=2, label=${quoted(PAYLOADS[5])}, kind=io];`,
    '  d1 -> d2 -> d3;',
    '}',
  ].join('\n');
}
