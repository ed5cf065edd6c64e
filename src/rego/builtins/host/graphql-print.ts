// gqlparser-shaped JSON (what graphql.parse_query/parse_schema return, graphql-ast.ts) printed back
// as GraphQL text, so the graphql.* builtins also accept AST objects in place of strings.
type J = { [k: string]: unknown };

const list = (v: unknown): J[] => (Array.isArray(v) ? (v as J[]) : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function value(v: J): string {
  const raw = text(v['Raw']);
  switch (v['Kind']) {
    case 0: return `$${raw}`;
    case 3: case 4: return JSON.stringify(raw);
    case 8: return `[${list(v['Children']).map((c) => value(c['Value'] as J)).join(', ')}]`;
    case 9: return `{${list(v['Children']).map((c) => `${text(c['Name'])}: ${value(c['Value'] as J)}`).join(', ')}}`;
    default: return raw;
  }
}

function args(v: unknown): string {
  const a = list(v);
  return a.length === 0 ? '' : `(${a.map((x) => `${text(x['Name'])}: ${value(x['Value'] as J)}`).join(', ')})`;
}

function directives(v: unknown): string {
  return list(v).map((d) => ` @${text(d['Name'])}${args(d['Arguments'])}`).join('');
}

function type(t: J): string {
  const inner = t['Elem'] !== undefined && t['Elem'] !== null ? `[${type(t['Elem'] as J)}]` : text(t['NamedType']);
  return t['NonNull'] === true ? `${inner}!` : inner;
}

function selections(v: unknown): string {
  const s = list(v);
  if (s.length === 0) return '';
  const items = s.map((x) => {
    if ('Alias' in x) {
      const alias = text(x['Alias']) !== text(x['Name']) && text(x['Alias']) !== '' ? `${text(x['Alias'])}: ` : '';
      return `${alias}${text(x['Name'])}${args(x['Arguments'])}${directives(x['Directives'])}${selections(x['SelectionSet'])}`;
    }
    if ('TypeCondition' in x || 'SelectionSet' in x) {
      const on = text(x['TypeCondition']) === '' ? '' : ` on ${text(x['TypeCondition'])}`;
      return `...${on}${directives(x['Directives'])}${selections(x['SelectionSet'])}`;
    }
    return `...${text(x['Name'])}${directives(x['Directives'])}`;
  });
  return ` { ${items.join(' ')} }`;
}

export function printQuery(doc: J): string {
  const out: string[] = [];
  for (const op of list(doc['Operations'])) {
    const vars = list(op['VariableDefinitions']).map((v) => {
      const def = v['DefaultValue'] !== undefined ? ` = ${value(v['DefaultValue'] as J)}` : '';
      return `$${text(v['Variable'])}: ${type(v['Type'] as J)}${def}${directives(v['Directives'])}`;
    });
    out.push(`${text(op['Operation']) || 'query'} ${text(op['Name'])}${vars.length > 0 ? `(${vars.join(', ')})` : ''}${directives(op['Directives'])}${selections(op['SelectionSet'])}`);
  }
  for (const f of list(doc['Fragments'])) {
    out.push(`fragment ${text(f['Name'])} on ${text(f['TypeCondition'])}${directives(f['Directives'])}${selections(f['SelectionSet'])}`);
  }
  return out.join('\n');
}

function description(d: J): string {
  return text(d['Description']) === '' ? '' : `${JSON.stringify(text(d['Description']))} `;
}

function fields(v: unknown): string {
  return list(v)
    .map((f) => {
      const a = list(f['Arguments']);
      const argText = a.length === 0 ? '' : `(${a.map((x) => `${description(x)}${text(x['Name'])}: ${type(x['Type'] as J)}${x['DefaultValue'] !== undefined ? ` = ${value(x['DefaultValue'] as J)}` : ''}${directives(x['Directives'])}`).join(', ')})`;
      const def = f['DefaultValue'] !== undefined ? ` = ${value(f['DefaultValue'] as J)}` : '';
      return `${description(f)}${text(f['Name'])}${argText}: ${type(f['Type'] as J)}${def}${directives(f['Directives'])}`;
    })
    .join(' ');
}

const KEYWORD: Readonly<Record<string, string>> = {
  OBJECT: 'type', INTERFACE: 'interface', UNION: 'union', ENUM: 'enum', INPUT_OBJECT: 'input', SCALAR: 'scalar',
};

function definition(d: J, extend: boolean): string {
  const kind = text(d['Kind']);
  const head = `${extend ? 'extend ' : description(d)}${KEYWORD[kind] ?? 'type'} ${text(d['Name'])}`;
  const ifaces = list(d['Interfaces']).length > 0 ? ` implements ${(d['Interfaces'] as string[]).join(' & ')}` : '';
  const dirs = directives(d['Directives']);
  if (kind === 'UNION') return `${head}${dirs}${list(d['Types']).length > 0 ? ` = ${(d['Types'] as string[]).join(' | ')}` : ''}`;
  if (kind === 'ENUM') {
    const values = list(d['EnumValues']).map((v) => `${description(v)}${text(v['Name'])}${directives(v['Directives'])}`);
    return `${head}${dirs}${values.length > 0 ? ` { ${values.join(' ')} }` : ''}`;
  }
  if (kind === 'SCALAR') return `${head}${dirs}`;
  const body = fields(d['Fields']);
  return `${head}${ifaces}${dirs}${body === '' ? '' : ` { ${body} }`}`;
}

function schemaBlock(d: J, extend: boolean): string {
  const ops = list(d['OperationTypes']).map((o) => `${text(o['Operation'])}: ${text(o['Type'])}`);
  return `${extend ? 'extend ' : description(d)}schema${directives(d['Directives'])}${ops.length > 0 ? ` { ${ops.join(' ')} }` : ''}`;
}

export function printSchema(doc: J): string {
  const out: string[] = [];
  for (const d of list(doc['Directives'])) {
    const a = list(d['Arguments']);
    const argText = a.length === 0 ? '' : `(${a.map((x) => `${text(x['Name'])}: ${type(x['Type'] as J)}`).join(', ')})`;
    out.push(`${description(d)}directive @${text(d['Name'])}${argText}${d['IsRepeatable'] === true ? ' repeatable' : ''} on ${(d['Locations'] as string[]).join(' | ')}`);
  }
  for (const d of list(doc['Schema'])) out.push(schemaBlock(d, false));
  for (const d of list(doc['SchemaExtension'])) out.push(schemaBlock(d, true));
  for (const d of list(doc['Definitions'])) out.push(definition(d, false));
  for (const d of list(doc['Extensions'])) out.push(definition(d, true));
  return out.join('\n');
}
