// Which Dagster actions are which step of a change's story (`changegate audit report`): every
// Dagster request tied to a change is part of a run.

import type { StoryStep } from '../../audit/report.js';

export function dagsterStoryStep(action: string): StoryStep | undefined {
  return action.startsWith('dagster.') ? 'run' : undefined;
}
