// graphql.* builtins on graphql-js. Validity follows graphql-js, close to but not exactly OPA's
// gqlparser; the parse builtins re-shape graphql-js ASTs into gqlparser's JSON (graphql-ast.ts).
import { buildASTSchema, Kind, parse, validate, validateSchema, type DefinitionNode, type DocumentNode } from 'graphql';
import { queryDocument, schemaDocument } from './graphql-ast.js';
import type { HostBuiltins } from './index.js';
import { printQuery, printSchema } from './graphql-print.js';
import { obj, str } from './values.js';

const DEFINITION_OF: Partial<Record<Kind, Kind>> = {
  [Kind.OBJECT_TYPE_EXTENSION]: Kind.OBJECT_TYPE_DEFINITION,
  [Kind.INTERFACE_TYPE_EXTENSION]: Kind.INTERFACE_TYPE_DEFINITION,
  [Kind.UNION_TYPE_EXTENSION]: Kind.UNION_TYPE_DEFINITION,
  [Kind.ENUM_TYPE_EXTENSION]: Kind.ENUM_TYPE_DEFINITION,
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: Kind.INPUT_OBJECT_TYPE_DEFINITION,
  [Kind.SCALAR_TYPE_EXTENSION]: Kind.SCALAR_TYPE_DEFINITION,
};

/**
 * gqlparser lets a schema extend a type it never defines (federation schemas do): the first
 * extension of such a type then defines it. graphql-js would reject the schema.
 */
function parseSchema(text: string): DocumentNode {
  const doc = parse(text);
  const defined = new Set<string>();
  for (const d of doc.definitions) if ('name' in d && d.name !== undefined && !(d.kind in DEFINITION_OF)) defined.add(d.name.value);
  const definitions = doc.definitions.map((d): DefinitionNode => {
    const kind = DEFINITION_OF[d.kind];
    if (kind === undefined || !('name' in d) || d.name === undefined || defined.has(d.name.value)) return d;
    defined.add(d.name.value);
    return { ...d, kind } as unknown as DefinitionNode;
  });
  return { ...doc, definitions };
}

/** gqlparser accepts a query document without operations (empty or only comments). */
function isEmptyQuery(text: string): boolean {
  return text.replace(/#[^\n]*/g, '').trim() === '';
}

function schemaOf(text: string) {
  const doc = parseSchema(text);
  const schema = buildASTSchema(doc, { assumeValidSDL: false });
  const errors = validateSchema(schema);
  if (errors.length > 0) throw errors[0] as Error;
  return schema;
}

/** gqlparser does not insist on a Query root type; every other schema rule applies. */
function schemaValid(text: string): boolean {
  try {
    const schema = buildASTSchema(parseSchema(text), { assumeValidSDL: false });
    return validateSchema(schema).every((e) => /^Query root type must be provided/.test(e.message));
  } catch {
    return false;
  }
}

/** A query document as gqlparser's JSON; an empty document is an empty object. */
function queryAst(text: string): unknown {
  return isEmptyQuery(text) ? {} : queryDocument(parse(text));
}

function queryValid(query: string, schemaText: string): boolean {
  if (isEmptyQuery(query)) return schemaValid(schemaText);
  try {
    const doc: DocumentNode = parse(query);
    return validate(schemaOf(schemaText), doc).length === 0;
  } catch {
    return false;
  }
}

/** A query given as text or as the AST object graphql.parse_query returns. */
function queryText(v: unknown): string {
  return typeof v === 'string' ? v : printQuery(obj(v));
}

function schemaText(v: unknown): string {
  return typeof v === 'string' ? v : printSchema(obj(v));
}

export const graphqlBuiltins: HostBuiltins = {
  'graphql.schema_is_valid': (s) => schemaValid(schemaText(s)),
  'graphql.is_valid': (q, s) => queryValid(queryText(q), schemaText(s)),
  'graphql.parse_and_verify': (q, s) => {
    const [qt, st] = [queryText(q), schemaText(s)];
    if (!queryValid(qt, st)) return [false, {}, {}];
    return [true, queryAst(qt), schemaDocument(parse(st))];
  },
  'graphql.parse': (q, s) => {
    const [qt, st] = [queryText(q), schemaText(s)];
    if (!queryValid(qt, st)) throw new TypeError('query does not validate against the schema');
    return [queryAst(qt), schemaDocument(parse(st))];
  },
  'graphql.parse_schema': (s) => schemaDocument(parse(str(s))),
  // gqlparser accepts variables on fragments (graphql-js's legacy fragment variables).
  'graphql.parse_query': (q) => queryDocument(parse(str(q), { allowLegacyFragmentVariables: true })),
};
