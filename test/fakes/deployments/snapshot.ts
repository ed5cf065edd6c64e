// A Gerrit change as the deployments controller snapshots it: change 42, patch set 3, open.
// Tests change what they are about and keep the rest.

import type { ChangeSnapshot } from '../../../src/deployments/types.js';

export const CHANGE_ID = 'I0123456789abcdef0123456789abcdef01234567';

export function changeSnapshot(overrides: Partial<Omit<ChangeSnapshot, 'commit'>> & { readonly commit?: Partial<ChangeSnapshot['commit']> } = {}): ChangeSnapshot {
  const { commit, ...rest } = overrides;
  return {
    number: 42,
    id: CHANGE_ID,
    project: 'data-pipelines',
    branch: 'main',
    status: 'OPEN',
    owner: 'olivia',
    reviewers: ['rico'],
    patchset: 3,
    ref: 'refs/changes/42/42/3',
    ...rest,
    commit: { sha: 'a'.repeat(40), timestamp: '2024-08-28 19:05:41.000000000', authorName: 'Olivia Owner', authorEmail: 'olivia@example.com', message: 'm', ...commit },
  };
}
