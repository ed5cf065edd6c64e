// Waiting for a started Deployment from the pod status, not from probing its URL (Changegate may
// run outside the cluster, where the Service's address does not resolve): ready when one of its
// pods has the Ready condition and the Deployment counts an available replica. A container that
// cannot start (crash loop, image not pullable) fails at once with its reason and last log lines.

import { LaunchError } from '../../types.js';
import { paths, type KubeApi } from './api.js';
import type { WaitClock } from './clock.js';
import type { ContainerStatus, Deployment, Pod } from './objects.js';
import { podLogTail } from './pod-logs.js';

/** Waiting reasons that do not resolve by waiting longer. */
export const FATAL_WAITING_REASONS: ReadonlySet<string> = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

export interface ReadinessTarget {
  readonly namespace: string;
  readonly deployment: string;
  readonly labelSelector: string;
}

export interface ReadinessOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly clock: WaitClock;
  readonly signal?: AbortSignal | undefined;
}

function isReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function fatal(pod: Pod): { container: ContainerStatus; reason: string; message: string } | undefined {
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = c.state?.waiting;
    if (typeof waiting?.reason === 'string' && FATAL_WAITING_REASONS.has(waiting.reason)) {
      return { container: c, reason: waiting.reason, message: typeof waiting.message === 'string' ? waiting.message.slice(0, 500) : '' };
    }
  }
  return undefined;
}

/** Why pods are not there at all (quota, admission): the Deployment's ReplicaFailure condition. */
function replicaFailure(d: Deployment | undefined): string | undefined {
  const c = (d?.status?.conditions ?? []).find((x) => x.type === 'ReplicaFailure' && x.status === 'True');
  return c === undefined ? undefined : `${c.reason ?? 'ReplicaFailure'}: ${(c.message ?? '').slice(0, 500)}`;
}

/** Resolves when ready; rejects with LaunchError (reason and log tail) otherwise. Deletes nothing: the caller does. */
export async function waitUntilReady(api: KubeApi, target: ReadinessTarget, options: ReadinessOptions): Promise<void> {
  const { clock } = options;
  const deadline = clock.now() + options.timeoutMs;
  let last: Pod | undefined;
  let lastState = 'no pod yet';
  for (;;) {
    if (options.signal?.aborted === true) throw new LaunchError(`start of ${target.deployment} was cancelled`, '');
    const pods = await api.list<Pod>(paths.pods(target.namespace), target.labelSelector);
    for (const pod of pods) {
      const bad = fatal(pod);
      if (bad !== undefined) {
        const log = await podLogTail(api, target.namespace, pod, bad.container.name);
        throw new LaunchError(`${target.deployment}: container ${bad.container.name ?? '?'} of pod ${pod.metadata?.name ?? '?'} is in ${bad.reason}${bad.message === '' ? '' : ` (${bad.message})`}`, log);
      }
    }
    const deployment = await api.get<Deployment>(paths.deployment(target.namespace, target.deployment));
    if (deployment === undefined) throw new LaunchError(`${target.deployment}: the Deployment disappeared while starting`, '');
    const failure = replicaFailure(deployment);
    if (failure !== undefined) throw new LaunchError(`${target.deployment}: ${failure}`, '');
    if (pods.some(isReady) && (deployment.status?.availableReplicas ?? 0) >= 1) return;
    last = pods[0];
    lastState = last === undefined ? 'no pod yet' : `pod ${last.metadata?.name ?? '?'} ${last.status?.phase ?? 'Unknown'}, not Ready`;
    const left = deadline - clock.now();
    if (left <= 0) {
      const log = last === undefined ? '' : await podLogTail(api, target.namespace, last);
      throw new LaunchError(`${target.deployment}: not ready within ${options.timeoutMs} ms (${lastState})`, log);
    }
    try {
      await clock.sleep(Math.min(options.intervalMs, left), options.signal);
    } catch {
      throw new LaunchError(`start of ${target.deployment} was cancelled`, '');
    }
  }
}
