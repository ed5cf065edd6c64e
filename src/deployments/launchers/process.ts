// `deployments.launcher.kind: process`: each webserver is a local child process, started in the
// patch set's checkout on a free port of 127.0.0.1, in its own process group so that stopping it
// stops everything it forked. Children outlive the proxy (detached, unref'd): after a restart the
// controller adopts them from its registry through their handles, and alive() tells whether a
// handle still names a serving webserver.

import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../../config/errors.js';
import { LaunchError, type CleanupResult, type Launcher, type LaunchSpec, type RunningWebserver } from '../types.js';
import { childEnv } from './child-env.js';
import { freePort } from './free-port.js';
import { probeHttp, type Probe } from './http-probe.js';
import { OutputTail, DEFAULT_TAIL_BYTES } from './output-tail.js';
import { specPlaceholders, substitute, unknownPlaceholderProblems, withPort, type PlaceholderValues } from './placeholders.js';
import { handleRecord, parseHandle, type ProcessHandle } from './process-handle.js';
import { DEFAULT_STOP_TIMING, signalGroup, stopGroup, type StopTiming } from './process-group.js';
import { readProcStat } from './proc-stat.js';
import { checkoutProblem, describeEnd, drained, spawnChild, type ChildEnd } from './spawn-child.js';
import { runCleanup } from './process-cleanup.js';

/** `deployments.launcher` as this launcher uses it (the whole config object fits). */
export interface ProcessLauncherConfig {
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** `deployments.cleanup` (its timeout comes with each cleanup() call). */
export interface ProcessCleanupConfig {
  readonly command: readonly string[];
}

export interface ProcessLauncherDeps {
  /** Readiness probe (default: GET over node:http). */
  readonly probe?: Probe;
  /** Port picker (default: the kernel's choice on 127.0.0.1). */
  readonly freePort?: () => Promise<number>;
  /** Where PATH, HOME, LANG... are inherited from (default: process.env; nothing else of it is passed). */
  readonly parentEnv?: NodeJS.ProcessEnv;
  readonly stopTiming?: StopTiming;
  /** Pause between readiness probes (default 250 ms). */
  readonly probeIntervalMs?: number;
  /** Deadline of one probe (default 2 s; never past readyTimeoutMs). */
  readonly probeTimeoutMs?: number;
  /** Output kept per child (default 16 KiB). */
  readonly tailBytes?: number;
}

type Attempt = { readonly ok: true; readonly webserver: RunningWebserver } | { readonly ok: false; readonly error: LaunchError; readonly addressInUse: boolean };
type Wait = { readonly kind: 'ready' } | { readonly kind: 'ended'; readonly end: ChildEnd } | { readonly kind: 'timeout' } | { readonly kind: 'aborted' };

/** What a child prints when its port was taken between our pick and its bind (Node, Python, Go, uvicorn). */
const ADDRESS_IN_USE = /EADDRINUSE|address already in use|Errno 98/i;

export class ProcessLauncher implements Launcher {
  readonly kind = 'process' as const;
  readonly #command: readonly string[];
  readonly #env: Readonly<Record<string, string>>;
  readonly #cleanupCommand: readonly string[] | undefined;
  readonly #probe: Probe;
  readonly #freePort: () => Promise<number>;
  readonly #parentEnv: NodeJS.ProcessEnv;
  readonly #stopTiming: StopTiming;
  readonly #probeIntervalMs: number;
  readonly #probeTimeoutMs: number;
  readonly #tailBytes: number;
  /** Output of the webservers this instance started, by pid, until stopped. */
  readonly #tails = new Map<number, OutputTail>();

  /** Throws ConfigError when a command or env value names an unknown placeholder. */
  constructor(launcher: ProcessLauncherConfig, cleanup: ProcessCleanupConfig | undefined, deps: ProcessLauncherDeps = {}) {
    const problems = unknownPlaceholderProblems([
      ...launcher.command.map((text, i) => ({ where: `deployments.launcher.command[${i}]`, text })),
      ...Object.entries(launcher.env).map(([name, text]) => ({ where: `deployments.launcher.env.${name}`, text })),
      ...(cleanup?.command ?? []).map((text, i) => ({ where: `deployments.cleanup.command[${i}]`, text })),
    ]);
    if (launcher.command.length === 0) problems.push('deployments.launcher.command: empty');
    if (problems.length > 0) throw new ConfigError('(deployments)', problems);
    this.#command = [...launcher.command];
    this.#env = { ...launcher.env };
    this.#cleanupCommand = cleanup === undefined ? undefined : [...cleanup.command];
    this.#probe = deps.probe ?? probeHttp;
    this.#freePort = deps.freePort ?? freePort;
    this.#parentEnv = deps.parentEnv ?? process.env;
    this.#stopTiming = deps.stopTiming ?? DEFAULT_STOP_TIMING;
    this.#probeIntervalMs = deps.probeIntervalMs ?? 250;
    this.#probeTimeoutMs = deps.probeTimeoutMs ?? 2_000;
    this.#tailBytes = deps.tailBytes ?? DEFAULT_TAIL_BYTES;
  }

  async start(spec: LaunchSpec, signal?: AbortSignal): Promise<RunningWebserver> {
    const given = specPlaceholders(spec.placeholders);
    if (typeof given === 'string') throw new LaunchError(given, '');
    const problem = await checkoutProblem(spec.checkout);
    if (problem !== undefined) throw new LaunchError(problem, '');
    // One retry: another process may take the port between our pick and the child's bind.
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new LaunchError('start aborted', '');
      const port = await this.#freePort();
      const outcome = await this.#launchOnce(spec, withPort(given, port), port, signal);
      if (outcome.ok) return outcome.webserver;
      if (attempt > 0 || !outcome.addressInUse) throw outcome.error;
    }
  }

  async #launchOnce(spec: LaunchSpec, values: PlaceholderValues, port: number, signal: AbortSignal | undefined): Promise<Attempt> {
    const argv = this.#command.map((a) => substitute(a, values));
    const file = argv[0]!;
    const tail = new OutputTail(this.#tailBytes);
    let started: ReturnType<typeof spawnChild>;
    try {
      started = spawnChild(argv, spec.checkout, childEnv(this.#parentEnv, this.#env, values, spec.env), tail);
    } catch (e) {
      // A NUL byte in an argument or a value from the change; the message names where, never the value.
      return { ok: false, error: new LaunchError(`cannot start ${file}: ${e instanceof Error ? e.message : String(e)}`, ''), addressInUse: false };
    }
    const { child, ended } = started;
    const pid = child.pid;
    if (pid === undefined) {
      const end = await ended;
      return { ok: false, error: new LaunchError(describeEnd(file, end), tail.text()), addressInUse: false };
    }
    const startedAt = Date.now();
    const procStart = (await readProcStat(pid))?.startTime;
    const serverInfo = `http://127.0.0.1:${port}${spec.pathPrefix}/server_info`;
    const wait = await this.#waitReady(serverInfo, ended, spec.readyTimeoutMs, signal);
    if (wait.kind === 'ready') {
      // Keep draining (a chatty webserver must never block on a full pipe), but let the proxy exit without it.
      child.unref();
      (child.stdout as Socket | null)?.unref();
      (child.stderr as Socket | null)?.unref();
      this.#tails.set(pid, tail);
      const handle: ProcessHandle = { pid, pgid: pid, port, pathPrefix: spec.pathPrefix, startedAt, ...(procStart === undefined ? {} : { procStart }) };
      return { ok: true, webserver: { url: `http://127.0.0.1:${port}`, handle: handleRecord(handle) } };
    }
    // Leave nothing running: whatever it forked goes too, even when the leader already exited.
    await stopGroup(pid, this.#stopTiming);
    await drained(child);
    const output = tail.text();
    switch (wait.kind) {
      case 'ended':
        return { ok: false, error: new LaunchError(`${describeEnd(file, wait.end)} before answering at ${serverInfo}`, output), addressInUse: ADDRESS_IN_USE.test(output) };
      case 'timeout':
        return { ok: false, error: new LaunchError(`${file} did not answer at ${serverInfo} within ${Math.ceil(spec.readyTimeoutMs / 1000)} s; stopped it`, output), addressInUse: false };
      case 'aborted':
        return { ok: false, error: new LaunchError(`start aborted; stopped ${file}`, output), addressInUse: false };
    }
  }

  async #waitReady(url: string, ended: Promise<ChildEnd>, timeoutMs: number, signal: AbortSignal | undefined): Promise<Wait> {
    const deadline = performance.now() + timeoutMs;
    let end: ChildEnd | undefined;
    const wake = new AbortController();
    const onAbort = (): void => wake.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    void ended.then((e) => {
      end = e;
      wake.abort();
    });
    try {
      for (;;) {
        if (end !== undefined) return { kind: 'ended', end };
        if (signal?.aborted) return { kind: 'aborted' };
        const left = deadline - performance.now();
        if (left <= 0) return { kind: 'timeout' };
        const ok = await this.#probe(url, Math.max(1, Math.min(this.#probeTimeoutMs, left)));
        // A 200 from a child that already exited is someone else on the port.
        if (ok && end === undefined) return { kind: 'ready' };
        await sleep(Math.max(1, Math.min(this.#probeIntervalMs, deadline - performance.now())), undefined, { signal: wake.signal }).catch(() => undefined);
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async stop(handle: RunningWebserver['handle']): Promise<void> {
    const h = parseHandle(handle);
    this.#tails.delete(h.pid);
    if (!(await this.#sameProcess(h))) return;
    await stopGroup(h.pgid, this.#stopTiming);
  }

  async alive(handle: RunningWebserver['handle']): Promise<boolean> {
    const h = parseHandle(handle);
    const stat = await readProcStat(h.pid);
    if (stat !== undefined && (stat.state === 'Z' || (h.procStart !== undefined && stat.startTime !== h.procStart))) return false;
    if (stat === undefined && !signalGroup(h.pgid, 0)) return false;
    // The probe settles it: a pid can be reused, a port cannot answer server_info by accident.
    return this.#probe(`http://127.0.0.1:${h.port}${h.pathPrefix}/server_info`, this.#probeTimeoutMs);
  }

  /** The last output of a webserver this instance started (undefined for one adopted after a restart). */
  lastOutput(handle: RunningWebserver['handle']): string | undefined {
    return this.#tails.get(parseHandle(handle).pid)?.text();
  }

  async cleanup(spec: LaunchSpec, timeoutMs: number): Promise<CleanupResult> {
    if (this.#cleanupCommand === undefined) return { ok: true, exitCode: null, output: '' };
    return runCleanup(
      { command: this.#cleanupCommand, configEnv: this.#env, parentEnv: this.#parentEnv, freePort: this.#freePort, stopTiming: this.#stopTiming, tailBytes: this.#tailBytes },
      spec,
      timeoutMs,
    );
  }

  /**
   * False when the handle's pid now names another process. Its old group is then gone for
   * sure: Linux never hands out a pid still in use as a process group id.
   */
  async #sameProcess(h: ProcessHandle): Promise<boolean> {
    if (h.procStart === undefined) return true;
    const stat = await readProcStat(h.pid);
    return stat === undefined || stat.startTime === h.procStart;
  }
}
