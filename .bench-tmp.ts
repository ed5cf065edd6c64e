import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileModules, compileToWasm } from './src/rego/compile.ts';
const files: { file: string; text: string }[] = [];
const walk = (d: string): void => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.rego')) files.push({ file: p, text: readFileSync(p, 'utf8') }); } };
walk('policies');
const eps = ['changegate/decision'];
let t0 = performance.now();
compileToWasm(files, { entrypoints: eps });
console.log('files', files.length, 'lines', files.reduce((n, f) => n + f.text.split('\n').length, 0), 'cold Rego->Wasm ms', (performance.now() - t0).toFixed(1));
for (let i = 0; i < 50; i++) compileModules(files, { entrypoints: eps });
const times: number[] = [];
for (let i = 0; i < 100; i++) { const t = performance.now(); compileModules(files, { entrypoints: eps }); times.push(performance.now() - t); }
times.sort((a, b) => a - b);
console.log('warm Rego->IR median ms', times[50]!.toFixed(2));
const wt: number[] = [];
for (let i = 0; i < 30; i++) { const t = performance.now(); compileToWasm(files, { entrypoints: eps }); wt.push(performance.now() - t); }
wt.sort((a, b) => a - b);
console.log('warm Rego->Wasm median ms', wt[15]!.toFixed(2));
