// Parses the Rego term text of a case's `input_term` into the JSON the SDK sends: sets become
// sorted arrays, as OPA's Go SDK serialises them. Accepts JSON plus set literals and trailing commas.
import { sortedJson, type Json } from './json-order.js';

class TermParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): Json {
    const v = this.value();
    this.ws();
    if (this.pos !== this.text.length) throw this.error('trailing text');
    return v;
  }

  private error(msg: string): Error {
    return new Error(`input_term: ${msg} at ${this.pos}`);
  }

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  private peek(): string {
    this.ws();
    return this.text[this.pos] ?? '';
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) throw this.error(`expected ${ch}`);
    this.pos++;
  }

  private value(): Json {
    const c = this.peek();
    if (c === '{') return this.braces();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (this.text.startsWith('set()', this.pos)) {
      this.pos += 5;
      return [];
    }
    const m = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(this.text.slice(this.pos));
    if (!m) throw this.error('unexpected token');
    this.pos += m[0].length;
    return JSON.parse(m[0]) as Json;
  }

  private string(): string {
    const m = /^"(?:[^"\\]|\\.)*"/.exec(this.text.slice(this.pos));
    if (!m) throw this.error('bad string');
    this.pos += m[0].length;
    return JSON.parse(m[0]) as string;
  }

  private array(): Json[] {
    this.expect('[');
    const out: Json[] = [];
    while (this.peek() !== ']') {
      out.push(this.value());
      if (this.peek() === ',') this.pos++;
    }
    this.pos++;
    return out;
  }

  private braces(): Json {
    this.expect('{');
    if (this.peek() === '}') {
      this.pos++;
      return {};
    }
    const first = this.value();
    if (this.peek() === ':') return this.objectRest(first);
    const elems: Json[] = [first];
    while (this.peek() === ',') {
      this.pos++;
      if (this.peek() === '}') break;
      elems.push(this.value());
    }
    this.expect('}');
    return sortedJson(elems);
  }

  private objectRest(firstKey: Json): Json {
    const out: { [k: string]: Json } = {};
    let key = firstKey;
    for (;;) {
      this.expect(':');
      out[typeof key === 'string' ? key : JSON.stringify(key)] = this.value();
      if (this.peek() === ',') this.pos++;
      if (this.peek() === '}') break;
      key = this.value();
    }
    this.pos++;
    return out;
  }
}

export function parseInputTerm(text: string): Json {
  return new TermParser(text).parse();
}
