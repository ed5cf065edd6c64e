// How a location inside the config is written in error messages: keys joined with dots, array
// indexes in brackets (`identity.bearer[0].issuer`), odd keys quoted (`roles["a.b"]`). One
// format everywhere, so an operator can grep for it and it reads like the YAML they wrote.

export type KeyPath = readonly PropertyKey[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatKeyPath(path: KeyPath): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
