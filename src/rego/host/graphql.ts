// graphql.* builtins on graphql-js. Validity follows graphql-js, close to but not exactly OPA's
// gqlparser; the parse builtins re-shape graphql-js ASTs into gqlparser's JSON (graphql-ast.ts).
import { buildASTSchema, parse, validate, validateSchema, type DocumentNode } from 'graphql';
import { queryDocument, schemaDocument } from './graphql-ast.js';
import type { HostBuiltins } from './index.js';
import { str } from './values.js';

function schemaOf(text: string) {
  const doc = parse(text);
  const schema = buildASTSchema(doc, { assumeValidSDL: false });
  const errors = validateSchema(schema);
  if (errors.length > 0) throw errors[0] as Error;
  return schema;
}

/** gqlparser does not insist on a Query root type, so only the SDL rules are checked here. */
function schemaValid(text: string): boolean {
  try {
    buildASTSchema(parse(text), { assumeValidSDL: false });
    return true;
  } catch {
    return false;
  }
}

function queryValid(query: string, schemaText: string): boolean {
  try {
    const doc: DocumentNode = parse(query);
    return validate(schemaOf(schemaText), doc).length === 0;
  } catch {
    return false;
  }
}

export const graphqlBuiltins: HostBuiltins = {
  'graphql.schema_is_valid': (s) => schemaValid(str(s)),
  'graphql.is_valid': (q, s) => queryValid(str(q), str(s)),
  'graphql.parse_and_verify': (q, s) => {
    if (!queryValid(str(q), str(s))) return [false, {}, {}];
    return [true, queryDocument(parse(str(q))), schemaDocument(parse(str(s)))];
  },
  'graphql.parse': (q, s) => {
    if (!queryValid(str(q), str(s))) throw new TypeError('query does not validate against the schema');
    return [queryDocument(parse(str(q))), schemaDocument(parse(str(s)))];
  },
  'graphql.parse_schema': (s) => schemaDocument(parse(str(s))),
  'graphql.parse_query': (q) => queryDocument(parse(str(q))),
};
