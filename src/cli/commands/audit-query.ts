// `changegate audit query`: filter decision records (joined with their completions) by change,
// subject, action, decision and time; print JSON lines or a table.

import { resolve } from 'node:path';
import { renderTable } from '../../audit/format.js';
import { query, type QueryFilter } from '../../audit/query.js';
import { readLog, records } from '../../audit/read.js';
import { parseArgs, UsageError } from '../args.js';
import type { Command } from '../command.js';

function time(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`${flag} expects an ISO date or time, such as 2026-11-22 or 2026-11-22T10:00:00Z`);
  return t;
}

export function changeNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError('--change expects a change number');
  return Number(value);
}

export const auditQueryCommand: Command = {
  name: ['audit', 'query'],
  summary: 'Filter audit records by change, subject, action, decision and time',
  usage: `Usage: changegate audit query [options] FILE...

Prints the decision records that match every filter given, each followed by its completion
record (same requestId) when there is one: as the original JSON lines (default), or as a table.

Options:
      --change N           records about change N (or whose response created change N)
      --subject S          subject id or email
      --action A           exact action, or a prefix ending in * (gerrit.change.*)
      --decision D         allow or deny
      --since T            records at or after T (ISO date or time)
      --until T            records at or before T
      --format F           json (default) or table`,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, {
      change: { type: 'string' },
      subject: { type: 'string' },
      action: { type: 'string' },
      decision: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      format: { type: 'string' },
    });
    if (positionals.length === 0) throw new UsageError('expected at least one audit FILE');
    if (flags.decision !== undefined && flags.decision !== 'allow' && flags.decision !== 'deny') throw new UsageError('--decision expects allow or deny');
    const format = flags.format ?? 'json';
    if (format !== 'json' && format !== 'table') throw new UsageError('--format expects json or table');
    const change = changeNumber(flags.change);
    const since = time('--since', flags.since);
    const until = time('--until', flags.until);
    const filter: QueryFilter = {
      ...(change === undefined ? {} : { change }),
      ...(flags.subject === undefined ? {} : { subject: flags.subject }),
      ...(flags.action === undefined ? {} : { action: flags.action }),
      ...(flags.decision === undefined ? {} : { decision: flags.decision }),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
    };
    const found = query(records(readLog(positionals.map((p) => resolve(io.cwd, p)))), filter);
    if (format === 'table') io.stdout.write(renderTable(found));
    else for (const e of found) io.stdout.write(`${JSON.stringify(e.decision)}\n${e.completion === undefined ? '' : `${JSON.stringify(e.completion)}\n`}`);
    return 0;
  },
};
