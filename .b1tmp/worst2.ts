import { parseQuery } from '../src/rego/parser/index.js';
for (let k = 0; k < 2; k++) for (const n of [2000, 4000, 8000, 16000, 32000]) {
  const src = `x := ${'a, '.repeat(n)}b`;
  const t = process.cpuUsage(); try { parseQuery(src); } catch {} const u = process.cpuUsage(t);
  console.log(n, ((u.user + u.system) / 1000).toFixed(1));
}
