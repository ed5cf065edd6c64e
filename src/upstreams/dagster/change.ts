// The Gerrit change a Dagster request is made for: from the `X-Gerrit-Change` header (CI sets
// it) or from the deployment (a branch deployment built for one change, which wins). Header forms:
// `12345`, `I<hex>` (Change-Id), or both separated by a comma: `12345,I8473b95934b5732ac55d26311a706c9c2bde9940`.

import { ChangegateError } from '../../errors.js';
import type { ChangeRef } from '../../pipeline/types.js';

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

/**
 * The change a run-creating request is for. A branch deployment's change is authoritative: it
 * is what the deployment runs. A header naming another change there is refused (400), so runs
 * are never attributed to a change the deployment was not built for.
 */
export function requestChange(header: string | string[] | undefined, deploymentChange: ChangeRef | undefined): ChangeRef | undefined {
  const named = changeFromHeader(header);
  if (deploymentChange === undefined) return named;
  if (named !== undefined && !sameChange(named, deploymentChange)) {
    throw new ChangegateError('bad_header', 'X-Gerrit-Change names another change than the one this branch deployment is for');
  }
  return deploymentChange;
}

/** Contradicts on no part both name. */
function sameChange(a: ChangeRef, b: ChangeRef): boolean {
  const agree = <T>(x: T | undefined, y: T | undefined): boolean => x === undefined || y === undefined || x === y;
  return agree(a.number, b.number) && agree(a.changeId, b.changeId);
}
