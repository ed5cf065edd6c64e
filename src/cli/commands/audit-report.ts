// `changegate audit report --change N FILE...`: the story of one change from the audit log.

import { resolve } from 'node:path';
import { readLog, records } from '../../audit/read.js';
import { changeStory, renderStory, storySteps } from '../../audit/report.js';
import { dagsterStoryStep } from '../../upstreams/dagster/story.js';
import { gerritStoryStep } from '../../upstreams/gerrit/story.js';
import { parseArgs, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { changeNumber } from './audit-query.js';

const stepOf = storySteps([gerritStoryStep, dagsterStoryStep]);

export const auditReportCommand: Command = {
  name: ['audit', 'report'],
  summary: 'The story of one change: pushes, votes, submit and Dagster runs, with outcomes',
  usage: `Usage: changegate audit report --change N [--json] FILE...

Prints, in time order, every request the audit log ties to change N (pushes, votes, the submit,
Dagster runs launched for it), each with who asked, what policy decided and what came of it
(upstream status, duration, and what the response taught: a new change number, a run id), then a
summary per kind of step.

Options:
      --change N   the change number (required)
      --json       print the story as one JSON object`,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { change: { type: 'string' }, json: { type: 'boolean' } });
    const change = changeNumber(flags.change);
    if (change === undefined) throw new UsageError('--change N is required');
    if (positionals.length === 0) throw new UsageError('expected at least one audit FILE');
    const story = changeStory(records(readLog(positionals.map((p) => resolve(io.cwd, p)))), change, stepOf);
    io.stdout.write(flags.json === true ? `${JSON.stringify(story)}\n` : renderStory(story, stepOf));
    return 0;
  },
};
