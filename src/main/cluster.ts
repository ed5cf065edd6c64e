// Several proxy processes behind one pair of listeners (config `workers`, node cluster with its
// round-robin accept). The primary serves no traffic. It makes the shared keys before any worker
// starts, so every worker seals sessions and signs assertions with the same key. It then forks
// the workers and restarts any that die. On SIGTERM/SIGINT it passes the signal on, so each
// worker drains, and it answers /metrics and /readyz for the whole cluster (cluster-ipc.ts).
//
// Each worker writes its own audit chain (audit.path with `.wN` before the extension): one
// chain per writer keeps write-ahead ordering without any cross-process lock.

import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { auditSinkOptions } from '../audit/options.js';
import { signingKeyFor } from '../audit/sink-options.js';
import { loadSessionSecrets } from '../auth/session/keys.js';
import type { Config } from '../config/schema.js';
import { loadAssertionKey } from '../identity/assertion-key.js';
import type { Logger } from '../observability/logger.js';
import { ClusterAnswers } from './cluster-ipc.js';

const WORKER_ENV = 'CHANGEGATE_WORKER';
/** A worker that dies this soon after its start is restarted with a growing delay. */
const FLAPPING_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

export interface WorkerRole {
  /** 1-based. */
  readonly index: number;
}

export function workerCount(setting: Config['workers']): number {
  return setting === 'auto' ? availableParallelism() : setting;
}

/** This process's place in the cluster, or undefined when it runs alone. */
export function currentWorker(): WorkerRole | undefined {
  const index = Number(process.env[WORKER_ENV]);
  return cluster.isWorker && Number.isInteger(index) && index > 0 ? { index } : undefined;
}

/** `var/audit.jsonl` becomes `var/audit.w2.jsonl` for worker 2. */
export function perWorkerAuditPath(path: string, role: WorkerRole): string {
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}.w${role.index}${ext}`);
}

export function forWorker(config: Config, role: WorkerRole): Config {
  return { ...config, audit: { ...config.audit, path: perWorkerAuditPath(config.audit.path, role) } };
}

/** Runs the primary until a signal has stopped every worker; resolves with the exit code. */
export async function superviseWorkers(config: Config, count: number, logger: Logger): Promise<number> {
  await prepareSharedKeys(config, logger);
  const answers = new ClusterAnswers(count);
  const indexOf = new Map<number, { index: number; startedAt: number }>();
  const restarts = new Map<number, number>();
  let stopping = false;

  const fork = (index: number): void => {
    const worker = cluster.fork({ [WORKER_ENV]: String(index) });
    indexOf.set(worker.id, { index, startedAt: Date.now() });
    worker.on('message', (message: object) => answers.onMessage(worker, message));
  };

  let failed: (code: number) => void = () => undefined;
  const fatal = new Promise<number>((resolve) => (failed = resolve));
  cluster.on('exit', (worker, code, signal) => {
    const slot = indexOf.get(worker.id);
    indexOf.delete(worker.id);
    if (stopping || slot === undefined) return;
    // Exit code 2 is a refusal to start (bad config, a port in use): restarting cannot help.
    if (code === 2) return failed(2);
    const flapping = Date.now() - slot.startedAt < FLAPPING_MS;
    const attempt = flapping ? (restarts.get(slot.index) ?? 0) + 1 : 0;
    restarts.set(slot.index, attempt);
    const delay = Math.min(MAX_RESTART_DELAY_MS, attempt === 0 ? 0 : 250 * 2 ** attempt);
    logger.error({ event: 'worker_exit', worker: slot.index, code, signal, restartInMs: delay }, `worker ${slot.index} exited; restarting`);
    setTimeout(() => {
      if (!stopping) fork(slot.index);
    }, delay).unref();
  });

  let listening = 0;
  cluster.on('listening', () => {
    listening += 1;
    // Each worker opens two listeners: the ingress and the admin port.
    if (listening === 2 * count) logger.info({ event: 'cluster_started', workers: count }, `${count} workers listening`);
  });

  for (let i = 1; i <= count; i++) fork(i);

  const outcome = await Promise.race([
    new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    }),
    fatal,
  ]);
  stopping = true;
  if (typeof outcome === 'number') logger.error({ event: 'cluster_failed' }, 'a worker refused to start; stopping the others');
  else logger.info({ event: 'shutdown' }, `${outcome}: draining ${indexOf.size} workers`);
  await Promise.all(Object.values(cluster.workers ?? {}).map((w) => (w === undefined ? undefined : stopWorker(w))));
  logger.info({ event: 'stopped' }, 'stopped');
  return typeof outcome === 'number' ? outcome : 0;
}

function stopWorker(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    if (worker.isDead()) return resolve();
    worker.once('exit', () => resolve());
    worker.process.kill('SIGTERM');
  });
}

/**
 * Every generated key exists before the first worker starts. The generators are safe against
 * concurrent starters, but a worker could otherwise read the session key between another's
 * create and write.
 */
async function prepareSharedKeys(config: Config, logger: Logger): Promise<void> {
  const warn = (message: string): void => logger.warn(message);
  await loadSessionSecrets(config.identity.session.keys, config.stateDir, warn);
  const assertion = await loadAssertionKey({ stateDir: config.stateDir });
  for (const w of assertion.warnings) warn(w);
  await signingKeyFor(auditSinkOptions(config), true, warn);
}
