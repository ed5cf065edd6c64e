// Location-free view of AST values, for comparing trees parsed from different text.
export function stripLocations(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripLocations);
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (k !== 'location' && k !== 'comments') out[k] = stripLocations(v);
    }
    return out;
  }
  return x;
}
