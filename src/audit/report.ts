// The story of one change from the audit log: every push, vote, submit and run tied to it, in
// time order, each with who asked, what policy said and what came of it. Which action is which
// step is each upstream's to say (`StepOf`, from src/upstreams/*/story.ts); the log knows none.

import { learnedOf, outcomeOf, subjectOf, verdictOf } from './format.js';
import { query, type Exchange, type Json } from './query.js';

export type StoryStep = 'push' | 'vote' | 'submit' | 'run' | 'other';

/** One upstream's reading of its actions: the step an action is, or undefined when not its own. */
export type StepOf = (action: string) => StoryStep | undefined;

/** The first reading that knows the action; 'other' when none does. */
export function storySteps(readings: readonly StepOf[]): (action: string) => StoryStep {
  return (action) => {
    for (const read of readings) {
      const step = read(action);
      if (step !== undefined) return step;
    }
    return 'other';
  };
}

export interface ChangeStory {
  readonly change: number;
  readonly events: readonly Exchange[];
  readonly counts: Readonly<Record<StoryStep, { allowed: number; denied: number }>>;
}

export function changeStory(all: readonly Json[], change: number, stepOf: (action: string) => StoryStep): ChangeStory {
  const events = query(all, { change }).sort((a, b) => String(a.decision['time']).localeCompare(String(b.decision['time'])));
  const counts: Record<StoryStep, { allowed: number; denied: number }> = {
    push: { allowed: 0, denied: 0 },
    vote: { allowed: 0, denied: 0 },
    submit: { allowed: 0, denied: 0 },
    run: { allowed: 0, denied: 0 },
    other: { allowed: 0, denied: 0 },
  };
  for (const e of events) {
    const c = counts[stepOf(String(e.decision['action'] ?? ''))];
    if (verdictOf(e.decision) === 'allow') c.allowed += 1;
    else c.denied += 1;
  }
  return { change, events, counts };
}

export function renderStory(story: ChangeStory, stepOf: (action: string) => StoryStep): string {
  if (story.events.length === 0) return `change ${story.change}: no records\n`;
  const lines = [`change ${story.change}: ${story.events.length} request(s)`];
  for (const e of story.events) {
    const d = e.decision;
    const step = stepOf(String(d['action'] ?? ''));
    const learned = learnedOf(e);
    lines.push(
      `  ${String(d['time'])}  ${step.padEnd(6)} ${subjectOf(d)}  ${String(d['action'])}  ${verdictOf(d)}  -> ${outcomeOf(e)}` +
        `${learned === '' ? '' : `  [${learned}]`}  (${String(d['requestId'])})`,
    );
  }
  const summary = (Object.entries(story.counts) as [StoryStep, { allowed: number; denied: number }][])
    .filter(([, c]) => c.allowed + c.denied > 0)
    .map(([step, c]) => `${step}: ${c.allowed} allowed, ${c.denied} denied`);
  lines.push(`summary: ${summary.join('; ')}`);
  return `${lines.join('\n')}\n`;
}
