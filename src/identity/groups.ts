// Group lists are unbounded in the wild (Azure users in 300+ groups). Roles are computed from the
// whole list; what travels further (policy input, headers, assertion) is bounded, and when it must
// be cut the groups the role map names are kept first, so cutting never changes a role and the
// groups a policy is likely to test survive. The order is otherwise the IdP's, never random.

/** Reject a token whose group claim is absurdly long rather than spend time on it. */
export const MAX_GROUPS_IN_CLAIM = 2000;
/** Groups carried on an identity (policy input, audit). */
export const MAX_IDENTITY_GROUPS = 100;

/**
 * The groups in a claim value: an array of strings, or a single string (some IdPs send one group
 * that way). Non-strings and empties are dropped, duplicates removed. `undefined` when the claim
 * holds more than MAX_GROUPS_IN_CLAIM entries.
 */
export function groupsFromClaim(value: unknown): string[] | undefined {
  const raw = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : [];
  if (raw.length > MAX_GROUPS_IN_CLAIM) return undefined;
  const out = new Set<string>();
  for (const g of raw) if (typeof g === 'string' && g !== '') out.add(g);
  return [...out];
}

/** At most `max` groups, the ones in `keepFirst` ahead of the rest. */
export function boundGroups(groups: readonly string[], max: number, keepFirst: ReadonlySet<string>): string[] {
  if (groups.length <= max) return [...groups];
  const first = groups.filter((g) => keepFirst.has(g));
  const rest = groups.filter((g) => !keepFirst.has(g));
  return [...first, ...rest].slice(0, max);
}

// Printable ASCII without the list separator: anything else could not be sent in a header or
// would split into two groups upstream.
const HEADER_SAFE_GROUP = /^[\x21-\x2b\x2d-\x7e](?:[\x20-\x2b\x2d-\x7e]*[\x21-\x2b\x2d-\x7e])?$/;

/** A comma-separated header value of whole groups, at most `maxBytes` long. */
export function groupsHeaderValue(groups: readonly string[], maxBytes: number): string {
  let value = '';
  for (const g of groups) {
    if (!HEADER_SAFE_GROUP.test(g)) continue;
    const next = value === '' ? g : `${value},${g}`;
    if (next.length > maxBytes) break;
    value = next;
  }
  return value;
}

/** At most `maxCount` whole groups whose names add up to at most `maxChars`, in order. */
export function boundGroupsBySize(groups: readonly string[], maxCount: number, maxChars: number): string[] {
  const out: string[] = [];
  let chars = 0;
  for (const g of groups) {
    if (out.length >= maxCount || chars + g.length > maxChars) break;
    out.push(g);
    chars += g.length;
  }
  return out;
}
