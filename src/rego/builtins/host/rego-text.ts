// Rego value text (as the runtime's opa_value_dump writes it: JSON plus set literals) parsed into
// a tree that keeps sets apart from arrays, and printed back the way OPA prints terms.

export type Term =
  | { readonly t: 'scalar'; readonly text: string; readonly value: null | boolean | number | string }
  | { readonly t: 'array'; readonly items: Term[] }
  | { readonly t: 'set'; readonly items: Term[] }
  | { readonly t: 'object'; readonly entries: [Term, Term][] };

class Parser {
  private pos = 0;
  constructor(private readonly s: string) {}

  private ws(): void {
    while (/\s/.test(this.s[this.pos] ?? '')) this.pos++;
  }

  private peek(): string {
    this.ws();
    return this.s[this.pos] ?? '';
  }

  private eat(ch: string): void {
    if (this.peek() !== ch) throw new SyntaxError(`expected ${ch} at ${this.pos}`);
    this.pos++;
  }

  term(): Term {
    const c = this.peek();
    if (c === '[') return { t: 'array', items: this.list(']') };
    if (c === '{') return this.braces();
    if (this.s.startsWith('set()', this.pos)) {
      this.pos += 5;
      return { t: 'set', items: [] };
    }
    const m = /^(?:"(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.s.slice(this.pos));
    if (!m) throw new SyntaxError(`bad term at ${this.pos}`);
    this.pos += m[0].length;
    return { t: 'scalar', text: m[0], value: JSON.parse(m[0]) as null | boolean | number | string };
  }

  private list(close: string): Term[] {
    this.pos++;
    const out: Term[] = [];
    while (this.peek() !== close) {
      out.push(this.term());
      if (this.peek() === ',') this.pos++;
    }
    this.pos++;
    return out;
  }

  private braces(): Term {
    this.eat('{');
    if (this.peek() === '}') {
      this.pos++;
      return { t: 'object', entries: [] };
    }
    const first = this.term();
    if (this.peek() !== ':') {
      const items = [first];
      while (this.peek() === ',') {
        this.pos++;
        items.push(this.term());
      }
      this.eat('}');
      return { t: 'set', items };
    }
    const entries: [Term, Term][] = [];
    let key = first;
    for (;;) {
      this.eat(':');
      entries.push([key, this.term()]);
      if (this.peek() === ',') this.pos++;
      if (this.peek() === '}') break;
      key = this.term();
    }
    this.pos++;
    return { t: 'object', entries };
  }
}

export function parseRegoText(text: string): Term {
  return new Parser(text).term();
}

/** OPA's term text: `[1, "a"]`, `{"k": 1}`, `{1, 2}`, `set()`. */
export function regoString(t: Term): string {
  switch (t.t) {
    case 'scalar':
      return t.text;
    case 'array':
      return `[${t.items.map(regoString).join(', ')}]`;
    case 'set':
      return t.items.length === 0 ? 'set()' : `{${t.items.map(regoString).join(', ')}}`;
    case 'object':
      return `{${t.entries.map(([k, v]) => `${regoString(k)}: ${regoString(v)}`).join(', ')}}`;
  }
}

/**
 * internal.template_string: literal parts are strings; each interpolated expression arrives as the
 * set of its values (empty = undefined). Strings print raw, everything else as term text.
 */
export function templateString(text: string): string {
  const parts = parseRegoText(text);
  if (parts.t !== 'array') throw new TypeError('template parts must be an array');
  return parts.items
    .map((p) => {
      if (p.t === 'scalar' && typeof p.value === 'string') return p.value;
      if (p.t !== 'set') return regoString(p);
      if (p.items.length === 0) return '<undefined>';
      if (p.items.length > 1) throw new TypeError('template expression has several values');
      const v = p.items[0] as Term;
      return v.t === 'scalar' && typeof v.value === 'string' ? v.value : regoString(v);
    })
    .join('');
}

/**
 * A term as the JSON-shaped value host builtins work on, except that integers outside the
 * double's exact range stay exact as bigint, and sets become sorted arrays.
 */
export function termToValue(t: Term): unknown {
  switch (t.t) {
    case 'scalar':
      if (typeof t.value === 'number' && /^-?\d+$/.test(t.text) && !Number.isSafeInteger(t.value)) return BigInt(t.text);
      return t.value;
    case 'array':
    case 'set':
      return t.items.map(termToValue);
    case 'object':
      return Object.fromEntries(t.entries.map(([k, v]) => [k.t === 'scalar' && typeof k.value === 'string' ? k.value : regoString(k), termToValue(v)]));
  }
}
