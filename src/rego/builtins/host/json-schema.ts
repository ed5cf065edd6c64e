// json.verify_schema and json.match_schema over the JSON Schema keywords policies use (types,
// properties, required, items, enums, bounds, lengths, patterns, combinators). Results and
// messages follow OPA's (gojsonschema's): [ok, errors] with {error, type, field, desc} entries.
import type { HostBuiltins } from './index.js';
import { compare, type Value } from './values.js';

type Schema = boolean | { [k: string]: Value };
type Obj = { [k: string]: Value };

interface Problem {
  readonly error: string;
  readonly type: string;
  readonly field: string;
  readonly desc: string;
}

const TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

class SchemaError extends Error {}

function asJson(v: unknown): Value {
  return typeof v === 'string' ? (JSON.parse(v) as Value) : (v as Value);
}

function isObj(v: Value): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Checks the schema's own shape; throws SchemaError with gojsonschema's message. */
function verify(s: Value): Schema {
  if (typeof s === 'boolean') return s;
  if (!isObj(s)) throw new SchemaError('jsonschema: schema must be an object or a boolean');
  const t = s['type'];
  for (const name of Array.isArray(t) ? t : t === undefined ? [] : [t]) {
    if (typeof name !== 'string' || !TYPES.includes(name)) {
      throw new SchemaError(`jsonschema: has a primitive type that is NOT VALID -- given: /${String(name)}/ Expected valid values are:[${TYPES.join(' ')}]`);
    }
  }
  for (const k of ['properties', 'patternProperties', 'definitions', '$defs']) {
    const m = s[k];
    if (m !== undefined && isObj(m)) Object.values(m).forEach(verify);
  }
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    const l = s[k];
    if (Array.isArray(l)) l.forEach(verify);
  }
  for (const k of ['not', 'additionalProperties', 'items', 'contains']) {
    const x = s[k];
    if (x !== undefined && (typeof x === 'boolean' || isObj(x))) verify(x);
    else if (k === 'items' && Array.isArray(x)) x.forEach(verify);
  }
  return s;
}

function typeOf(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function fieldName(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

function problem(path: readonly string[], type: string, desc: string): Problem {
  const field = fieldName(path);
  return { error: `${field}: ${desc}`, type, field, desc };
}

function validate(s: Schema, v: Value, path: string[], out: Problem[]): void {
  if (s === true) return;
  if (s === false) {
    out.push(problem(path, 'false', 'False always fails validation'));
    return;
  }
  const t = s['type'];
  if (t !== undefined) {
    const want = (Array.isArray(t) ? t : [t]) as string[];
    const got = typeOf(v);
    if (!want.includes(got) && !(got === 'integer' && want.includes('number'))) {
      out.push(problem(path, 'invalid_type', `Invalid type. Expected: ${want.join(', ')}, given: ${got}`));
      return;
    }
  }
  if (Array.isArray(s['enum']) && !s['enum'].some((e) => compare(e, v) === 0)) {
    out.push(problem(path, 'enum', `${fieldName(path)} must be one of the following: ${s['enum'].map((e) => JSON.stringify(e)).join(', ')}`));
  }
  if ('const' in s && compare(s['const'] as Value, v) !== 0) out.push(problem(path, 'const', `${fieldName(path)} does not match: ${JSON.stringify(s['const'])}`));
  if (typeof v === 'number') {
    if (typeof s['minimum'] === 'number' && v < s['minimum']) out.push(problem(path, 'number_gte', `Must be greater than or equal to ${s['minimum']}`));
    if (typeof s['maximum'] === 'number' && v > s['maximum']) out.push(problem(path, 'number_lte', `Must be less than or equal to ${s['maximum']}`));
  }
  if (typeof v === 'string') {
    const n = [...v].length;
    if (typeof s['minLength'] === 'number' && n < s['minLength']) out.push(problem(path, 'string_gte', `String length must be greater than or equal to ${s['minLength']}`));
    if (typeof s['maxLength'] === 'number' && n > s['maxLength']) out.push(problem(path, 'string_lte', `String length must be less than or equal to ${s['maxLength']}`));
    if (typeof s['pattern'] === 'string' && !new RegExp(s['pattern'], 'u').test(v)) out.push(problem(path, 'pattern', `Does not match pattern '${s['pattern']}'`));
  }
  if (Array.isArray(v)) {
    if (typeof s['minItems'] === 'number' && v.length < s['minItems']) out.push(problem(path, 'array_min_items', `Array must have at least ${s['minItems']} items`));
    if (typeof s['maxItems'] === 'number' && v.length > s['maxItems']) out.push(problem(path, 'array_max_items', `Array must have at most ${s['maxItems']} items`));
    const items = s['items'];
    v.forEach((x, i) => {
      const sub = Array.isArray(items) ? items[i] : items;
      if (sub !== undefined) validate(sub as Schema, x, [...path, String(i)], out);
    });
  }
  if (isObj(v)) {
    const props = isObj(s['properties'] as Value) ? (s['properties'] as Obj) : {};
    for (const r of Array.isArray(s['required']) ? s['required'] : []) {
      if (typeof r === 'string' && !(r in v)) out.push(problem(path, 'required', `${r} is required`));
    }
    for (const [k, x] of Object.entries(v)) {
      if (k in props) validate(props[k] as Schema, x, [...path, k], out);
      else if (s['additionalProperties'] === false) out.push(problem(path, 'additional_property_not_allowed', `Additional property ${k} is not allowed`));
      else if (isObj(s['additionalProperties'] as Value)) validate(s['additionalProperties'] as Schema, x, [...path, k], out);
    }
  }
  const passes = (sub: Value): boolean => {
    const p: Problem[] = [];
    validate(sub as Schema, v, path, p);
    return p.length === 0;
  };
  if (Array.isArray(s['allOf'])) for (const sub of s['allOf']) validate(sub as Schema, v, path, out);
  if (Array.isArray(s['anyOf']) && !s['anyOf'].some(passes)) out.push(problem(path, 'number_any_of', 'Must validate at least one schema (anyOf)'));
  if (Array.isArray(s['oneOf']) && s['oneOf'].filter(passes).length !== 1) out.push(problem(path, 'number_one_of', 'Must validate one and only one schema (oneOf)'));
  if (s['not'] !== undefined && passes(s['not'])) out.push(problem(path, 'number_not', 'Must not validate the schema (not)'));
}

export const jsonSchemaBuiltins: HostBuiltins = {
  'json.verify_schema': (schema) => {
    try {
      verify(asJson(schema));
      return [true, null];
    } catch (e) {
      if (e instanceof SchemaError) return [false, e.message];
      throw e;
    }
  },
  'json.match_schema': (doc, schema) => {
    const s = verify(asJson(schema));
    const out: Problem[] = [];
    validate(s, asJson(doc), [], out);
    return [out.length === 0, out];
  },
};
