// graphql-js ASTs re-shaped into the JSON OPA's graphql.parse_* builtins return (gqlparser's Go
// structs: capitalised field names, empty lists omitted, strings always present).
import type {
  ArgumentNode, DefinitionNode, DirectiveDefinitionNode, DirectiveNode, DocumentNode, SchemaDefinitionNode, SchemaExtensionNode, FieldDefinitionNode, InputValueDefinitionNode, SelectionNode,
  SelectionSetNode, TypeNode, ValueNode, VariableDefinitionNode,
} from 'graphql';
import { Kind } from 'graphql';

type J = { [k: string]: unknown };

function put(o: J, key: string, list: unknown[] | undefined): J {
  if (list !== undefined && list.length > 0) o[key] = list;
  return o;
}

const VALUE_KIND: Partial<Record<Kind, number>> = {
  [Kind.VARIABLE]: 0, [Kind.INT]: 1, [Kind.FLOAT]: 2, [Kind.STRING]: 3, [Kind.BOOLEAN]: 5, [Kind.NULL]: 6,
  [Kind.ENUM]: 7, [Kind.LIST]: 8, [Kind.OBJECT]: 9,
};

function value(v: ValueNode): J {
  let kind = VALUE_KIND[v.kind] ?? 0;
  let raw = '';
  let children: J[] | undefined;
  switch (v.kind) {
    case Kind.VARIABLE: raw = v.name.value; break;
    case Kind.INT: case Kind.FLOAT: case Kind.ENUM: raw = v.value; break;
    case Kind.STRING: raw = v.value; if (v.block) kind = 4; break;
    case Kind.BOOLEAN: raw = String(v.value); break;
    case Kind.NULL: raw = 'null'; break;
    case Kind.LIST: children = v.values.map((x) => ({ Name: '', Value: value(x) })); break;
    case Kind.OBJECT: children = v.fields.map((f) => ({ Name: f.name.value, Value: value(f.value) })); break;
  }
  return { ...put({}, 'Children', children), ExpectedTypeHasDefault: false, Kind: kind, Raw: raw };
}

function args(list: readonly ArgumentNode[] | undefined): J[] | undefined {
  return list?.map((a) => ({ Name: a.name.value, Value: value(a.value) }));
}

function directives(list: readonly DirectiveNode[] | undefined): J[] | undefined {
  return list?.map((d) => put({ Location: '', Name: d.name.value }, 'Arguments', args(d.arguments)));
}

function type(t: TypeNode): J {
  if (t.kind === Kind.NON_NULL_TYPE) return { ...type(t.type), NonNull: true };
  if (t.kind === Kind.LIST_TYPE) return { Elem: type(t.type), NamedType: '', NonNull: false };
  return { NamedType: t.name.value, NonNull: false };
}

function selections(set: SelectionSetNode | undefined): J[] | undefined {
  return set?.selections.map((s: SelectionNode) => {
    if (s.kind === Kind.FIELD) {
      const f: J = { Alias: s.alias?.value ?? s.name.value, Name: s.name.value };
      put(f, 'Arguments', args(s.arguments));
      put(f, 'Directives', directives(s.directives));
      return put(f, 'SelectionSet', selections(s.selectionSet));
    }
    if (s.kind === Kind.FRAGMENT_SPREAD) return put({ Name: s.name.value }, 'Directives', directives(s.directives));
    const inline: J = { TypeCondition: s.typeCondition?.name.value ?? '' };
    put(inline, 'Directives', directives(s.directives));
    return put(inline, 'SelectionSet', selections(s.selectionSet));
  });
}

function variables(list: readonly VariableDefinitionNode[] | undefined): J[] | undefined {
  return list?.map((v) => {
    const o: J = { Type: type(v.type), Used: false, Variable: v.variable.name.value };
    if (v.defaultValue) o['DefaultValue'] = value(v.defaultValue);
    return put(o, 'Directives', directives(v.directives));
  });
}

export function queryDocument(doc: DocumentNode): J {
  const ops: J[] = [];
  const frags: J[] = [];
  for (const d of doc.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) {
      const o: J = { Name: d.name?.value ?? '', Operation: d.operation };
      put(o, 'Directives', directives(d.directives));
      put(o, 'SelectionSet', selections(d.selectionSet));
      ops.push(put(o, 'VariableDefinitions', variables(d.variableDefinitions)));
    } else if (d.kind === Kind.FRAGMENT_DEFINITION) {
      const f: J = { Name: d.name.value, TypeCondition: d.typeCondition.name.value };
      put(f, 'VariableDefinition', variables(d.variableDefinitions));
      put(f, 'Directives', directives(d.directives));
      frags.push(put(f, 'SelectionSet', selections(d.selectionSet)));
    } else {
      throw new TypeError('not an executable definition');
    }
  }
  return put(put({}, 'Fragments', frags), 'Operations', ops);
}

function fieldDefs(list: readonly (FieldDefinitionNode | InputValueDefinitionNode)[] | undefined): J[] | undefined {
  return list?.map((f) => {
    const o: J = { Description: f.description?.value ?? '', Name: f.name.value, Type: type(f.type) };
    if ('arguments' in f) put(o, 'Arguments', fieldDefs(f.arguments));
    if ('defaultValue' in f && f.defaultValue) o['DefaultValue'] = value(f.defaultValue);
    return put(o, 'Directives', directives(f.directives));
  });
}

const SCHEMA_KIND: Partial<Record<Kind, string>> = {
  [Kind.OBJECT_TYPE_DEFINITION]: 'OBJECT', [Kind.INTERFACE_TYPE_DEFINITION]: 'INTERFACE', [Kind.UNION_TYPE_DEFINITION]: 'UNION',
  [Kind.ENUM_TYPE_DEFINITION]: 'ENUM', [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'INPUT_OBJECT', [Kind.SCALAR_TYPE_DEFINITION]: 'SCALAR',
};

const EXTENSION_KIND: Partial<Record<Kind, string>> = {
  [Kind.OBJECT_TYPE_EXTENSION]: 'OBJECT', [Kind.INTERFACE_TYPE_EXTENSION]: 'INTERFACE', [Kind.UNION_TYPE_EXTENSION]: 'UNION',
  [Kind.ENUM_TYPE_EXTENSION]: 'ENUM', [Kind.INPUT_OBJECT_TYPE_EXTENSION]: 'INPUT_OBJECT', [Kind.SCALAR_TYPE_EXTENSION]: 'SCALAR',
};

/** A type definition or extension as gqlparser's Definition struct. */
function definition(d: DefinitionNode, kind: string): J {
  const named = d as DefinitionNode & { name: { value: string } };
  const o: J = { BuiltIn: false, Description: 'description' in d ? (d.description?.value ?? '') : '', Kind: kind, Name: named.name.value };
  if ('fields' in d) put(o, 'Fields', fieldDefs(d.fields as readonly FieldDefinitionNode[]));
  if ('interfaces' in d) put(o, 'Interfaces', d.interfaces?.map((i) => i.name.value));
  if ('types' in d) put(o, 'Types', d.types?.map((t) => t.name.value));
  if ('values' in d) put(o, 'EnumValues', d.values?.map((v) => put({ Description: v.description?.value ?? '', Name: v.name.value }, 'Directives', directives(v.directives))));
  return put(o, 'Directives', 'directives' in d ? directives(d.directives) : undefined);
}

function schemaDefinition(d: SchemaDefinitionNode | SchemaExtensionNode): J {
  const o: J = { Description: 'description' in d ? (d.description?.value ?? '') : '' };
  put(o, 'OperationTypes', d.operationTypes?.map((t) => ({ Operation: t.operation, Type: t.type.name.value })));
  return put(o, 'Directives', directives(d.directives));
}

function directiveDefinition(d: DirectiveDefinitionNode): J {
  const o: J = { Description: d.description?.value ?? '', IsRepeatable: d.repeatable, Locations: d.locations.map((l) => l.value), Name: d.name.value };
  return put(o, 'Arguments', fieldDefs(d.arguments));
}

export function schemaDocument(doc: DocumentNode): J {
  const defs: J[] = [];
  const exts: J[] = [];
  const schemas: J[] = [];
  const schemaExts: J[] = [];
  const dirs: J[] = [];
  for (const d of doc.definitions) {
    const kind = SCHEMA_KIND[d.kind];
    const ext = EXTENSION_KIND[d.kind];
    if (kind !== undefined) defs.push(definition(d, kind));
    else if (ext !== undefined) exts.push(definition(d, ext));
    else if (d.kind === Kind.SCHEMA_DEFINITION) schemas.push(schemaDefinition(d));
    else if (d.kind === Kind.SCHEMA_EXTENSION) schemaExts.push(schemaDefinition(d));
    else if (d.kind === Kind.DIRECTIVE_DEFINITION) dirs.push(directiveDefinition(d));
    else throw new TypeError('unsupported schema definition');
  }
  const out: J = {};
  put(out, 'Definitions', defs);
  put(out, 'Directives', dirs);
  put(out, 'Extensions', exts);
  put(out, 'Schema', schemas);
  return put(out, 'SchemaExtension', schemaExts);
}
