import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseModule } from '../src/rego/parser/index.js';
function walk(d: string): string[] { return readdirSync(d).flatMap((f) => { const p = join(d, f); return statSync(p).isDirectory() ? walk(p) : p.endsWith('.rego') ? [p] : []; }); }
for (const f of walk('policies')) { try { const m = parseModule(readFileSync(f, 'utf8'), f); console.log('ok', f, m.rules.length); } catch (e) { console.log((e as Error).message); } }
