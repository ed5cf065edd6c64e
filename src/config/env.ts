// `${NAME}` in a string value is replaced from the environment, so secrets stay out of files.
// Rules (README "Configuration"):
// - NAME matches [A-Z_][A-Z0-9_]*; a reference may sit inside a longer string (`https://${HOST}`).
// - `$${` writes a literal `${`; nothing else is an escape.
// - A missing variable is an error naming the variable and the config path. An empty variable
//   is a value like any other.
// - Any other `${...}` is an error rather than text, so a typo (`${db_pass}`) can't ship as a
//   literal password.
// - One pass: a substituted value is never itself expanded.
// - Keys are never substituted, only string values.

import { formatKeyPath, type KeyPath } from './key-path.js';

export type Env = Readonly<Record<string, string | undefined>>;

const TOKEN = /\$\$\{|\$\{([^}]*)\}?/g;
const NAME = /^[A-Z_][A-Z0-9_]*$/;

function expandString(value: string, path: KeyPath, env: Env, problems: string[]): string {
  return value.replace(TOKEN, (match: string, inner: string | undefined) => {
    if (match === '$${') return '${';
    const where = formatKeyPath(path);
    if (!match.endsWith('}') || inner === undefined || !NAME.test(inner)) {
      problems.push(
        `${where}: "${match}" is not a valid variable reference (names match [A-Z_][A-Z0-9_]*; write $\${ for a literal \${)`,
      );
      return match;
    }
    const found = env[inner];
    if (found === undefined) {
      problems.push(`${where}: environment variable ${inner} is not set`);
      return match;
    }
    return found;
  });
}

function walk(value: unknown, path: PropertyKey[], env: Env, problems: string[]): unknown {
  if (typeof value === 'string') return expandString(value, path, env, problems);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i], env, problems));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty so a "__proto__" key stays an ordinary (and later rejected) key.
      Object.defineProperty(out, k, { value: walk(v, [...path, k], env, problems), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

export type Interpolated = { ok: true; value: unknown } | { ok: false; lines: string[] };

export function interpolateEnv(value: unknown, env: Env): Interpolated {
  const problems: string[] = [];
  const out = walk(value, [], env, problems);
  return problems.length === 0 ? { ok: true, value: out } : { ok: false, lines: problems };
}
