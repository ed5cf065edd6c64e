// A tiny flag parser for the CLI: --name VALUE, --name=VALUE, -n VALUE, boolean --flag, and
// "--" to end flags. Unknown flags are usage errors (exit 2) rather than being ignored, so a
// mistyped --confg can't silently fall back to a default config.

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export type FlagValues<S extends FlagSpecs> = {
  -readonly [K in keyof S]?: S[K]['type'] extends 'string' ? string : boolean;
};

export interface Parsed<S extends FlagSpecs> {
  readonly flags: FlagValues<S>;
  readonly positionals: readonly string[];
}

/** Bad command-line usage: the CLI prints the message and the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function lookup(specs: FlagSpecs, token: string): [string, FlagSpec] | undefined {
  if (token.startsWith('--')) {
    const spec = specs[token.slice(2)];
    return spec === undefined ? undefined : [token.slice(2), spec];
  }
  const entry = Object.entries(specs).find(([, s]) => s.short !== undefined && `-${s.short}` === token);
  return entry;
}

export function parseArgs<S extends FlagSpecs>(args: readonly string[], specs: S): Parsed<S> {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const token = eq < 0 ? arg : arg.slice(0, eq);
    const found = lookup(specs, token);
    if (found === undefined) throw new UsageError(`unknown option ${token}`);
    const [name, spec] = found;
    if (name in flags) throw new UsageError(`option ${token} given more than once`);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`option ${token} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') throw new UsageError(`option ${token} needs a value`);
    flags[name] = value;
  }
  return { flags: flags as FlagValues<S>, positionals };
}

/** True when --help or -h appears before any "--". */
export function wantsHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}
