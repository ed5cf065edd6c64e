// Gerrit's push options: `refs/for/<branch>%a,b=c` and `git push -o a -o b=c` feed one parser,
// so they are one list here. Each option is known-benign, known-dangerous (it skips review or
// forges state) or unknown; unknown options are reported so the policy can refuse them.

export interface PushOption {
  readonly name: string;
  readonly value: string | null;
  readonly source: 'ref' | 'push-option';
}

/** Options Gerrit understands that stay within code review. */
const BENIGN = new Set([
  'topic', 't', 'hashtag', 'r', 'reviewer', 'cc', 'm', 'message', 'wip', 'work-in-progress', 'ready',
  'private', 'remove-private', 'edit', 'e', 'publish-comments', 'np', 'no-publish-comments', 'notify', 'notify-to', 'notify-cc',
  'notify-bcc', 'ias', 'ignore-attention-set', 'deadline', 'trace', 'push-justification', 'create-cod-token', 'custom-keyed-value',
]);

/** Options that submit, vote, or bypass validation: resource attributes the policy sees. */
const DANGEROUS = new Set(['submit', 'merged', 'base', 'l', 'label', 'skip-validation', 'notedb']);

export function parseOption(text: string, source: PushOption['source']): PushOption {
  const eq = text.indexOf('=');
  return eq < 0 ? { name: text, value: null, source } : { name: text.slice(0, eq), value: text.slice(eq + 1), source };
}

/** Options after the first `%` of a magic ref, comma-separated. */
export function refOptions(text: string): PushOption[] {
  return text.split(',').filter((t) => t !== '').map((t) => parseOption(t, 'ref'));
}

export type OptionClass = 'benign' | 'dangerous' | 'unknown';

export function optionClass(option: PushOption): OptionClass {
  const name = option.name.toLowerCase();
  if (DANGEROUS.has(name)) return 'dangerous';
  // Gerrit matches option names exactly; a spelling it would not know is not one we allow.
  if (BENIGN.has(option.name)) return 'benign';
  return 'unknown';
}

/** The dangerous option's attribute name: `l=` and `label=` are both `label`. */
export function dangerName(option: PushOption): string {
  const name = option.name.toLowerCase();
  return name === 'l' ? 'label' : name;
}
