// fanout-embed.js: the one script a documentation page includes. It defines
//   <fanout-playground workers="2" mode="auto" panels="timeline,results" autorun theme="auto"
//                      loading="lazy" readonly height="400" src="graph.dag">…graph text…</fanout-playground>
// and, with `data-fanout-auto` on its <script> tag (or `?auto` at the end of its URL), upgrades
// every <pre><code class="language-fanout"> on the page into one.
// Guarantees:
//  - the element frames embed.html from THIS script's origin (new URL('embed.html',
//    import.meta.url)), so that origin's headers decide isolation, not the page's; the iframe
//    gets allow="cross-origin-isolated" so an isolated page can delegate isolation to it;
//  - loading="lazy" (default) creates nothing until the element is near the viewport;
//    loading="click" shows the graph and a Run button and starts the engine on click;
//  - until the iframe is ready it shows its fallback: children with slot="fallback" (e.g. a
//    prerendered SVG timeline), else the graph text; with scripts off the page shows them as
//    authored;
//  - height follows the iframe's content (reported over postMessage); theme="auto" follows
//    the reader's colour scheme live; the host's --fanout-* custom properties are passed on;
//  - it dispatches fanout:ready, fanout:progress and fanout:result (detail: the RunResult),
//    bubbling and composed; messages are accepted only from its own iframe's window on the
//    embed's origin and with a valid shape (protocol.js); anything else is ignored.
import { encodeFragment } from './fragment.js';
import { PANELS, paramsQuery, parseParams } from './params.js';
import { PROTOCOL, STYLE_VARS, accepts, fromEmbed } from './protocol.js';

const EMBED_URL = new URL('embed.html', import.meta.url);
const EMBED_ORIGIN = EMBED_URL.origin;
/** How far outside the viewport a lazy embed starts loading. */
const LAZY_MARGIN = '300px 0px';

const CSS = `
:host { display: block; position: relative; margin: 1rem 0; font-family: var(--fanout-font, system-ui, sans-serif);
  color: var(--fanout-fg, inherit); }
:host([hidden]) { display: none; }
.fallback { border: 1px solid var(--fanout-border, #d9dce3); border-radius: var(--fanout-radius, 8px); padding: 0.6rem;
  background: var(--fanout-panel, transparent); overflow-x: auto; }
.fallback pre { margin: 0; font: 0.85rem/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; white-space: pre; }
.fallback ::slotted(svg), .fallback ::slotted(img) { display: block; max-width: 100%; height: auto; }
.fallback ::slotted(figure) { margin: 0; }
.note { margin: 0.4rem 0 0; font-size: 0.8rem; color: var(--fanout-muted, #5b6170); }
.note.error { color: #b3261e; }
button { font: inherit; font-weight: 600; padding: 0.35rem 1.2rem; margin-top: 0.5rem; border-radius: var(--fanout-radius, 6px);
  border: 1px solid var(--fanout-accent, #2456c7); background: var(--fanout-accent, #2456c7); color: #fff; cursor: pointer; }
iframe { display: block; width: 100%; border: 1px solid var(--fanout-border, #d9dce3); border-radius: var(--fanout-radius, 8px);
  background: transparent; color-scheme: normal; }
:host([data-state="ready"]) .fallback, :host([data-state="ready"]) .note { display: none; }
:host(:not([data-state="ready"])) iframe { position: absolute; visibility: hidden; height: 0; left: 0; right: 0; }
`;

let sheet = null;
function styleShadow(shadow) {
  try {
    sheet ??= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = CSS;
    shadow.append(style);
  }
}

/** Removes the common indentation of `text` and its blank first and last lines. */
export function dedent(text) {
  const lines = String(text).replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  const indents = lines.filter((l) => l.trim()).map((l) => l.match(/^[ \t]*/)[0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

export class FanoutPlayground extends HTMLElement {
  static observedAttributes = ['theme'];

  constructor() {
    super();
    this.frame = null;
    this.started = false;
    this.observer = null;
    this.onMessage = this.onMessage.bind(this);
    this.onScheme = () => { this.sendTheme(); this.sendStyle(); }; // the host's variables may follow the scheme too
    const shadow = this.attachShadow({ mode: 'open' });
    styleShadow(shadow);
    this.fallbackBox = document.createElement('div');
    this.fallbackBox.className = 'fallback';
    this.fallbackBox.part = 'fallback';
    const slot = document.createElement('slot');
    slot.name = 'fallback';
    this.graphPre = document.createElement('pre');
    slot.append(this.graphPre); // shown when nothing is slotted: the graph text
    this.fallbackBox.append(slot);
    this.note = document.createElement('p');
    this.note.className = 'note';
    this.note.setAttribute('aria-live', 'polite');
    shadow.append(this.fallbackBox, this.note);
  }

  /** The graph text: the element's text outside its slot="fallback" children. */
  get graphText() {
    if (this._graph !== undefined) return this._graph;
    let t = '';
    for (const n of this.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) t += n.data;
      else if (n.nodeType === Node.ELEMENT_NODE && n.getAttribute('slot') !== 'fallback') t += n.textContent;
    }
    return dedent(t);
  }

  set graphText(value) { this._graph = String(value); }

  connectedCallback() {
    window.addEventListener('message', this.onMessage);
    darkQuery?.addEventListener('change', this.onScheme);
    if (this.started || this.runButton) return; // moved in the page: it carries on
    this.graphPre.textContent = this.graphText;
    const loading = (this.getAttribute('loading') ?? 'lazy').toLowerCase();
    if (loading === 'click') {
      this.note.textContent = '';
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Run';
      button.part = 'run-button';
      button.addEventListener('click', () => { button.remove(); this.start({ autorun: true }); }, { once: true });
      this.fallbackBox.after(button);
      this.runButton = button;
    } else if (loading === 'eager' || typeof IntersectionObserver !== 'function') {
      this.start();
    } else {
      this.observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) this.start();
      }, { rootMargin: LAZY_MARGIN });
      this.observer.observe(this);
    }
  }

  disconnectedCallback() {
    window.removeEventListener('message', this.onMessage);
    darkQuery?.removeEventListener('change', this.onScheme);
    this.observer?.disconnect();
  }

  attributeChangedCallback() { this.sendTheme(); }

  /** The theme to show now: the attribute's, with auto resolved from the reader's scheme. */
  resolvedTheme() {
    const t = (this.getAttribute('theme') ?? 'auto').toLowerCase();
    if (t === 'light' || t === 'dark') return t;
    return darkQuery?.matches ? 'dark' : 'light';
  }

  /** The embed.html URL for this element's attributes and graph. */
  embedUrl(graph, { autorun = false } = {}) {
    const q = new URLSearchParams();
    for (const name of ['panels', 'mode', 'workers', 'theme', 'height']) if (this.hasAttribute(name)) q.set(name, this.getAttribute(name));
    const p = parseParams(q);
    const query = paramsQuery({ ...p, readonly: this.hasAttribute('readonly'), autorun: autorun || this.hasAttribute('autorun'),
      workers: p.workers, height: p.height, theme: p.theme, panels: p.panels.filter((x) => PANELS.includes(x)) });
    const url = new URL(EMBED_URL);
    url.search = query;
    url.hash = encodeFragment({ graph });
    return url.href;
  }

  /** Starts the embed: fetches `src` if given, then frames embed.html. */
  async start({ autorun = false } = {}) {
    if (this.started) return;
    this.started = true;
    this.observer?.disconnect();
    this.dataset.state = 'loading';
    this.note.textContent = 'Starting the playground…';
    let graph = this.graphText;
    const src = this.getAttribute('src');
    if (src) {
      try {
        const r = await fetch(new URL(src, document.baseURI));
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        graph = await r.text();
        this.graphPre.textContent = graph;
      } catch (e) {
        this.dataset.state = 'error';
        this.note.textContent = `Could not load the graph from ${src}: ${e.message}`;
        this.note.classList.add('error');
        return;
      }
    }
    const frame = document.createElement('iframe');
    frame.title = this.getAttribute('aria-label') ?? 'fanout playground: a task graph run in your browser';
    frame.setAttribute('allow', 'cross-origin-isolated');
    frame.setAttribute('loading', 'eager');
    frame.part = 'frame';
    const fixed = parseParams(new URLSearchParams(this.hasAttribute('height') ? { height: this.getAttribute('height') } : {})).height;
    frame.style.height = `${fixed ?? 320}px`;
    frame.src = this.embedUrl(graph, { autorun });
    this.frame = frame;
    this.shadowRoot.append(frame);
  }

  /** Asks the embed to run its graph (as its Run button). */
  run() {
    if (!this.frame) { this.start({ autorun: true }); return; }
    this.frame.contentWindow?.postMessage({ fanout: PROTOCOL, type: 'run' }, EMBED_ORIGIN);
  }

  post(message) {
    this.frame?.contentWindow?.postMessage({ fanout: PROTOCOL, ...message }, EMBED_ORIGIN);
  }

  sendTheme() {
    if (!this.frame) return;
    this.post({ type: 'theme', theme: this.resolvedTheme() });
  }

  /** Sends every --fanout-* variable as the host sets it now ('' = not set). */
  sendStyle() {
    if (!this.frame) return;
    const cs = getComputedStyle(this);
    this.post({ type: 'style', vars: Object.fromEntries(STYLE_VARS.map((k) => [k, cs.getPropertyValue(k).trim()])) });
  }

  onMessage(event) {
    if (!this.frame || !accepts(event, this.frame.contentWindow, EMBED_ORIGIN)) return;
    const m = fromEmbed(event.data);
    if (!m) return;
    const emit = (name, detail) => this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
    switch (m.type) {
      case 'height':
        if (!this.hasAttribute("height")) this.frame.style.height = `${Math.ceil(m.height)}px`; // content-box: the border is outside
        break;
      case 'ready':
        this.sendTheme();
        this.sendStyle();
        this.dataset.state = 'ready';
        this.dataset.tier = String(m.tier);
        this.dataset.mode = m.mode;
        emit('fanout:ready', { tier: m.tier, mode: m.mode, isolated: m.isolated, reason: m.reason });
        break;
      case 'progress':
        emit('fanout:progress', { done: m.done, total: m.total });
        break;
      case 'result':
        this.lastResult = m.result;
        emit('fanout:result', m.result);
        break;
      case 'error':
        emit('fanout:error', { message: m.message });
        break;
      default:
        break;
    }
  }
}

/** Replaces every ```fanout fence under `root` with an embed: `<pre><code
 *  class="language-fanout">` (Markdown's usual output), and VitePress's
 *  `<div class="language-fanout"><pre><code>`. Returns the new elements. */
export function upgradeFences(root = document) {
  const made = [];
  const fences = [
    ...[...root.querySelectorAll('div.language-fanout > pre > code')].map((code) => ({ code, box: code.parentElement.parentElement })),
    ...[...root.querySelectorAll('pre > code.language-fanout')].map((code) => ({ code, box: code.parentElement })),
  ];
  for (const { code, box } of fences) {
    if (!box.isConnected) continue;
    const pre = code.parentElement;
    const el = document.createElement('fanout-playground');
    el.textContent = code.textContent;
    for (const a of ['workers', 'mode', 'panels', 'theme', 'loading', 'autorun', 'readonly', 'height']) {
      const v = pre.dataset[a] ?? code.dataset[a];
      if (v !== undefined) el.setAttribute(a, v);
    }
    box.replaceWith(el);
    made.push(el);
  }
  return made;
}

if (!customElements.get('fanout-playground')) customElements.define('fanout-playground', FanoutPlayground);

// Fences are upgraded when the script tag has data-fanout-auto, or its URL ends in ?auto
// (for docs tools that cannot add attributes to a script tag).
const auto = new URL(import.meta.url).searchParams.has('auto')
  || [...document.querySelectorAll('script[data-fanout-auto]')].some((s) => s.src && new URL(s.src, document.baseURI).href === import.meta.url);
if (auto) {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => upgradeFences(), { once: true });
  else upgradeFences();
}
