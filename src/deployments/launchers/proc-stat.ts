// What Linux's /proc says about a process: its state, process group and start time. Two facts
// need it beyond kill(pid, 0): a zombie still "exists" for kill (and an init that never reaps
// orphans, as in some containers, keeps them forever), and a pid can be reused by an unrelated
// process after a restart; the start time tells the two apart. Elsewhere these return undefined
// and the callers fall back to signals alone.

import { readdir, readFile } from 'node:fs/promises';

export interface ProcStat {
  /** R, S, D, Z (zombie), T, ... */
  readonly state: string;
  readonly pgid: number;
  /** Clock ticks since boot, as text: with the pid, a process identity that survives our restarts. */
  readonly startTime: string;
}

export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself hold ") ": split after the last one.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const pgid = Number(fields[2]);
  const startTime = fields[19];
  if (state === undefined || !Number.isInteger(pgid) || startTime === undefined) return undefined;
  return { state, pgid, startTime };
}

/** Whether /proc can answer at all (Linux). */
export async function hasProcfs(): Promise<boolean> {
  return (await readProcStat(process.pid)) !== undefined;
}

/** Pids of the group's members that are not zombies; undefined without /proc. */
export async function liveGroupMembers(pgid: number): Promise<number[] | undefined> {
  if (!(await hasProcfs())) return undefined;
  const live: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const stat = await readProcStat(Number(entry));
    if (stat !== undefined && stat.pgid === pgid && stat.state !== 'Z' && stat.state !== 'X') live.push(Number(entry));
  }
  return live;
}
