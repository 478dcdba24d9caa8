// The graph editor: CodeMirror 6 with the task-graph language highlighted, line numbers,
// undo/redo, and the core's diagnostics inline as you type (squiggle, gutter mark, message on
// hover) through @codemirror/lint. Guarantees: diagnostics come only from the core
// (`check(text)`), placed at their 1-based line and character column; a stale check (the text
// changed meanwhile) is dropped; `setText` is one undoable change; `highlightLine` marks a line
// without moving the caret or taking focus; caret moves report their line.
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, linter, lintKeymap } from '@codemirror/lint';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import {
  Decoration, EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';

const KINDS = new Set(['cpu', 'io']);
const KEYWORDS = new Set(['after', 'then', 'lognormal']);
const OPTIONS = new Set(['retry', 'backoff', 'timeout', 'fail', 'attempts', 'priority', 'uses', 'reduce', 'hedge',
  'workers', 'limit', 'rate', 'policy', 'on_error', 'seed', 'steal_cost', 'batch', 'breaker', 'on_deadlock',
  'scale_up', 'scale_down', 'worker_start']);

/** The task-graph language as a stream mode: comments, ids, ':', kinds, durations, keywords. */
export const dagLanguage = StreamLanguage.define({
  name: 'fanout-dag',
  startState: () => ({ defined: false, group: false }),
  token(stream, state) {
    if (stream.sol()) { state.defined = false; state.group = false; }
    if (stream.eatSpace()) return null;
    if (stream.peek() === '#') { stream.skipToEnd(); return 'comment'; }
    if (stream.match(/^\d+(\.\d+)?/)) {
      stream.match(/^(us|µs|ms|s)\b/);
      return 'number';
    }
    if (stream.match(/^[A-Za-z_][\w.\-]*/)) {
      const word = stream.current();
      // `group NAME [workers N] [on_error M] {`: the keyword, then the group's name as a definition.
      if (!state.defined && word === 'group' && !state.group && !stream.match(/^\s*[:["]/, false)) { state.group = true; return 'keyword'; }
      if (!state.defined) { state.defined = true; state.group = false; return OPTIONS.has(word) ? 'propertyName' : 'variableName.definition'; }
      if (KEYWORDS.has(word)) return 'keyword';
      if (KINDS.has(word)) return 'typeName';
      if (OPTIONS.has(word)) return 'propertyName';
      return 'variableName';
    }
    const ch = stream.next();
    if (ch === ':' || ch === '=') { state.defined = true; return 'operator'; }
    if (ch === '{' || ch === '}') return 'keyword';
    return 'punctuation';
  },
  languageData: { commentTokens: { line: '#' } },
});

const highlight = HighlightStyle.define([
  { tag: tags.comment, color: '#5f6673', fontStyle: 'italic' },
  { tag: tags.definition(tags.variableName), color: '#1d3f9e', fontWeight: '600' },
  { tag: tags.variableName, color: '#1d1f24' },
  { tag: tags.keyword, color: '#8a1c7c', fontWeight: '600' },
  { tag: tags.typeName, color: '#0b6e4f', fontWeight: '600' },
  { tag: tags.number, color: '#9a4a00' },
  { tag: tags.propertyName, color: '#6b3fa0' },
  { tag: tags.operator, color: '#5b6170' },
]);

const setHighlight = StateEffect.define();
const taskLine = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(setHighlight)) {
        deco = e.value === null || e.value > tr.state.doc.lines ? Decoration.none
          : Decoration.set([Decoration.line({ class: 'cm-task-selected' }).range(tr.state.doc.line(e.value).from)]);
      }
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const theme = EditorView.theme({
  '&': { fontSize: '0.9rem', border: '1px solid var(--line)', borderRadius: '6px', background: '#fff' },
  '&.cm-focused': { outline: '3px solid #9db8f2', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace', lineHeight: '1.45' },
  '.cm-content': { minHeight: '14.5em' },
  '.cm-gutters': { background: '#f4f5f8', color: '#5f6673', borderRight: '1px solid var(--line)' },
  '.cm-task-selected': { background: '#fff3c4' },
  '.cm-activeLine.cm-task-selected': { background: '#ffeaa0' },
});

/** Converts a core diagnostic (1-based line, 1-based character columns) to a document range. */
export function diagnosticRange(doc, d) {
  const line = doc.line(Math.min(Math.max(d.line, 1), doc.lines));
  const from = line.from + Math.min(Math.max(d.col - 1, 0), line.length);
  let to = line.from + Math.min(Math.max((d.end_col ?? d.col + 1) - 1, 0), line.length);
  if (to <= from) to = Math.min(from + 1, line.to);
  return { from, to };
}

/**
 * Mounts the editor in `parent`. `check(text)` → Promise<Diagnostic[]>; `onChange(text)` after
 * edits (once typing pauses for CHANGE_DELAY ms); `onDiagnostics(list)` after every fresh check;
 * `onCaretLine(line)` when the caret moves (while the editor has focus). `readOnly` shows the
 * text without letting it be edited.
 */
/** How long after the last edit `onChange` is called, ms. */
export const CHANGE_DELAY = 60;

export function createEditor(parent, { doc = '', check, onChange = () => {}, onDiagnostics = () => {}, onCaretLine = () => {}, readOnly = false }) {
  let changeTimer = 0;
  // An edit still waiting for its pause is told at once when the page goes away (reload,
  // close, another tab), so a reload within CHANGE_DELAY of typing loses nothing.
  const flush = () => {
    if (!changeTimer) return;
    clearTimeout(changeTimer);
    changeTimer = 0;
    onChange(view.state.doc.toString());
  };
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(); });
  const lint = linter(async (view) => {
    const state = view.state;
    let list;
    try {
      list = await check(state.doc.toString());
    } catch {
      return []; // the engine is being replaced; the next edit checks again
    }
    if (view.state.doc !== state.doc) return [];
    onDiagnostics(list);
    return list.map((d) => ({ ...diagnosticRange(state.doc, d), severity: d.severity === 'warning' ? 'warning' : 'error',
      message: d.message, source: `line ${d.line}, column ${d.col}` }));
  }, { delay: 200 });

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        ...(readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : []),
        lineNumbers(), highlightActiveLineGutter(), history(), drawSelection(), highlightActiveLine(),
        dagLanguage, syntaxHighlighting(highlight), lint, lintGutter(), taskLine, theme,
        keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap]),
        EditorView.contentAttributes.of({ 'aria-label': 'Task graph', spellcheck: 'false', autocorrect: 'off', autocapitalize: 'off' }),
        EditorView.updateListener.of((u) => {
          // The text is read once typing pauses (CHANGE_DELAY), not per keystroke: on a
          // 100,000-line graph each read copies megabytes.
          if (u.docChanged) {
            clearTimeout(changeTimer);
            changeTimer = setTimeout(() => { changeTimer = 0; onChange(view.state.doc.toString()); }, CHANGE_DELAY);
          }
          if (u.selectionSet && u.view.hasFocus) {
            onCaretLine(u.state.doc.lineAt(u.state.selection.main.head).number);
          }
        }),
      ],
    }),
  });

  return {
    view,
    text: () => view.state.doc.toString(),
    /** Tells `onChange` now of an edit still waiting for its pause (nothing if none). */
    flush,
    /** Replaces the whole text in one undoable change; `onChange` hears of it before this
     *  returns (a replacement is deliberate, not typing to wait out). */
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 }, scrollIntoView: true });
      flush();
    },
    /** Marks `line` (1-based; null clears) as the selected task's line and scrolls to it. */
    highlightLine(line) {
      const effects = [setHighlight.of(line)];
      if (line !== null && line <= view.state.doc.lines) effects.push(EditorView.scrollIntoView(view.state.doc.line(line).from, { y: 'nearest' }));
      view.dispatch({ effects });
    },
    /** Puts the caret at a 1-based line and column and focuses the editor. */
    focusAt(line, col = 1) {
      const l = view.state.doc.line(Math.min(Math.max(line, 1), view.state.doc.lines));
      const pos = l.from + Math.min(Math.max(col - 1, 0), l.length);
      view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
      view.focus();
    },
  };
}
