// Reads the change numbers Gerrit reports on a push: its receive-pack response carries, on
// sideband channel 2, lines like `remote:   https://host/c/project/+/123 Subject [NEW]`.
// Fed the response bytes as they pass (it never holds them back), it collects the numbers so
// a completion record can name the changes a push created. Bounded: it stops looking after
// `maxBytes` of response, since the report comes before any large output.

const CHANGE_URL = /\/c\/[^\s]*\/\+\/(\d{1,10})(?:\s|$)/g;

export class SidebandChangeScanner {
  readonly #maxBytes: number;
  #seen = 0;
  #pending = Buffer.alloc(0);
  #text = '';
  readonly #numbers = new Set<number>();

  constructor(maxBytes = 256 * 1024) {
    this.#maxBytes = maxBytes;
  }

  /** Feed the next response chunk (pkt-line framed, as git-receive-pack answers). */
  push(chunk: Buffer): void {
    if (this.#seen >= this.#maxBytes) return;
    this.#seen += chunk.length;
    this.#pending = Buffer.concat([this.#pending, chunk]);
    let offset = 0;
    while (this.#pending.length - offset >= 4) {
      const len = Number.parseInt(this.#pending.toString('latin1', offset, offset + 4), 16);
      if (!Number.isInteger(len) || (len > 0 && len < 4)) return this.#stop();
      if (len === 0) {
        offset += 4;
        continue;
      }
      if (this.#pending.length - offset < len) break;
      const band = this.#pending[offset + 4];
      if (band === 2) this.#addText(this.#pending.toString('utf8', offset + 5, offset + len));
      offset += len;
    }
    this.#pending = this.#pending.subarray(offset);
  }

  /** Change numbers reported so far, in first-seen order. */
  numbers(): number[] {
    this.#addText('\n');
    return [...this.#numbers];
  }

  #addText(text: string): void {
    this.#text += text;
    const lines = this.#text.split(/[\r\n]/);
    this.#text = lines.pop() ?? '';
    for (const line of lines) for (const m of line.matchAll(CHANGE_URL)) this.#numbers.add(Number(m[1]));
  }

  #stop(): void {
    this.#seen = this.#maxBytes;
    this.#pending = Buffer.alloc(0);
  }
}
