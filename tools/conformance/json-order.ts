// Rego's canonical order and equality over JSON values (sets arrive as arrays, as the SDK dumps them).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function rank(v: Json): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

function compareStrings(a: string, b: string): number {
  // Rego compares strings bytewise; UTF-16 code unit order differs only for astral characters.
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ab, bb);
}

export function compareJson(a: Json, b: Json): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a === null || b === null) return 0;
  if (typeof a === 'boolean' || typeof a === 'number') return a === b ? 0 : a < (b as typeof a) ? -1 : 1;
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (Array.isArray(a)) {
    const bArr = b as Json[];
    for (let i = 0; i < Math.min(a.length, bArr.length); i++) {
      const c = compareJson(a[i] as Json, bArr[i] as Json);
      if (c !== 0) return c;
    }
    return a.length === bArr.length ? 0 : a.length < bArr.length ? -1 : 1;
  }
  const bObj = b as { [key: string]: Json };
  const ka = Object.keys(a).sort(compareStrings);
  const kb = Object.keys(bObj).sort(compareStrings);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const c = compareStrings(ka[i] as string, kb[i] as string);
    if (c !== 0) return c;
    const v = compareJson(a[ka[i] as string] as Json, bObj[kb[i] as string] as Json);
    if (v !== 0) return v;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

export function sortedJson(values: readonly Json[]): Json[] {
  return [...values].sort(compareJson);
}
