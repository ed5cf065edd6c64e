// One writer at a time across processes for a shared state file. Cluster workers share the token
// file, and a read-modify-write that overlaps another process's loses that one's change (a token
// minted on one worker while another records a last-used time). Node has no flock(2); creating a
// directory is atomic on every local filesystem, so the lock is a directory beside the file. A
// lock older than STALE_MS was left by a process that died holding it, and is broken.

import { mkdir, rmdir, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const RETRY_MS = 5;
/** Writes take milliseconds; a lock this old has no live holder. */
const STALE_MS = 10_000;
/** The longest a writer waits before it fails (and the request with it) instead of hanging. */
const WAIT_MS = 15_000;

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      await mkdir(lockPath);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_MS) {
        await rmdir(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lockPath}: another process has held this lock for over ${WAIT_MS / 1000} s`);
      await sleep(RETRY_MS);
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lockPath).catch(() => undefined);
  }
}
