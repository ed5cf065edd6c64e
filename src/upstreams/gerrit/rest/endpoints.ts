// The REST route table's entry point: top-level collection -> its matcher.

import type { RestTarget } from './effective.js';
import { matchChanges } from './changes-endpoints.js';
import { read, unknownWrite, type RestMatch } from './match.js';
import { matchAccounts, matchGroups, matchProjects, matchServer } from './other-endpoints.js';

export function matchRest(target: RestTarget): RestMatch {
  const { method, segments } = target;
  if (method === 'UNKNOWN') return unknownWrite;
  const [top, ...rest] = segments;
  switch (top) {
    case 'changes':
      return matchChanges(method, rest);
    case 'projects':
      return matchProjects(method, rest);
    case 'accounts':
      return matchAccounts(method, rest);
    case 'groups':
      return matchGroups(method);
    case 'config':
    case 'plugins':
      return matchServer(method);
    default:
      // The UI, /tools/, /access/ (read-only) and anything else: only reads are known.
      return method === 'GET' ? read : unknownWrite;
  }
}
