// A tiny, safe expression language for lesson answers (docs/lessons.md): numbers with
// duration units (`2s` = 2000, `300us` = 0.3, in ms), strings, + - * / ^, comparisons,
// && || !, and calls of the functions an environment gives (makespan(3), span()…).
// Parsed by hand into a tree and evaluated by walking it: never eval or Function.

/** An error in an expression, with the 1-based column where it is. */
export class ExprError extends Error {
  constructor(message, col) {
    super(col ? `column ${col}: ${message}` : message);
    this.name = 'ExprError';
    this.col = col;
  }
}

const UNITS = { us: 0.001, ms: 1, s: 1000 };

function tokenize(src) {
  const out = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const col = i + 1;
    const num = /^(\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(us|ms|s|k|M|%)?(?![A-Za-z_0-9])/.exec(src.slice(i));
    if (num) {
      let v = Number(num[1] + (num[0].match(/[eE][+-]?\d+/)?.[0] ?? ''));
      const unit = num[2];
      if (unit === 'k') v *= 1e3;
      else if (unit === 'M') v *= 1e6;
      else if (unit === '%') v /= 100;
      else if (unit) v *= UNITS[unit];
      out.push({ t: 'num', v, col });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z_0-9]*/.exec(src.slice(i));
    if (id) { out.push({ t: 'id', v: id[0], col }); i += id[0].length; continue; }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new ExprError('this string is never closed', col);
      out.push({ t: 'str', v: src.slice(i + 1, end), col });
      i = end + 1;
      continue;
    }
    const op = /^(<=|>=|==|!=|&&|\|\||[-+*/^()<>!,])/.exec(src.slice(i));
    if (op) { out.push({ t: 'op', v: op[0], col }); i += op[0].length; continue; }
    throw new ExprError(`unexpected character \`${c}\``, col);
  }
  out.push({ t: 'end', col: src.length + 1 });
  return out;
}

/** Parses `src` into a tree; throws ExprError with the column of the problem. */
export function parseExpr(src) {
  if (typeof src !== 'string' || !src.trim()) throw new ExprError('the expression is empty');
  if (src.length > 2000) throw new ExprError('the expression is longer than 2000 characters');
  const toks = tokenize(src);
  let p = 0;
  let depth = 0;
  const peek = () => toks[p];
  const isOp = (v) => peek().t === 'op' && peek().v === v;
  const expect = (v) => {
    if (!isOp(v)) throw new ExprError(`expected \`${v}\``, peek().col);
    p++;
  };
  const binary = (next, ops) => () => {
    let left = next();
    while (peek().t === 'op' && ops.includes(peek().v)) {
      const { v, col } = toks[p++];
      left = { k: 'bin', op: v, a: left, b: next(), col };
    }
    return left;
  };
  const unary = () => {
    if (++depth > 100) throw new ExprError('the expression nests too deeply', peek().col);
    try {
      if (isOp('-') || isOp('!')) {
        const { v, col } = toks[p++];
        return { k: 'un', op: v, a: unary(), col };
      }
      const base = primary();
      if (isOp('^')) {
        const col = toks[p++].col;
        return { k: 'bin', op: '^', a: base, b: unary(), col };
      }
      return base;
    } finally {
      depth--;
    }
  };
  const primary = () => {
    const tok = toks[p++];
    if (tok.t === 'num') return { k: 'num', v: tok.v };
    if (tok.t === 'str') return { k: 'str', v: tok.v };
    if (tok.t === 'id') {
      if (!isOp('(')) return { k: 'var', name: tok.v, col: tok.col };
      p++;
      const args = [];
      if (!isOp(')')) {
        args.push(or());
        while (isOp(',')) { p++; args.push(or()); }
      }
      expect(')');
      return { k: 'call', name: tok.v, args, col: tok.col };
    }
    if (tok.t === 'op' && tok.v === '(') {
      const e = or();
      expect(')');
      return e;
    }
    throw new ExprError(tok.t === 'end' ? 'the expression ends too early' : `unexpected \`${tok.v}\``, tok.col);
  };
  const mul = binary(unary, ['*', '/']);
  const add = binary(mul, ['+', '-']);
  const cmp = binary(add, ['<', '<=', '>', '>=', '==', '!=']);
  const and = binary(cmp, ['&&']);
  const or = binary(and, ['||']);
  const tree = or();
  if (peek().t !== 'end') throw new ExprError(`unexpected \`${peek().v}\``, peek().col);
  return tree;
}

const MATH = {
  min: (...a) => Math.min(...a),
  max: (...a) => Math.max(...a),
  abs: Math.abs,
  floor: Math.floor,
  ceil: Math.ceil,
  sqrt: Math.sqrt,
  round: (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits,
};

/** The names of the built-in math functions. */
export const MATH_FUNCTIONS = Object.freeze(Object.keys(MATH));

/**
 * Evaluates a tree (or source text). `env.vars` maps names to numbers; `env.call(name, args)`
 * answers the other functions (it may be async). Resolves to a number or a boolean; rejects
 * with ExprError naming the column of an unknown name.
 */
export async function evaluate(tree, env = {}) {
  if (typeof tree === 'string') tree = parseExpr(tree);
  const walk = async (n) => {
    switch (n.k) {
      case 'num': case 'str': return n.v;
      case 'var': {
        if (env.vars && Object.hasOwn(env.vars, n.name)) return env.vars[n.name];
        if (n.name === 'true') return true;
        if (n.name === 'false') return false;
        throw new ExprError(`unknown name \`${n.name}\` (a function needs parentheses: ${n.name}())`, n.col);
      }
      case 'un': {
        const a = await walk(n.a);
        return n.op === '-' ? -num(a, n) : !a;
      }
      case 'bin': {
        if (n.op === '&&') return (await walk(n.a)) ? Boolean(await walk(n.b)) : false;
        if (n.op === '||') return (await walk(n.a)) ? true : Boolean(await walk(n.b));
        const a = await walk(n.a);
        const b = await walk(n.b);
        switch (n.op) {
          case '+': return num(a, n) + num(b, n);
          case '-': return num(a, n) - num(b, n);
          case '*': return num(a, n) * num(b, n);
          case '/': return num(a, n) / num(b, n);
          case '^': return num(a, n) ** num(b, n);
          case '<': return a < b;
          case '<=': return a <= b;
          case '>': return a > b;
          case '>=': return a >= b;
          case '==': return typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) : a === b;
          case '!=': return !(typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) : a === b);
        }
        break;
      }
      case 'call': {
        const args = [];
        for (const a of n.args) args.push(await walk(a));
        if (Object.hasOwn(MATH, n.name)) return MATH[n.name](...args.map((a) => num(a, n)));
        if (!env.call) throw new ExprError(`unknown function \`${n.name}\``, n.col);
        try {
          return await env.call(n.name, args);
        } catch (e) {
          throw e instanceof ExprError && e.col ? e : new ExprError(`${n.name}(): ${e.message}`, n.col);
        }
      }
    }
    throw new ExprError('malformed expression');
  };
  return walk(tree);
}

function num(v, n) {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'number') throw new ExprError(`expected a number, got ${JSON.stringify(v)}`, n.col);
  return v;
}

/** Every call in a tree (name, col), for checking a lesson's expressions before use. */
export function calls(tree, out = []) {
  if (tree.k === 'call') { out.push({ name: tree.name, col: tree.col }); tree.args.forEach((a) => calls(a, out)); }
  if (tree.k === 'bin') { calls(tree.a, out); calls(tree.b, out); }
  if (tree.k === 'un') calls(tree.a, out);
  return out;
}
