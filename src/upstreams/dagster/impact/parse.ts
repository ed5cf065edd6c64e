// Strict reading of a webserver's `assetNodes` answers: the bytes come from a branch
// deployment, built from code under review, so they are hostile like any client's. Every field
// is checked against what the query selected (unknown fields refused), strings and lists are
// bounded, and the compared parts come out canonical (sorted, JSON-encoded) for classify.ts.

import { z } from 'zod';
import { SEPARATOR, type AssetDefinition, type AssetKeyPath } from './types.js';

const LIMITS = { name: 1_000, keyParts: 64, list: 10_000, text: 100_000, depth: 12 } as const;

/** A name no identity string could be confused by (types.ts SEPARATOR). */
const name = z.string().min(1).max(LIMITS.name).refine((s) => !s.includes(SEPARATOR), 'contains NUL');
const text = z.string().max(LIMITS.text);
const keyPath = z.strictObject({ path: z.array(name).min(1).max(LIMITS.keyParts) });

/** A metadata value: any JSON the typed fragments selected, bounded in depth and size. */
const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), text, z.array(jsonValue).max(LIMITS.list), z.record(z.string().max(LIMITS.name), jsonValue)]),
);
const metadataEntry = z.object({ __typename: name, label: z.string().max(LIMITS.name) }).catchall(jsonValue);

const owner = z.union([
  z.strictObject({ __typename: z.literal('UserAssetOwner'), email: name }),
  z.strictObject({ __typename: z.literal('TeamAssetOwner'), team: name }),
]);

const assetNode = z.strictObject({
  assetKey: keyPath,
  opVersion: text.nullable(),
  dependencyKeys: z.array(keyPath).max(LIMITS.list),
  dependencies: z.array(z.strictObject({ asset: z.strictObject({ assetKey: keyPath }), partitionMapping: z.strictObject({ className: text, description: text }).nullable() })).max(LIMITS.list),
  tags: z.array(z.strictObject({ key: name, value: text })).max(LIMITS.list),
  metadataEntries: z.array(metadataEntry).max(LIMITS.list),
  partitionDefinition: z
    .strictObject({
      type: name,
      description: text,
      name: text.nullable(),
      fmt: text.nullable(),
      dimensionTypes: z.array(z.strictObject({ name: text, type: name, description: text, dynamicPartitionsDefinitionName: text.nullable() })).max(LIMITS.list),
    })
    .nullable(),
  groupName: name,
  owners: z.array(owner).max(LIMITS.list),
  kinds: z.array(name).max(LIMITS.list),
  repository: z.strictObject({ name, location: z.strictObject({ name }) }),
});

const keysAnswer = z.strictObject({ data: z.strictObject({ assetNodes: z.array(z.strictObject({ assetKey: keyPath })) }) });
const definitionsAnswer = z.strictObject({ data: z.strictObject({ assetNodes: z.array(assetNode) }) });

/** Why an answer was refused: one line, no upstream bytes beyond a short path. */
export class AnswerError extends Error {}

export function parseKeys(body: unknown): AssetKeyPath[] {
  return checked(keysAnswer, body).data.assetNodes.map((n) => n.assetKey.path);
}

export function parseDefinitions(body: unknown): AssetDefinition[] {
  return checked(definitionsAnswer, body).data.assetNodes.map(definition);
}

function checked<T>(schema: z.ZodType<T>, body: unknown): T {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    // A partial answer would make a half graph look like removed assets.
    const first = (errors[0] as { message?: unknown } | null)?.message;
    throw new AnswerError(`Dagster answered with errors: ${typeof first === 'string' ? first.slice(0, 200) : 'unreadable'}`);
  }
  if (depth(body, 0) > LIMITS.depth + 8) throw new AnswerError('the answer nests too deep');
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new AnswerError(`the answer is not what the query selected (${issue?.path.slice(0, 8).join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
  }
  return result.data;
}

function definition(n: z.infer<typeof assetNode>): AssetDefinition {
  // Dagster's tags are a dict: the last of a repeated key wins, as in a Python dict literal.
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const t of n.tags) tags[t.key] = t.value;
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const { label, ...value } of n.metadataEntries) metadata[label] = canonical(value);
  // `dependencies` carries each parent's partition mapping; `dependencyKeys` is the authority on
  // which parents there are (a parent missing from `dependencies` keeps the default mapping).
  const mappings = new Map(n.dependencies.map((d) => [d.asset.assetKey.path.join(SEPARATOR), d.partitionMapping === null ? null : canonical(d.partitionMapping)]));
  return {
    key: n.assetKey.path,
    location: n.repository.location.name,
    repository: n.repository.name,
    codeVersion: n.opVersion,
    dependencies: n.dependencyKeys.map((k) => ({ key: k.path, partitionMapping: mappings.get(k.path.join(SEPARATOR)) ?? null })),
    tags: { ...tags },
    metadata: { ...metadata },
    partitions: n.partitionDefinition === null ? null : canonical(n.partitionDefinition),
    group: n.groupName,
    owners: n.owners.map((o) => (o.__typename === 'UserAssetOwner' ? o.email : `team:${o.team}`)),
    kinds: n.kinds,
  };
}

/** JSON with object keys sorted: equal values, equal strings. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Nesting depth, iteratively (a hostile answer must not exhaust the stack before zod sees it). */
function depth(value: unknown, start: number): number {
  let max = start;
  const stack: [unknown, number][] = [[value, start]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (d > 64) return d;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}
