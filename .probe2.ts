import { parseQuery } from './src/rego/parser/index.js';
const shapes: [string, (n: number) => string][] = [
    ['arr', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
    ['set', (n: number) => `${'{'.repeat(n)}1${'}'.repeat(n)}`],
    ['par', (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`],
    ['ref', (n: number) => `${'a['.repeat(n)}1${']'.repeat(n)}`],
    ['call', (n: number) => `${'f('.repeat(n)}1${')'.repeat(n)}`],
    ['comp', (n: number) => `${'[x | '.repeat(n)}true${']'.repeat(n)}`],
    ['plus', (n: number) => Array.from({ length: n }, () => '1').join(' + ')],
    ['in', (n: number) => Array.from({ length: n }, () => 'x').join(' in ')],
];
for (const [name, f] of shapes) { const s = `x := ${f(100000)}`; const t = performance.now(); try { parseQuery(s); } catch (e) { } console.log(name, (performance.now() - t).toFixed(1)); }
