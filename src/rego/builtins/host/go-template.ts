// strings.render_template: the part of Go's text/template that policies use — `{{.a.b}}` field
// paths, `$vars`, `{{if}}`/`{{else}}`/`{{end}}` and `{{range [$i[, $v] :=] pipeline}}`. A
// missing key prints as <undefined>, as OPA renders it. Anything else is an error (undefined).
import type { Value } from './values.js';

type Node =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'print'; readonly expr: string }
  | { readonly t: 'if'; readonly expr: string; readonly then: Node[]; readonly otherwise: Node[] }
  | { readonly t: 'range'; readonly expr: string; readonly vars: string[]; readonly body: Node[]; readonly otherwise: Node[] };

const MISSING = Symbol('missing');
type Val = Value | typeof MISSING;

/** Splits the template into text and trimmed action texts. */
function lex(src: string): { text?: string; action?: string }[] {
  const out: { text?: string; action?: string }[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ text: src.slice(i) });
      break;
    }
    const close = src.indexOf('}}', open + 2);
    if (close < 0) throw new SyntaxError('unclosed action');
    let text = src.slice(i, open);
    let action = src.slice(open + 2, close);
    if (action.startsWith('- ')) {
      text = text.trimEnd();
      action = action.slice(2);
    }
    let next = close + 2;
    if (action.endsWith(' -')) {
      action = action.slice(0, -2);
      const m = /^\s*/.exec(src.slice(next));
      next += m?.[0].length ?? 0;
    }
    if (text !== '') out.push({ text });
    out.push({ action: action.trim() });
    i = next;
  }
  return out;
}

function parse(items: { text?: string; action?: string }[]): Node[] {
  let pos = 0;
  const block = (stops: readonly string[]): { nodes: Node[]; stop: string } => {
    const nodes: Node[] = [];
    while (pos < items.length) {
      const it = items[pos++] as { text?: string; action?: string };
      if (it.text !== undefined) {
        nodes.push({ t: 'text', text: it.text });
        continue;
      }
      const a = it.action as string;
      if (a.startsWith('/*')) continue;
      const word = a.split(/\s+/, 1)[0] as string;
      if (stops.includes(word)) return { nodes, stop: word };
      if (word === 'if' || word === 'range') {
        const head = a.slice(word.length).trim();
        const body = block(['else', 'end']);
        const otherwise = body.stop === 'else' ? block(['end']).nodes : [];
        if (word === 'if') nodes.push({ t: 'if', expr: head, then: body.nodes, otherwise });
        else {
          const m = /^(\$\w+)(?:\s*,\s*(\$\w+))?\s*:=\s*(.+)$/.exec(head);
          nodes.push({ t: 'range', expr: m ? (m[3] as string) : head, vars: m ? [m[1], m[2]].filter((v): v is string => v !== undefined) : [], body: body.nodes, otherwise });
        }
        continue;
      }
      if (word === 'else' || word === 'end') throw new SyntaxError(`unexpected {{${word}}}`);
      nodes.push({ t: 'print', expr: a });
    }
    if (stops.length > 0) throw new SyntaxError('unexpected end of template');
    return { nodes, stop: '' };
  };
  return block([]).nodes;
}

function field(v: Val, name: string): Val {
  if (v === MISSING || v === null || typeof v !== 'object' || Array.isArray(v)) return MISSING;
  return name in v ? (v[name] as Value) : MISSING;
}

function evalExpr(expr: string, dot: Val, vars: ReadonlyMap<string, Val>): Val {
  const e = expr.trim();
  if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
  if (/^"(?:[^"\\]|\\.)*"$/.test(e)) return JSON.parse(e) as string;
  if (e === 'true' || e === 'false') return e === 'true';
  const m = /^(\$\w*|\.)((?:\.\w+)*)$/.exec(e) ?? /^()((?:\.\w+)+)$/.exec(e);
  if (m === null) throw new SyntaxError(`unsupported template expression ${e}`);
  const [, head, path] = m as unknown as [string, string, string];
  let v: Val = head === '' || head === '.' ? dot : vars.has(head) ? (vars.get(head) as Val) : MISSING;
  for (const name of path.split('.').filter((s) => s !== '')) v = field(v, name);
  return v;
}

function truthy(v: Val): boolean {
  if (v === MISSING || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Go's %v for the JSON values a policy passes. */
function show(v: Val): string {
  if (v === MISSING) return '<undefined>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`;
  return `map[${Object.keys(v).sort().map((k) => `${k}:${show(v[k] as Value)}`).join(' ')}]`;
}

function render(nodes: readonly Node[], dot: Val, vars: Map<string, Val>, out: string[]): void {
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
        out.push(n.text);
        break;
      case 'print':
        out.push(show(evalExpr(n.expr, dot, vars)));
        break;
      case 'if':
        render(truthy(evalExpr(n.expr, dot, vars)) ? n.then : n.otherwise, dot, vars, out);
        break;
      case 'range': {
        const coll = evalExpr(n.expr, dot, vars);
        const entries: [Value, Value][] =
          coll === MISSING || coll === null || typeof coll !== 'object'
            ? []
            : Array.isArray(coll)
              ? coll.map((x, i) => [i, x])
              : Object.keys(coll).sort().map((k) => [k, coll[k] as Value]);
        if (entries.length === 0) render(n.otherwise, dot, vars, out);
        for (const [k, x] of entries) {
          const scope = new Map(vars);
          if (n.vars.length === 1) scope.set(n.vars[0] as string, x);
          if (n.vars.length === 2) {
            scope.set(n.vars[0] as string, k);
            scope.set(n.vars[1] as string, x);
          }
          render(n.body, x, scope, out);
        }
        break;
      }
    }
  }
}

export function renderTemplate(template: string, data: Value): string {
  const out: string[] = [];
  render(parse(lex(template)), data, new Map([['$', data]]), out);
  return out.join('');
}
