// Debug aid: `node --import tsx tools/conformance/debug-case.ts <folder/file.json> [case#] [out.wasm]`
// compiles one plan case, evaluates it in the SDK and prints got/want (and the trap's stack).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileIrToWasm, hostBuiltins } from '../../src/rego/index.js';
import { packageRoot } from '../../src/util/package-root.js';
import { conformanceDir, type ConformanceCase } from './cases.js';
import { caseInput } from './sdk-eval.js';

async function main(): Promise<void> {
  const [file, idx, out] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: debug-case <folder/file.json> [case#] [out.wasm]');
  const path = join(conformanceDir(packageRoot()), 'plans', file);
  const c = (JSON.parse(readFileSync(path, 'utf8')) as { cases: ConformanceCase[] }).cases[Number(idx ?? 0)];
  if (c?.plan === undefined) throw new Error('no such case or no plan');
  console.log('note:', c.note);
  const wasm = compileIrToWasm(c.plan);
  if (out !== undefined) writeFileSync(out, wasm);
  const p = await loadPolicy(wasm, undefined, hostBuiltins());
  p.setData((c.data ?? {}) as object);
  try {
    const input = caseInput(c);
    console.log('got: ', JSON.stringify(p.evaluate(input === undefined ? undefined : new TextEncoder().encode(JSON.stringify(input)).buffer)));
  } catch (e) {
    console.log('error:', e instanceof Error ? e.stack : e);
  }
  console.log('want:', JSON.stringify(c.want_result ?? { error: c.want_error_code ?? c.want_error, strict: c.strict_error }));
}

void main();
