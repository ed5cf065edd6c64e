import { canonicalJson, sha256Hex } from '../src/audit/canonical.ts';
const r = { seq: 1, prev: 'x'.repeat(64), kind: 'decision', time: new Date().toISOString(), requestId: 'x', subject: { id: 'ci', roles: ['ci'], via: 'bearer' }, action: 'gerrit.read', resource: { upstream: 'gerrit' }, decision: { allow: true, reasons: [], revision: 'r' }, request: { method: 'GET', path: '/a', ip: '1', userAgent: 'u' } };
const time = (name: string, f: () => unknown) => { const t = performance.now(); for (let i = 0; i < 20000; i++) f(); console.log(name, ((performance.now() - t) / 20000 * 1000).toFixed(2), 'us'); };
for (let k = 0; k < 2; k++) {
time('canonical', () => canonicalJson(r));
time('stringify', () => JSON.stringify(r));
time('sha', () => sha256Hex('x'.repeat(400)));
}
