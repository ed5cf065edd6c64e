// deployments.cleanup.command as a Kubernetes Job: the Deployment's first container's image (or
// deployments.kubernetes.cleanupImage), with its env and envFrom (so the credentials that drop the
// shadow schema are the webserver's) and the LaunchSpec env. Waited for up to the deadline, its log
// tail read, then deleted. Volumes are not copied: a cleanup needs the database, not the checkout.

import type { CleanupResult } from '../../types.js';
import { paths, type KubeApi } from './api.js';
import type { WaitClock } from './clock.js';
import type { Job, JsonObject, Pod } from './objects.js';
import { placeholderValues, substitute } from './placeholders.js';
import { podLogTail } from './pod-logs.js';
import { kubeLiteral, type RenderedDeployment } from './template.js';

export const LABEL_ROLE = 'changegate.io/role';

export interface CleanupJobInput {
  readonly namespace: string;
  readonly rendered: RenderedDeployment;
  readonly command: readonly string[];
  readonly placeholders: Readonly<Record<string, string>>;
  readonly image?: string | undefined;
}

export function cleanupJob(input: CleanupJobInput): Job {
  const values = placeholderValues(input.placeholders);
  if (typeof values === 'string') throw new Error(values);
  const pod = input.rendered.deployment.spec?.template?.spec;
  const first = pod?.containers?.[0];
  const image = input.image ?? first?.image;
  if (image === undefined) throw new Error('no image for the cleanup Job');
  const labels = { ...input.rendered.labels, [LABEL_ROLE]: 'cleanup' };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { generateName: `${input.rendered.labels['changegate.io/deployment']}-cleanup-`, namespace: input.namespace, labels },
    spec: {
      backoffLimit: 0,
      // Kubernetes' own bound too, in case Changegate stops before it deletes the Job.
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...(pod?.serviceAccountName === undefined ? {} : { serviceAccountName: pod.serviceAccountName }),
          ...(pod?.imagePullSecrets === undefined ? {} : { imagePullSecrets: pod.imagePullSecrets }),
          containers: [
            {
              name: 'cleanup',
              image,
              // Substituted once, then kept literal: Kubernetes would expand $(VAR) in a command.
              command: input.command.map((a) => kubeLiteral(substitute(a, values))),
              ...(first?.env === undefined ? {} : { env: first.env as unknown as JsonObject[] }),
              ...(first?.envFrom === undefined ? {} : { envFrom: first.envFrom }),
              ...(first?.workingDir === undefined ? {} : { workingDir: first.workingDir }),
            },
          ],
        },
      },
    },
  };
}

export interface CleanupWaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly clock: WaitClock;
}

function finished(job: Job): 'succeeded' | 'failed' | undefined {
  const s = job.status;
  const condition = (type: string) => (s?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
  if ((s?.succeeded ?? 0) >= 1 || condition('Complete')) return 'succeeded';
  if ((s?.failed ?? 0) >= 1 || condition('Failed')) return 'failed';
  return undefined;
}

/** Creates the Job, waits for it, reads its log, deletes it. Never rejects. */
export async function runCleanupJob(api: KubeApi, input: CleanupJobInput, options: CleanupWaitOptions): Promise<CleanupResult> {
  const ns = input.namespace;
  let created: string | undefined;
  try {
    const job = await api.create<Job>(paths.jobs(ns), cleanupJob(input));
    created = job.metadata?.name;
    if (typeof created !== 'string') return { ok: false, exitCode: null, output: 'the API server answered the Job creation without a name' };
    const deadline = options.clock.now() + options.timeoutMs;
    let outcome: 'succeeded' | 'failed' | 'timeout';
    for (;;) {
      const current = await api.get<Job>(paths.job(ns, created));
      if (current === undefined) return { ok: false, exitCode: null, output: `the cleanup Job ${created} disappeared` };
      const done = finished(current);
      if (done !== undefined) {
        outcome = done;
        break;
      }
      const left = deadline - options.clock.now();
      if (left <= 0) {
        outcome = 'timeout';
        break;
      }
      await options.clock.sleep(Math.min(options.intervalMs, left));
    }
    const pods = await api.list<Pod>(paths.pods(ns), `job-name=${created}`);
    const pod = pods[0];
    const log = pod === undefined ? '' : await podLogTail(api, ns, pod);
    const exit = pod?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode;
    const exitCode = typeof exit === 'number' ? exit : null;
    if (outcome === 'timeout') return { ok: false, exitCode, output: `${log}${log === '' || log.endsWith('\n') ? '' : '\n'}(cleanup Job ${created} did not finish within ${options.timeoutMs} ms)` };
    return { ok: outcome === 'succeeded', exitCode, output: log };
  } catch (e) {
    return { ok: false, exitCode: null, output: `cleanup Job failed: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    if (created !== undefined) await api.delete(paths.job(ns, created), 'Background').catch(() => undefined);
  }
}
