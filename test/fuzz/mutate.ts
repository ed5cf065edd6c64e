// Deterministic, structure-aware mutation of seed inputs. Every input is derived from
// (seed, target, index) alone, so any input the fuzzer ran can be regenerated from its index:
// a worker that hangs or runs out of memory is reported with the exact bytes that did it.

import { createHash } from 'node:crypto';

export interface FuzzInput {
  readonly data: Buffer;
  /** How the bytes arrive, for the streaming parsers: chunks of this size (0: in one piece). */
  readonly chunk: number;
}

export type Rng = () => number;

/** mulberry32: small, fast, and the same on every machine. */
export function rngFor(...parts: readonly (string | number)[]): Rng {
  let a = createHash('sha256').update(parts.join('\0')).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)] as T;

/** Inputs stay below this; the time budget is set for it. */
export const MAX_INPUT = 64 * 1024;

export type Mutator = (data: Buffer, rng: Rng, seeds: readonly Buffer[]) => Buffer;

const TOKENS = ['%', '%2e', '%2F', '%25', '%00', '%C0%AE', ';', ';x=1', '\0', '\r\n', '\n', '\r', '/', '//', '..', '/../', '"', "'", '\\', '{', '}', '[', ']', ':', ',', '#', '&', '=', '?', '-', '- ', '\t', '\u2028', '\u00e9', '\ud83d\ude00', '\ufeff', '__proto__', 'constructor', 'toString', '-008', '0000', 'ffff', '0004', '0005'].map((t) => Buffer.from(t, 'utf8'));
const RAW_BYTES = [Buffer.from([0xff]), Buffer.from([0xc0, 0xae]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80])];
const NESTS: readonly (readonly [string, string])[] = [
  ['[', ']'],
  ['{"a":', '}'],
  ['{ a ', ' }'],
  ['- ', ''],
  ['  ', ''],
  ['(', ')'],
  ['a/', ''],
];

function slice(data: Buffer, rng: Rng): [number, number] {
  const a = int(rng, data.length + 1);
  const b = a + int(rng, Math.min(64, data.length - a) + 1);
  return [a, b];
}

function at(data: Buffer, rng: Rng, insert: Buffer, replace = 0): Buffer {
  const i = int(rng, data.length + 1);
  return Buffer.concat([data.subarray(0, i), insert, data.subarray(Math.min(data.length, i + replace))]);
}

export const GENERIC: readonly Mutator[] = [
  // Splice: a piece of another seed, in the middle of this one.
  (d, rng, seeds) => {
    const other = pick(rng, seeds);
    const [a, b] = slice(other, rng);
    return at(d, rng, other.subarray(a, b), int(rng, 8));
  },
  // Repeat a piece, a few times or many.
  (d, rng) => {
    const [a, b] = slice(d, rng);
    const times = rng() < 0.7 ? 1 + int(rng, 8) : 1 + int(rng, 4096);
    const piece = d.subarray(a, b);
    return Buffer.concat([d.subarray(0, b), Buffer.alloc(piece.length * times).fill(piece.length === 0 ? Buffer.from('a') : piece), d.subarray(b)]);
  },
  // Truncate.
  (d, rng) => d.subarray(0, int(rng, d.length + 1)),
  // Length-field corruption: a run of four hex digits (pkt-line lengths), or a number.
  (d, rng) => {
    const text = d.toString('latin1');
    const fields = [...text.matchAll(/[0-9a-f]{4}|\d+/g)];
    if (fields.length === 0) return d;
    const f = pick(rng, fields);
    const repl = pick(rng, ['-008', '-00a', ' 008', '0000', '0001', '0004', 'ffff', '+00f', '1e99', '-1', '99999999999999999999', '0x10', '007']);
    return Buffer.concat([d.subarray(0, f.index), Buffer.from(repl, 'latin1'), d.subarray((f.index ?? 0) + f[0].length)]);
  },
  // Tokens that parsers disagree about.
  (d, rng) => at(d, rng, pick(rng, TOKENS), int(rng, 2)),
  (d, rng) => at(d, rng, pick(rng, RAW_BYTES)),
  // Bit flip.
  (d, rng) => {
    if (d.length === 0) return d;
    const out = Buffer.from(d);
    const i = int(rng, out.length);
    out[i] = (out[i] ?? 0) ^ (1 << int(rng, 8));
    return out;
  },
  // Deep nesting around a piece.
  (d, rng) => {
    const [open, close] = pick(rng, NESTS);
    const depth = rng() < 0.5 ? 1 + int(rng, 64) : 1 + int(rng, 5000);
    const [a, b] = slice(d, rng);
    return Buffer.concat([d.subarray(0, a), Buffer.from(open.repeat(depth)), d.subarray(a, b), Buffer.from(close.repeat(depth)), d.subarray(b)]);
  },
];

const CHUNKS = [0, 0, 0, 1, 2, 3, 7, 64, 1024];

/** Input `index` of a run: a seed, mutated one to four times, in a chunking. */
export function generate(seed: string, target: string, index: number, seeds: readonly Buffer[], mutators: readonly Mutator[]): FuzzInput {
  const rng = rngFor(seed, target, index);
  let data = pick(rng, seeds);
  const rounds = 1 + int(rng, 4);
  for (let i = 0; i < rounds; i++) data = pick(rng, mutators)(data, rng, seeds);
  if (data.length > MAX_INPUT) data = data.subarray(0, MAX_INPUT);
  return { data, chunk: pick(rng, CHUNKS) };
}

/** Splits `data` as a client or upstream might send it. */
export function chunksOf(input: FuzzInput): Buffer[] {
  if (input.chunk <= 0 || input.data.length === 0) return [input.data];
  const out: Buffer[] = [];
  for (let i = 0; i < input.data.length; i += input.chunk) out.push(input.data.subarray(i, i + input.chunk));
  return out;
}
