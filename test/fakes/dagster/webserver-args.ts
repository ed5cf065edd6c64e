// `dagster-webserver`'s command line, as far as a branch deployment uses it:
//   -h/--host (default 127.0.0.1)  -p/--port (default 3000)  -l/--path-prefix (default '')
//   -w/--workspace (default ./workspace.yaml)  --read-only  --log-level / --uvicorn-log-level <level>
// Both `--opt value` and `--opt=value`. Errors read like click's, which the real CLI uses.

export interface ServeArgs {
  readonly host: string;
  readonly port: number;
  readonly pathPrefix: string;
  readonly workspaceFile: string;
  readonly readOnly: boolean;
}

export type ParsedArgs =
  | { readonly kind: 'serve'; readonly args: ServeArgs }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

const VALUED: Readonly<Record<string, keyof ServeArgs | 'ignored'>> = {
  '-h': 'host', '--host': 'host',
  '-p': 'port', '--port': 'port',
  '-l': 'pathPrefix', '--path-prefix': 'pathPrefix',
  '-w': 'workspaceFile', '--workspace': 'workspaceFile',
  '--log-level': 'ignored', '--uvicorn-log-level': 'ignored', '--code-server-log-level': 'ignored', '--dagster-log-level': 'ignored',
};

export const USAGE = 'Usage: dagster-webserver [OPTIONS]\n';

/** The prefix rules of dagster_webserver/cli.py. */
function prefixError(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  if (!prefix.startsWith('/')) return `The path prefix should begin with a leading "/": got ${prefix}`;
  if (prefix.endsWith('/')) return `The path prefix should not include a trailing "/": got ${prefix}`;
  return undefined;
}

export function parseWebserverArgs(argv: readonly string[]): ParsedArgs {
  const got: Partial<Record<keyof ServeArgs, string>> = {};
  let readOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help') return { kind: 'help' };
    if (arg === '--read-only') {
      readOnly = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const target = VALUED[flag];
    if (target === undefined) return { kind: 'error', message: arg.startsWith('-') ? `No such option: ${flag}` : `Got unexpected extra argument (${arg})` };
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) return { kind: 'error', message: `Option '${flag}' requires an argument.` };
    if (target === 'ignored') continue;
    if (target === 'workspaceFile' && got.workspaceFile !== undefined) return { kind: 'error', message: 'The stand-in serves one workspace file; give -w once.' };
    got[target] = value;
  }
  const port = Number(got.port ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !/^\d+$/.test(got.port ?? '3000')) {
    return { kind: 'error', message: `Invalid value for '-p' / '--port': '${got.port ?? ''}' is not a valid integer.` };
  }
  const pathPrefix = got.pathPrefix ?? '';
  const bad = prefixError(pathPrefix);
  if (bad !== undefined) return { kind: 'error', message: bad };
  return { kind: 'serve', args: { host: got.host ?? '127.0.0.1', port, pathPrefix, workspaceFile: got.workspaceFile ?? 'workspace.yaml', readOnly } };
}
