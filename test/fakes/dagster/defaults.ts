// Resolution rules for a schema built from SDL. The stand-in models only what the UI and the
// tests touch; every other field the schema declares still resolves, to a placeholder of the
// declared type (null when nullable), so any query that validates also executes, as it would on
// the real server, and answers in the shape the schema promises.

import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from 'graphql';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

const SCALAR_PLACEHOLDERS: Readonly<Record<string, unknown>> = { String: '', ID: '', Int: 0, Float: 0, Boolean: false };

function placeholder(type: GraphQLOutputType, schema: GraphQLSchema): unknown {
  if (isNonNullType(type)) return placeholder(type.ofType, schema);
  if (isListType(type)) return [];
  if (isScalarType(type)) return SCALAR_PLACEHOLDERS[type.name] ?? '';
  if (isEnumType(type)) return type.getValues()[0]?.value ?? null;
  if (isObjectType(type)) return { __typename: type.name };
  if (isAbstractType(type)) {
    const first = schema.getPossibleTypes(type)[0];
    return first === undefined ? null : { __typename: first.name };
  }
  return null;
}

/**
 * Like graphql-js's default resolver (a property, or a method called with (args, ctx, info)),
 * but a field the object lacks gets a placeholder when non-null and null otherwise.
 */
export const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, ctx, info) => {
  if (isRecord(source)) {
    const value = source[info.fieldName];
    if (typeof value === 'function') return (value as (a: unknown, c: unknown, i: unknown) => unknown).call(source, args, ctx, info);
    if (value !== undefined) return value;
  }
  return isNonNullType(info.returnType) ? placeholder(info.returnType, info.schema) : null;
};

/** `__typename` on the value names the concrete type; a value without one gets the first possible type. */
export const typeResolver: GraphQLTypeResolver<unknown, unknown> = (value, _ctx, info, abstractType) => {
  if (isRecord(value) && typeof value['__typename'] === 'string') return value['__typename'];
  const first = info.schema.getPossibleTypes(abstractType)[0];
  return first?.name ?? getNamedType(abstractType).name;
};
