// Arbitrary-precision decimal numbers as Rego needs them: m * 10^e with a bigint mantissa.
// Integers of any size and finite decimals stay exact; only division that does not terminate
// falls back to a double, as OPA's own results for such divisions are doubles too.

export class RNumber {
  /** Normalised: m has no trailing decimal zeros unless it is 0 (then e is 0). */
  private constructor(readonly m: bigint, readonly e: number) {}

  static of(m: bigint, e: number): RNumber {
    if (m === 0n) return new RNumber(0n, 0);
    while (m % 10n === 0n) {
      m /= 10n;
      e += 1;
    }
    return new RNumber(m, e);
  }

  static int(n: number | bigint): RNumber {
    return RNumber.of(BigInt(n), 0);
  }

  /** Parses JSON/Rego number text; returns undefined on malformed text. */
  static parse(text: string): RNumber | undefined {
    const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m) return undefined;
    const frac = m[3] ?? '';
    const exp = Number(m[4] ?? '0');
    // Hostile exponents (1e999999999) must not allocate huge bigints.
    if (!Number.isFinite(exp) || Math.abs(exp) > 100000) return undefined;
    const mant = BigInt((m[1] ?? '') + (m[2] ?? '0') + frac);
    return RNumber.of(mant, exp - frac.length);
  }

  static fromDouble(x: number): RNumber | undefined {
    if (!Number.isFinite(x)) return undefined;
    if (Number.isInteger(x) && Math.abs(x) < 2 ** 53) return RNumber.int(x);
    return RNumber.parse(String(x));
  }

  isInt(): boolean {
    return this.e >= 0;
  }

  /** The integer value, if this is an integer whose exponent is reasonable. */
  toBigInt(): bigint | undefined {
    if (this.e < 0 || this.e > 4000) return undefined;
    return this.m * 10n ** BigInt(this.e);
  }

  toDouble(): number {
    return Number(this.toString());
  }

  sign(): number {
    return this.m === 0n ? 0 : this.m < 0n ? -1 : 1;
  }

  toString(): string {
    if (this.e >= 0) {
      if (this.e > 30) return `${this.m}e${this.e}`;
      return (this.m * 10n ** BigInt(this.e)).toString();
    }
    const neg = this.m < 0n;
    let digits = (neg ? -this.m : this.m).toString();
    const scale = -this.e;
    if (scale > 60) return `${neg ? '-' : ''}${digits}e${this.e}`;
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    const cut = digits.length - scale;
    return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
  }
}

function align(a: RNumber, b: RNumber): [bigint, bigint, number] | undefined {
  const e = Math.min(a.e, b.e);
  if (Math.max(a.e, b.e) - e > 10000) return undefined;
  return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e), e];
}

export function numCompare(a: RNumber, b: RNumber): number {
  const al = align(a, b);
  if (al === undefined) {
    const x = a.toDouble();
    const y = b.toDouble();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return al[0] < al[1] ? -1 : al[0] > al[1] ? 1 : 0;
}

export function numAdd(a: RNumber, b: RNumber): RNumber | undefined {
  const al = align(a, b);
  return al && RNumber.of(al[0] + al[1], al[2]);
}

export function numSub(a: RNumber, b: RNumber): RNumber | undefined {
  const al = align(a, b);
  return al && RNumber.of(al[0] - al[1], al[2]);
}

export function numMul(a: RNumber, b: RNumber): RNumber | undefined {
  if (Math.abs(a.e + b.e) > 100000) return undefined;
  return RNumber.of(a.m * b.m, a.e + b.e);
}

/** Division: exact when the quotient terminates within 40 digits, else a double. */
export function numDiv(a: RNumber, b: RNumber): RNumber | undefined {
  if (b.m === 0n) return undefined;
  const scale = 40n;
  const num = a.m * 10n ** scale;
  const q = num / b.m;
  if (q * b.m === num) return RNumber.of(q, a.e - b.e - Number(scale));
  return RNumber.fromDouble(a.toDouble() / b.toDouble());
}

/** Remainder of integers (truncated, sign of the dividend, like Go's big.Int.Rem). */
export function numRem(a: RNumber, b: RNumber): RNumber | undefined {
  const x = a.toBigInt();
  const y = b.toBigInt();
  if (x === undefined || y === undefined || y === 0n) return undefined;
  return RNumber.of(x % y, 0);
}
