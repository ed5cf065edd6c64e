// The Gerrit change a Dagster request is made for: from the `X-Gerrit-Change` header (CI sets
// it) or else from the deployment (a branch deployment built for one change). Header forms:
// `12345`, `I<hex>` (Change-Id), or both separated by a comma: `12345,I8473b95934b5732ac55d26311a706c9c2bde9940`.

import { ChangegateError } from '../errors.js';
import type { ChangeRef } from '../proxy/types.js';

const NUMBER = /^[1-9][0-9]{0,9}$/;
const CHANGE_ID = /^I[0-9a-f]{40}$/;

export function changeFromHeader(value: string | string[] | undefined): ChangeRef | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new ChangegateError('bad_header', 'X-Gerrit-Change may be sent once');
  const out: { number?: number; changeId?: string } = {};
  for (const part of value.split(',').map((p) => p.trim())) {
    if (NUMBER.test(part) && out.number === undefined && Number(part) <= 2 ** 31 - 1) out.number = Number(part);
    else if (CHANGE_ID.test(part) && out.changeId === undefined) out.changeId = part;
    else throw new ChangegateError('bad_header', 'X-Gerrit-Change must be a change number, a Change-Id (I + 40 hex digits), or both separated by a comma');
  }
  return out;
}

export function changeTags(change: ChangeRef | undefined): { key: string; value: string }[] {
  if (change === undefined) return [];
  return [
    ...(change.number === undefined ? [] : [{ key: 'gerrit/change-number', value: String(change.number) }]),
    ...(change.changeId === undefined ? [] : [{ key: 'gerrit/change-id', value: change.changeId }]),
  ];
}
