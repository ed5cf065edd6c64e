// Loads a Dagster GraphQL SDL (such as the webserver's schema.graphql) for the classifier to
// validate documents against.

import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { ChangegateError } from '../../errors.js';

export function loadDagsterSchema(path: string): GraphQLSchema {
  try {
    return buildSchema(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ChangegateError('config_invalid', `cannot load the Dagster GraphQL schema ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
