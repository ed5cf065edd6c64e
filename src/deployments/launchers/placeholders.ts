// `{name}` placeholders in the launcher's command, env and cleanup command. Substitution is one
// pass: a value that itself contains `{port}` (a checkout path, a change subject) stays literal,
// so nothing a change author controls can smuggle a second expansion in.

export const PLACEHOLDER_NAMES = ['port', 'pathPrefix', 'change', 'patchset', 'checkout', 'name'] as const;
export type PlaceholderName = (typeof PLACEHOLDER_NAMES)[number];
export type PlaceholderValues = Readonly<Record<PlaceholderName, string>>;

/** Only identifier-like braces are placeholders: `{"a":1}` in a JSON env value is left alone. */
const TOKEN = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const KNOWN: ReadonlySet<string> = new Set(PLACEHOLDER_NAMES);

function isPlaceholderName(name: string): name is PlaceholderName {
  return KNOWN.has(name);
}

/** One line per unknown placeholder, `<where>: unknown placeholder {x} (known: ...)`. */
export function unknownPlaceholderProblems(templates: ReadonlyArray<{ readonly where: string; readonly text: string }>): string[] {
  const problems: string[] = [];
  for (const { where, text } of templates) {
    for (const m of text.matchAll(TOKEN)) {
      const name = m[1]!;
      if (!isPlaceholderName(name)) problems.push(`${where}: unknown placeholder {${name}} (known: ${PLACEHOLDER_NAMES.map((n) => `{${n}}`).join(' ')})`);
    }
  }
  return problems;
}

/** Replaces every known placeholder in one pass; an unknown one throws (checked at construction, so it cannot happen after). */
export function substitute(text: string, values: PlaceholderValues): string {
  return text.replace(TOKEN, (_whole, name: string) => {
    if (!isPlaceholderName(name)) throw new Error(`unknown placeholder {${name}}`);
    return values[name];
  });
}

/** The spec's values (all but {port}); a missing one is a message for the launch error. */
export function specPlaceholders(given: Readonly<Record<string, string>>): Omit<PlaceholderValues, 'port'> | string {
  const missing = PLACEHOLDER_NAMES.filter((n) => n !== 'port' && typeof given[n] !== 'string');
  if (missing.length > 0) return `the launch spec has no value for ${missing.map((n) => `{${n}}`).join(' ')}`;
  return { pathPrefix: given['pathPrefix']!, change: given['change']!, patchset: given['patchset']!, checkout: given['checkout']!, name: given['name']! };
}

/** The values for one launch: the spec's, plus the port the launcher picked (it wins over any the spec has). */
export function withPort(values: Omit<PlaceholderValues, 'port'>, port: number): PlaceholderValues {
  return { ...values, port: String(port) };
}
