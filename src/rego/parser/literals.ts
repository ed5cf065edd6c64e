// Scalar literal decoding: JSON string escapes and number validation. Numbers stay source text so
// arbitrarily large or precise literals survive; only their magnitude is bounded, as OPA bounds it,
// because later stages must be able to materialise them.

/** Undefined when the escapes are invalid (e.g. a bad `\u` sequence). */
export function decodeString(literal: string): string | undefined {
  const inner = literal.slice(1, -1);
  if (!inner.includes('\\')) return inner;
  try {
    const decoded: unknown = JSON.parse(literal);
    return typeof decoded === 'string' ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** OPA rejects numbers whose binary exponent exceeds 1e5; about 30,100 decimal digits. */
const MAX_DECIMAL_EXPONENT = 30_100;

export type NumberCheck = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Validates `digits` (the scanned literal, e.g. `12.5e3`) with an optional sign and leading-dot
 * prefix, and returns the text the AST keeps: `.5` becomes `0.5` so it is valid JSON.
 */
export function checkNumber(negative: boolean, leadingDot: boolean, digits: string): NumberCheck {
  if (!leadingDot && digits.length > 1 && digits[0] === '0') {
    const second = digits[1];
    const scientific = (second === 'e' || second === 'E') && digits.length > 2;
    if (second !== '.' && !scientific) return { ok: false, reason: 'expected number without leading zero' };
  }
  if (leadingDot && /[.]/.test(digits)) return { ok: false, reason: 'invalid float' };
  const text = `${negative ? '-' : ''}${leadingDot ? '0.' : ''}${digits}`;
  if (Math.abs(decimalExponent(leadingDot ? `0.${digits}` : digits)) > MAX_DECIMAL_EXPONENT) {
    return { ok: false, reason: 'number too big' };
  }
  return { ok: true, text };
}

/** Position of the most significant digit relative to the decimal point, exponent included. */
function decimalExponent(literal: string): number {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (m === null) return 0;
  const intPart = (m[1] ?? '').replace(/^0+/, '');
  const frac = m[2] ?? '';
  const expText = m[3] ?? '0';
  // Exponent digits beyond a dozen are out of range whatever the mantissa; avoid Number overflow.
  const exp = expText.replace(/^[+-]?0*/, '').length > 12 ? Infinity : Number(expText);
  if (intPart.length > 0) return intPart.length + exp;
  const firstNonZero = frac.search(/[1-9]/);
  if (firstNonZero < 0) return 0; // the value is zero: any exponent is harmless
  return exp - firstNonZero;
}
