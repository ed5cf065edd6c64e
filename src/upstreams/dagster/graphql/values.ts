// Narrowing helpers for argument values, which arrive as untyped JSON-like data.

export type Obj = Readonly<Record<string, unknown>>;

export function obj(value: unknown): Obj | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

export function strings(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === 'string');
}

/** An AssetKeyInput `{path: [...]}` as the `a/b/c` form Dagster shows and routes use. */
export function assetKey(value: unknown): string | undefined {
  const path = obj(value)?.['path'];
  const parts = strings(path);
  return parts.length > 0 && parts.length === list(path).length ? parts.join('/') : undefined;
}
