// Reads the run ids a launch created from Dagster's GraphQL response as it streams to the
// client, so the completion record says which run the decision produced. Bounded: a launch
// response is small, and past the bound the tap stops looking rather than hold memory.

import type { ResponseTap } from '../../../pipeline/types.js';

const MAX_BYTES = 256 * 1024;

export function runIdTap(): ResponseTap {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) {
      size += chunk.length;
      if (size <= MAX_BYTES) chunks.push(chunk);
    },
    learned() {
      if (size > MAX_BYTES || size === 0) return undefined;
      let doc: unknown;
      try {
        doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return undefined;
      }
      const runIds = [...new Set(launchedRunIds((doc as { data?: unknown } | null)?.data))];
      if (runIds.length === 0) return undefined;
      return runIds.length === 1 ? { runId: runIds[0] } : { runId: runIds[0], runIds };
    },
  };
}

/**
 * Run ids under `run` objects of the mutation's result, whatever the aliases: the UI and CI
 * select `... on LaunchRunSuccess { run { runId } }` (or `id`) under names of their choosing.
 */
function launchedRunIds(node: unknown, underRun = false, depth = 0): string[] {
  if (depth > 16 || typeof node !== 'object' || node === null) return [];
  if (Array.isArray(node)) return node.flatMap((n) => launchedRunIds(n, underRun, depth + 1));
  const out: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (underRun && (key === 'runId' || key === 'id') && typeof value === 'string') out.push(value);
    else if (typeof value === 'object') out.push(...launchedRunIds(value, key === 'run' || key === 'runs', depth + 1));
  }
  return out;
}
