// The real Dagster webserver SDL, built once per process with graphql-js. The copy beside this
// file (see SOURCE.md) is preferred; the shared fixtures directory is the fallback. Paths are
// found by walking up to package.json, because this file also runs compiled from dist/test/.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema } from 'graphql';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 12; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('package.json not found above the Dagster stand-in');
}

export function schemaPath(): string {
  const root = repoRoot();
  const candidates = [
    join(root, 'test', 'fakes', 'dagster', 'schema.graphql'),
    join(root, '..', 'shared', 'fixtures', 'dagster', 'schema.graphql'),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`Dagster schema not found; looked at ${candidates.join(', ')}`);
  return found;
}

let cached: GraphQLSchema | undefined;

export function dagsterSchema(): GraphQLSchema {
  cached ??= buildSchema(readFileSync(schemaPath(), 'utf8'));
  return cached;
}
