// semver.is_valid and semver.compare (SemVer 2.0.0 precedence).
import type { HostBuiltins } from './index.js';
import { str } from './values.js';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function semverParts(v: string): { core: bigint[]; pre: string[] } {
  const m = SEMVER.exec(v);
  if (!m) throw new SyntaxError(`invalid semver ${v}`);
  return { core: [BigInt(m[1] as string), BigInt(m[2] as string), BigInt(m[3] as string)], pre: m[4] ? m[4].split('.') : [] };
}

function comparePre(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (xn !== yn) {
      return xn ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return Math.sign(a.length - b.length);
}

function semverCompare(a: unknown, b: unknown): number {
  const x = semverParts(str(a));
  const y = semverParts(str(b));
  for (let i = 0; i < 3; i++) {
    const d = (x.core[i] as bigint) - (y.core[i] as bigint);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  return comparePre(x.pre, y.pre);
}

export const semverBuiltins: HostBuiltins = {
  'semver.is_valid': (v) => typeof v === 'string' && SEMVER.test(v),
  'semver.compare': semverCompare,
};
