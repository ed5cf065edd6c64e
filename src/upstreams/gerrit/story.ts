// Which Gerrit actions are which step of a change's story (`changegate audit report`).

import type { StoryStep } from '../../audit/report.js';

export function gerritStoryStep(action: string): StoryStep | undefined {
  if (action.startsWith('gerrit.push')) return 'push';
  if (action === 'gerrit.change.review' || action.startsWith('gerrit.change.vote')) return 'vote';
  if (action === 'gerrit.change.submit') return 'submit';
  return undefined;
}
