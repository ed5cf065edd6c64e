// One writer at a time across processes for a shared state file. Cluster workers share the token
// file, and a read-modify-write that overlaps another process's loses that one's change (a token
// minted on one worker while another records a last-used time). Node has no flock(2), so the lock
// is a file beside the state file holding its owner's pid, put in place with link(2), which is
// atomic and fails when the lock exists. The store is for workers on one host, so a lock whose
// pid is no longer running was left by a process that died holding it, and is broken. No clock
// is involved: comparing the wall clock with a file's mtime breaks under clock skew.

import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const RETRY_MS = 5;
/** The longest a writer waits before it fails (and the request with it) instead of hanging. */
const WAIT_MS = 15_000;

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = performance.now() + WAIT_MS;
  while (!(await tryLock(lockPath))) {
    if (await holderIsGone(lockPath)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (performance.now() > deadline) throw new Error(`${lockPath}: another process has held this lock for over ${WAIT_MS / 1000} s`);
    await sleep(RETRY_MS);
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

/** Puts a lock file holding our pid in place, or finds one there. */
async function tryLock(lockPath: string): Promise<boolean> {
  // The pid is written before the lock exists, so a lock file is never seen empty.
  const tmp = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(tmp, String(process.pid), { mode: 0o600 });
  try {
    await link(tmp, lockPath);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function holderIsGone(lockPath: string): Promise<boolean> {
  const pid = Number(await readFile(lockPath, 'utf8').catch(() => ''));
  // Unreadable: released meanwhile; the next try takes it.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
