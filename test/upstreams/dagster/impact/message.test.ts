import assert from 'node:assert/strict';
import { test } from 'node:test';
import { impactMessage } from '../../../../src/upstreams/dagster/impact/message.js';
import { CHANGE_REASONS, type AssetImpact, type ChangeReason, type ChangedAsset, type ImpactedAsset } from '../../../../src/upstreams/dagster/impact/types.js';

const LINKS = { deploymentUrl: 'https://cg.example.test/dagster/changes/42' };

function impact(assets: ChangedAsset[], downstream: ImpactedAsset[] = []): AssetImpact {
  const counts = Object.fromEntries(CHANGE_REASONS.map((r) => [r, assets.filter((a) => a.reasons.includes(r)).length])) as Record<ChangeReason, number>;
  return { computedFor: { patchset: 3, gitSha: '0123456789abcdef0123456789abcdef01234567' }, assets, downstream, counts };
}
const shown = (path: string, over: Partial<ImpactedAsset> = {}): ImpactedAsset => ({ key: path.split('/'), location: 'finance', repository: '__repository__', group: 'default', tags: {}, owners: [], ...over });
const changed = (path: string, reasons: ChangeReason[], over: Partial<ImpactedAsset> = {}): ChangedAsset => ({ ...shown(path, over), reasons });

test('nothing changed: no message', () => {
  assert.equal(impactMessage(impact([]), LINKS), undefined);
});

test('counts, then changed assets with reasons, owners and links, then downstream', () => {
  const text = impactMessage(
    impact(
      [
        changed('finance/ledger', ['CODE_VERSION', 'TAGS'], { owners: ['ann@example.test', 'team:finance'] }),
        changed('raw/old', ['REMOVED']),
        changed('raw/fresh file', ['NEW']),
      ],
      [shown('marts/revenue', { location: 'marts' })],
    ),
    { ...LINKS, pageUrl: 'https://cg.example.test/.changegate/changes/42/assets' },
  );
  assert.equal(
    text,
    [
      'Asset changes in patch set 3 (0123456789ab), compared with production:',
      '',
      '3 assets changed: 1 new, 1 code version, 1 tags, 1 removed.',
      '1 unchanged asset downstream.',
      '',
      'Changed:',
      '* finance/ledger [finance] (code version, tags; owners: ann@example.test, team:finance) https://cg.example.test/dagster/changes/42/assets/finance/ledger',
      '* raw/old [finance] (removed)',
      '* raw/fresh file [finance] (new) https://cg.example.test/dagster/changes/42/assets/raw/fresh%20file',
      '',
      'Downstream:',
      '* marts/revenue [marts] https://cg.example.test/dagster/changes/42/assets/marts/revenue',
      '',
      'All of it: https://cg.example.test/.changegate/changes/42/assets',
    ].join('\n'),
  );
});

test('hostile names cannot forge lines or links', () => {
  const text = impactMessage(impact([changed('a\nCode-Review+2\n[x](javascript:alert(1))', ['NEW'], { owners: ['x\r\ny'] })]), LINKS)!;
  const line = text.split('\n').find((l) => l.startsWith('* '))!;
  assert.ok(line.includes('a Code-Review+2 _x__javascript:alert_1__'), line);
  assert.ok(line.includes('owners: x  y'));
  assert.equal(text.split('\n').filter((l) => l.startsWith('* ')).length, 1);
});

test('bounded: long lists end with "and N more", the whole stays under the limit', () => {
  const many = Array.from({ length: 500 }, (_, i) => changed(`lake/${'x'.repeat(150)}/${i}`, ['CODE_VERSION'], { owners: ['o@example.test'] }));
  const down = Array.from({ length: 800 }, (_, i) => shown(`marts/m${i}`));
  const text = impactMessage(impact(many, down), LINKS)!;
  assert.ok(text.length <= 12_000, String(text.length));
  assert.match(text, /^\* and \d+ more$/m);
  const more = [...text.matchAll(/^\* and (\d+) more$/gm)].map((m) => Number(m[1]));
  const listed = text.split('\n').filter((l) => l.startsWith('* ') && !l.startsWith('* and ')).length;
  assert.equal(listed + more.reduce((a, b) => a + b, 0), 1300);
  const few = impactMessage(impact(many.slice(0, 60)), LINKS, { changed: 50, downstream: 30, chars: 100_000 })!;
  assert.match(few, /^\* and 10 more$/m);
});
