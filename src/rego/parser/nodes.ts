// Small constructors for AST nodes the parser synthesises (operator refs, wildcard vars), so the
// grammar files read as grammar.
import type { Location, RefTerm, Term, VarTerm, CallTerm, BooleanTerm } from '../ast/types.js';

export function varTerm(name: string, location: Location): VarTerm {
  return { type: 'var', value: name, location };
}

/** `internal.member_2` -> ref(var internal, [string member_2]); `plus` -> ref(var plus, []). */
export function operatorRef(name: string, location: Location): RefTerm {
  const [head = name, ...rest] = name.split('.');
  return {
    type: 'ref',
    head: varTerm(head, location),
    path: rest.map((s) => ({ type: 'string' as const, value: s, location })),
    location,
  };
}

export function callTerm(name: string, opLoc: Location, args: Term[], location: Location): CallTerm {
  return { type: 'call', operator: operatorRef(name, opLoc), args, location };
}

export function trueTerm(location: Location): BooleanTerm {
  return { type: 'boolean', value: true, location, generated: true };
}

/** Whether a term contains no vars, refs, calls or comprehensions (OPA's IsGround, roughly). */
export function isGround(t: Term): boolean {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
    case 'set':
      return t.value.every(isGround);
    case 'object':
      return t.value.every(([k, v]) => isGround(k) && isGround(v));
    default:
      return false;
  }
}
