// Reads the change numbers Gerrit reports on a push: its receive-pack response carries, on
// sideband channel 2, lines like `remote:   https://host/c/project/+/123 Subject [NEW]`.
// Fed the response bytes as they pass (it never holds them back), it collects the numbers so
// a completion record can name the changes a push created. Bounded: it stops looking after
// `maxBytes` of response, since the report comes before any large output.
//
// The response is the upstream's, but it is still input we did not write: the framing is read
// as exactly four hex digits (anything else ends the scan), every byte is looked at a bounded
// number of times whatever the packet and chunk sizes, and lines are capped in length.

import { ByteAccumulator } from '../../../util/byte-accumulator.js';
import { pktLength } from './pkt-line.js';

/** Longer than any line Gerrit writes about a change; the rest of a longer line is ignored. */
const MAX_LINE = 4096;
const DIGITS = /^\d{1,10}$/;
const LINE_BREAK = /[\r\n]/g;

export class SidebandChangeScanner {
  readonly #maxBytes: number;
  #seen = 0;
  readonly #pending = new ByteAccumulator();
  /** The current line's text so far, at most MAX_LINE characters. */
  #line = '';
  #lineCut = false;
  readonly #numbers = new Set<number>();

  constructor(maxBytes = 256 * 1024) {
    this.#maxBytes = maxBytes;
  }

  /** Feed the next response chunk (pkt-line framed, as git-receive-pack answers). */
  push(chunk: Buffer): void {
    if (this.#seen >= this.#maxBytes) return;
    this.#seen += chunk.length;
    this.#pending.append(chunk);
    const buf = this.#pending.bytes();
    let offset = 0;
    while (buf.length - offset >= 4) {
      const len = pktLength(buf, offset);
      if (len < 0 || (len > 0 && len < 4)) return this.#stop();
      if (len === 0 || len === 4) {
        offset += 4;
        continue;
      }
      if (buf.length - offset < len) break;
      if (buf[offset + 4] === 2) this.#addText(buf.toString('utf8', offset + 5, offset + len));
      offset += len;
    }
    this.#pending.consume(offset);
  }

  /** Change numbers reported so far, in first-seen order. */
  numbers(): number[] {
    this.#addText('\n');
    return [...this.#numbers];
  }

  #addText(text: string): void {
    let start = 0;
    LINE_BREAK.lastIndex = 0;
    for (let m = LINE_BREAK.exec(text); m !== null; m = LINE_BREAK.exec(text)) {
      this.#append(text.slice(start, m.index));
      this.#scanLine();
      start = m.index + 1;
    }
    this.#append(text.slice(start));
  }

  #append(piece: string): void {
    const room = MAX_LINE - this.#line.length;
    if (piece.length > room) this.#lineCut = true;
    if (room > 0) this.#line += piece.slice(0, room);
  }

  #scanLine(): void {
    const tokens = this.#line.split(/\s+/);
    // The last token of a cut line may be the start of a longer one.
    if (this.#lineCut) tokens.pop();
    for (const token of tokens) {
      const n = changeNumber(token);
      if (n !== undefined) this.#numbers.add(n);
    }
    this.#line = '';
    this.#lineCut = false;
  }

  #stop(): void {
    this.#seen = this.#maxBytes;
    this.#pending.consume(this.#pending.length);
  }
}

/** The number of a change URL token `…/c/<project>/+/<number>`, or undefined. */
function changeNumber(token: string): number | undefined {
  const plus = token.lastIndexOf('/+/');
  if (plus < 0) return undefined;
  const c = token.indexOf('/c/');
  if (c < 0 || c + 3 > plus) return undefined;
  const digits = token.slice(plus + 3);
  return DIGITS.test(digits) ? Number(digits) : undefined;
}
