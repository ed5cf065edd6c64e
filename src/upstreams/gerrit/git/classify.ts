// Classifies git smart-HTTP requests. Fetches and ref advertisements are reads; a push is
// judged on every command it carries and on every option, from the ref and from `-o`.

import type { ResourceInput } from '../../../policy/types.js';
import type { ChangeRef, Classification, ResponseTap } from '../../../pipeline/types.js';
import type { IncomingMessage } from 'node:http';
import { classifyCommand, strongest, type ClassifiedCommand } from './push-commands.js';
import { dangerName, optionClass, parseOption, type PushOption } from './push-options.js';
import { readPushHead } from './push-stream.js';
import { SidebandChangeScanner } from './sideband.js';
import type { GitTarget } from './paths.js';
import type { PushHead } from './push-head.js';

export interface GitRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly req: IncomingMessage;
}

const READS = new Set(['GET', 'HEAD']);

export async function classifyGit(request: GitRequest, target: GitTarget, maxHeadBytes: number): Promise<Classification> {
  const base = { upstream: 'gerrit', path: request.path, project: target.project, service: target.service } as const;
  if (target.service !== 'git-receive-pack' || request.method !== 'POST') {
    // upload-pack POSTs only fetch; anything but GET/HEAD/POST on a git URL is not git.
    const read = READS.has(request.method) || (request.method === 'POST' && target.service === 'git-upload-pack');
    return { action: read ? 'gerrit.read' : 'gerrit.write.unknown', resource: { ...base, service: serviceName(target, request.query) }, body: { kind: 'untouched' } };
  }
  const { head, stream } = await readPushHead(request.req, maxHeadBytes);
  const resource = pushResource(head, target, request.path);
  return {
    action: pushAction(resource.commands),
    resource,
    ...changeOf(resource.commands, target),
    body: { kind: 'stream', stream },
    responseTap: changeNumbersTap(),
  };
}

export interface PushResource extends ResourceInput {
  readonly commands: readonly ClassifiedCommand[];
}

export function pushResource(head: PushHead, target: GitTarget, path: string): PushResource {
  const commands = head.commands.map(classifyCommand);
  const pushOptions = head.pushOptions.map((o) => parseOption(o, 'push-option'));
  // `-o` options apply to the magic command (Gerrit merges them); %-options to their own ref.
  const options: PushOption[] = [...commands.flatMap((c) => c.options), ...pushOptions];
  const dangerous = new Set<string>();
  const unknown = new Set<string>();
  for (const o of options) {
    const cls = optionClass(o);
    if (cls === 'dangerous') dangerous.add(dangerName(o));
    else if (cls === 'unknown') unknown.add(o.name);
  }
  if (options.some((o) => o.name.toLowerCase() === 'notedb' && o.value?.toLowerCase() !== 'allow')) dangerous.add('notedb');
  return {
    upstream: 'gerrit',
    path,
    project: target.project,
    service: 'git-receive-pack',
    refs: commands.map((c) => c.ref),
    targets: commands.map((c) => c.target),
    kinds: [...new Set(commands.map((c) => c.kind))],
    commands,
    options: options.map((o) => (o.value === null ? o.name : `${o.name}=${o.value}`)),
    dangerous_options: [...dangerous].sort(),
    unknown_options: [...unknown].sort(),
    deletes: commands.some((c) => c.delete),
    creates: commands.some((c) => c.create),
    signed: head.signed,
    atomic: head.capabilities.includes('atomic'),
  };
}

export function pushAction(commands: readonly ClassifiedCommand[]): string {
  const kind = strongest(commands);
  return kind === undefined ? 'gerrit.push.probe' : `gerrit.push.${kind}`;
}

function changeOf(commands: readonly ClassifiedCommand[], target: GitTarget): { change?: ChangeRef } {
  const [only] = commands;
  if (commands.length !== 1 || only === undefined || only.kind !== 'review') return {};
  return { change: { project: target.project, branch: only.target } };
}

/** Gerrit reports the changes a push created on the sideband; the audit record names them. */
function changeNumbersTap(): ResponseTap {
  const scanner = new SidebandChangeScanner();
  return {
    push: (chunk) => scanner.push(chunk),
    learned: () => {
      const changes = scanner.numbers();
      return changes.length === 0 ? undefined : { changes };
    },
  };
}

function serviceName(target: GitTarget, query: string): string {
  if (target.service !== 'info-refs') return target.service;
  const m = /(?:^|&)service=([^&]*)/.exec(query);
  return m?.[1] ?? 'dumb';
}
