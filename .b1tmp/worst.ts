import { parseModule, parseQuery } from '../src/rego/parser/index.js';
const shapes: [string, (n: number) => string][] = [
  ['parens-comma', (n) => `x := ${'(a, '.repeat(n)}b${')'.repeat(n)}`],
  ['brackets-comma', (n) => `x := ${'a[b, '.repeat(n)}c${']'.repeat(n)}`],
  ['some-chain', (n) => `some ${Array.from({ length: n }, (_, i) => `x${i}`).join(', ')}`],
  ['some-in-nested', (n) => `some x in ${'[y | some y in '.repeat(n)}z${']'.repeat(n)}`],
  ['set-or', (n) => `x := ${'{a | '.repeat(n)}b${'}'.repeat(n)}`],
  ['obj-nest', (n) => `x := ${'{"a": '.repeat(n)}1${'}'.repeat(n)}`],
  ['flat-array', (n) => `x := [${Array.from({ length: n * 50 }, () => '1').join(', ')}]`],
  ['many-exprs', (n) => Array.from({ length: n * 20 }, (_, i) => `x${i} := ${i}`).join('\n')],
  ['comma-soup', (n) => `x := ${'a, '.repeat(n * 20)}b`],
];
for (const [name, f] of shapes) {
  const row: string[] = [];
  for (const n of [100, 200, 400]) {
    const src = f(n);
    const opts = { maxDepth: 100000 };
    const t = process.cpuUsage();
    let res = 'ok';
    try { parseQuery(src, opts); } catch (e) { res = (e as Error).message.slice(0, 40).replace(/\n/g, ' '); }
    const u = process.cpuUsage(t);
    row.push(`${n}:${((u.user + u.system) / 1000).toFixed(1)}ms`);
    if (n === 400) row.push(res);
  }
  console.log(name.padEnd(16), row.join('  '));
}
const rules = (n: number) => 'package x\n' + Array.from({ length: n }, (_, i) => `p${i} if { ${'{'.repeat(50)}1${'}'.repeat(50)} }`).join('\n');
for (const n of [100, 200, 400]) { const t = process.cpuUsage(); parseModule(rules(n), 'r'); const u = process.cpuUsage(t); console.log('if-set-nest', n, ((u.user + u.system) / 1000).toFixed(1)); }
