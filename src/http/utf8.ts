// A byte-at-a-time UTF-8 validator (RFC 3629 table 3-7). The normalizer feeds it every octet of
// the decoded path, raw or escaped, so overlong forms (`%C0%AE` for `.`), surrogates
// (`%ED%A0%80`), code points past U+10FFFF and truncated sequences are all refused: a backend
// that decodes leniently would otherwise see a `.` or `/` that we never saw.

export class Utf8Validator {
  /** Continuation bytes still expected. */
  #need = 0;
  /** Allowed range of the next continuation byte (narrowed after some lead bytes). */
  #lo = 0x80;
  #hi = 0xbf;

  /** Feeds one octet; false as soon as the sequence cannot be valid UTF-8. */
  push(b: number): boolean {
    if (this.#need === 0) {
      if (b < 0x80) return true;
      return this.#lead(b);
    }
    if (b < this.#lo || b > this.#hi) return false;
    this.#need--;
    this.#lo = 0x80;
    this.#hi = 0xbf;
    return true;
  }

  /** True when no multi-byte sequence is left open. */
  complete(): boolean {
    return this.#need === 0;
  }

  #lead(b: number): boolean {
    if (b >= 0xc2 && b <= 0xdf) return this.#expect(1, 0x80, 0xbf);
    if (b === 0xe0) return this.#expect(2, 0xa0, 0xbf); // no overlong 3-byte forms
    if (b === 0xed) return this.#expect(2, 0x80, 0x9f); // no UTF-16 surrogates
    if (b >= 0xe1 && b <= 0xef) return this.#expect(2, 0x80, 0xbf);
    if (b === 0xf0) return this.#expect(3, 0x90, 0xbf); // no overlong 4-byte forms
    if (b >= 0xf1 && b <= 0xf3) return this.#expect(3, 0x80, 0xbf);
    if (b === 0xf4) return this.#expect(3, 0x80, 0x8f); // nothing past U+10FFFF
    return false; // 0x80-0xC1 (stray continuation, overlong 2-byte) and 0xF5-0xFF
  }

  #expect(need: number, lo: number, hi: number): boolean {
    this.#need = need;
    this.#lo = lo;
    this.#hi = hi;
    return true;
  }
}
