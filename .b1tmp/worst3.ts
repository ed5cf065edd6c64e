import { parseModule, parseQuery, ParseError } from '../src/rego/parser/index.js';
import { corpusSample, mulberry32, mutate, pick, tokenSoup } from '../test/rego/parser/fuzz-gen.js';
const corpus = corpusSample();
const r = mulberry32(1);
const times: [number, string, number][] = [];
for (let i = 0; i < 20000; i++) {
  const src = r() < 0.4 ? tokenSoup(r) : mutate(r, pick(r, corpus));
  if (src.length < 20000) continue;
  const t = process.cpuUsage();
  for (let k = 0; k < 3; k++) { try { parseModule(src, 'f'); } catch {} try { parseQuery(src); } catch {} }
  const u = process.cpuUsage(t);
  times.push([(u.user + u.system) / 3000, src.slice(0, 60), src.length]);
}
times.sort((a, b) => b[0] - a[0]);
console.log(times.slice(0, 5).map(([t, s, n]) => [t.toFixed(1), n, JSON.stringify(s)]));
