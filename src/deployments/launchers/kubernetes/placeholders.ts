// `{name}` placeholders in the template's strings, replaced in one pass: a value that contains
// `{change}` (or anything else) stays literal. `${VAR}` is a shell's, not ours, and is left alone,
// as are braces around anything that is not an identifier (`{"a": 1}`).

export const TEMPLATE_PLACEHOLDERS = ['change', 'patchset', 'pathPrefix', 'checkout', 'name'] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
export type PlaceholderValues = Readonly<Record<TemplatePlaceholder, string>>;

const TOKEN = /(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_PLACEHOLDERS);

/** The placeholders `text` names that are not ours (a typo the operator should hear about at start-up). */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((m) => m[1]!).filter((n) => !KNOWN.has(n));
}

export function substitute(text: string, values: PlaceholderValues): string {
  return text.replace(TOKEN, (whole, name: string) => (KNOWN.has(name) ? values[name as TemplatePlaceholder] : whole));
}

/** The values for one launch from the spec's placeholders; a missing one is a message. */
export function placeholderValues(given: Readonly<Record<string, string>>): PlaceholderValues | string {
  const missing = TEMPLATE_PLACEHOLDERS.filter((n) => typeof given[n] !== 'string');
  if (missing.length > 0) return `the launch spec has no value for ${missing.map((n) => `{${n}}`).join(' ')}`;
  return Object.fromEntries(TEMPLATE_PLACEHOLDERS.map((n) => [n, given[n]!])) as PlaceholderValues;
}
