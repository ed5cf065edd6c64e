// What the process launcher records about a webserver so that it, or the next proxy after a
// restart, can find it again: the registry stores it as a flat record of strings and numbers.

export interface ProcessHandle {
  readonly pid: number;
  /** The child leads its own group (spawned detached), so pgid === pid; kept apart for clarity. */
  readonly pgid: number;
  readonly port: number;
  /** Where server_info lives, for alive(). */
  readonly pathPrefix: string;
  /** Milliseconds since the epoch, for the deployments page. */
  readonly startedAt: number;
  /** /proc's start time of pid (Linux): tells our webserver from a process that reused its pid. */
  readonly procStart?: string;
}

export function handleRecord(h: ProcessHandle): Record<string, string | number> {
  const r: Record<string, string | number> = { pid: h.pid, pgid: h.pgid, port: h.port, pathPrefix: h.pathPrefix, startedAt: h.startedAt };
  if (h.procStart !== undefined) r['procStart'] = h.procStart;
  return r;
}

const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** The handle, or a TypeError: a registry entry that is not one of ours is a bug, not a dead process. */
export function parseHandle(r: Readonly<Record<string, string | number>>): ProcessHandle {
  const { pid, pgid, port, pathPrefix, startedAt, procStart } = r;
  if (!positiveInt(pid) || !positiveInt(pgid) || !positiveInt(port) || port > 65_535 || typeof pathPrefix !== 'string' || typeof startedAt !== 'number') {
    throw new TypeError(`not a process launcher handle: ${JSON.stringify(r)}`);
  }
  if (procStart !== undefined && typeof procStart !== 'string') throw new TypeError(`not a process launcher handle: ${JSON.stringify(r)}`);
  return procStart === undefined ? { pid, pgid, port, pathPrefix, startedAt } : { pid, pgid, port, pathPrefix, startedAt, procStart };
}
