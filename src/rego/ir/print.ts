// Human-readable IR, one statement per line with nested blocks indented (OPA's ir.Pretty).
import type { Block, Operand, Policy, Stmt } from './types.js';

function operand(p: Policy, o: Operand): string {
  if (o.type === 'local') return `L${o.value}`;
  if (o.type === 'bool') return String(o.value);
  return JSON.stringify(p.static.strings?.[o.value]?.value ?? `?${o.value}`);
}

function fields(p: Policy, s: Stmt): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(s.stmt)) {
    if (k === 'file' || k === 'row' || k === 'col' || k === 'block' || k === 'blocks') continue;
    if (v !== null && typeof v === 'object' && 'type' in v) out.push(`${k}=${operand(p, v as Operand)}`);
    else if (Array.isArray(v)) out.push(`${k}=[${v.map((x) => (typeof x === 'object' ? operand(p, x as Operand) : String(x))).join(',')}]`);
    else out.push(`${k}=${String(v)}`);
  }
  return out.join(' ');
}

function block(p: Policy, b: Block, indent: string, out: string[]): void {
  for (const s of b.stmts ?? []) {
    out.push(`${indent}${s.type.replace(/Stmt$/, '')} ${fields(p, s)}`);
    if ('block' in s.stmt) block(p, s.stmt.block, `${indent}  `, out);
    if ('blocks' in s.stmt) {
      for (const sub of s.stmt.blocks ?? []) {
        out.push(`${indent}  {`);
        block(p, sub, `${indent}    `, out);
        out.push(`${indent}  }`);
      }
    }
  }
}

export function printPolicy(p: Policy): string {
  const out: string[] = [];
  for (const plan of p.plans.plans ?? []) {
    out.push(`plan ${plan.name}`);
    plan.blocks.forEach((b) => (out.push('  block'), block(p, b, '    ', out)));
  }
  for (const f of p.funcs?.funcs ?? []) {
    out.push(`func ${f.name} (${f.params.map((x) => `L${x}`).join(', ')}) -> L${f.return}`);
    f.blocks.forEach((b) => (out.push('  block'), block(p, b, '    ', out)));
  }
  return out.join('\n');
}
