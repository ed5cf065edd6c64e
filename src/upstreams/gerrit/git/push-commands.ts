// Turns the commands of one push into what it does. Only `refs/for/` is magic; everything
// else, deletes and tags included, is a direct push; refs/meta/config, direct or for review,
// is a config push. A push is judged on every command: the most privileged one names it.

import { fullBranch } from '../change-id.js';
import type { PushCommand } from './push-head.js';
import { refOptions, type PushOption } from './push-options.js';

export type PushKind = 'review' | 'direct' | 'config';

export interface ClassifiedCommand {
  readonly ref: string;
  readonly kind: PushKind;
  /** The branch the push lands on (for review: the target branch). */
  readonly target: string;
  readonly create: boolean;
  readonly delete: boolean;
  readonly options: readonly PushOption[];
}

const ZERO = /^0+$/;
const MAGIC = 'refs/for/';
const CONFIG = 'refs/meta/config';
export const RANK: Readonly<Record<PushKind, number>> = { review: 0, direct: 1, config: 2 };

export function classifyCommand(command: PushCommand): ClassifiedCommand {
  const create = ZERO.test(command.oldId);
  const del = ZERO.test(command.newId);
  const base = { ref: command.ref, create, delete: del };
  if (command.ref.startsWith(MAGIC) && !del) {
    const rest = command.ref.slice(MAGIC.length);
    const pct = rest.indexOf('%');
    const branch = pct < 0 ? rest : rest.slice(0, pct);
    const options = pct < 0 ? [] : refOptions(rest.slice(pct + 1));
    const target = fullBranch(branch);
    return { ...base, kind: target === CONFIG ? 'config' : 'review', target, options };
  }
  return { ...base, kind: command.ref === CONFIG ? 'config' : 'direct', target: command.ref, options: [] };
}

export function strongest(commands: readonly ClassifiedCommand[]): PushKind | undefined {
  let best: PushKind | undefined;
  for (const c of commands) if (best === undefined || RANK[c.kind] > RANK[best]) best = c.kind;
  return best;
}
