import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommitTimestamp } from '../../../../src/upstreams/dagster/branch/timestamp.js';

describe('parseCommitTimestamp (DAGSTER_CLOUD_GIT_TIMESTAMP is Unix seconds)', () => {
  const cases: readonly [string, number | undefined][] = [
    // Dagster+'s documented example, 2024-08-28T19:05:41Z
    ['2024-08-28 19:05:41.000000000', 1724871941],
    ['2024-08-28 19:05:41', 1724871941],
    ['2024-08-28 19:05:41.999999999', 1724871941],
    ['2024-08-28T19:05:41Z', 1724871941],
    ['2024-08-28T21:05:41+02:00', 1724871941],
    ['2024-08-28T14:05:41.5-05:00', 1724871941],
    ['1724871941', 1724871941],
    ['0', 0],
    ['1969-12-31 23:59:59', -1],
    ['2024-02-29 00:00:00', 1709164800],
    ['0099-01-01T00:00:00Z', -59042995200],
    // not timestamps
    ['', undefined],
    ['2023-02-29 00:00:00', undefined],
    ['2024-13-01 00:00:00', undefined],
    ['2024-04-31 00:00:00', undefined],
    ['2024-01-01 24:00:00', undefined],
    ['2024-01-01 00:60:00', undefined],
    ['2024-01-01 00:00:60', undefined],
    ['2024-01-01T00:00:00', undefined],
    ['2024-01-01T00:00:00+24:00', undefined],
    ['2024-01-01 00:00:00Z', undefined],
    ['Mon, 01 Jan 2024 00:00:00 GMT', undefined],
    [' 1724871941', undefined],
    ['1724871941.5', undefined],
    ['01724871941', undefined],
    ['2024-01-01 00:00:00\u0000', undefined],
  ];
  for (const [value, want] of cases) {
    it(JSON.stringify(value), () => assert.equal(parseCommitTimestamp(value), want));
  }
});
