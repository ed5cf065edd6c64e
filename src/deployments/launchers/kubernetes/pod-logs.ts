// The last lines a pod's container wrote, for a LaunchError or a cleanup result. Best effort: a
// log that cannot be read (the container never started, RBAC without pods/log) is a note, not an error.

import { paths, type KubeApi } from './api.js';
import type { Pod } from './objects.js';

export const LOG_TAIL_LINES = 50;
const LOG_LIMIT_BYTES = 16 * 1024;

/** `container` defaults to the first one (a pod with several needs a name). */
export async function podLogTail(api: KubeApi, namespace: string, pod: Pod, which?: string): Promise<string> {
  const name = pod.metadata?.name;
  if (typeof name !== 'string') return '';
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const container = which ?? pod.status?.containerStatuses?.[0]?.name;
  const status = statuses.find((c) => c.name === container);
  const query = { tailLines: LOG_TAIL_LINES, limitBytes: LOG_LIMIT_BYTES, ...(container === undefined ? {} : { container }) };
  try {
    return await api.text(paths.podLog(namespace, name), query);
  } catch (e) {
    // A container waiting to restart has no current log; its previous run's is the one that says why.
    if ((status?.restartCount ?? 0) > 0) {
      try {
        return await api.text(paths.podLog(namespace, name), { ...query, previous: true });
      } catch {
        // fall through to the note
      }
    }
    return `(log of pod ${name} not readable: ${e instanceof Error ? e.message : String(e)})`;
  }
}
