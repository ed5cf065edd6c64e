// Starts Changegate as operators run it (`changegate serve --config FILE`, its log on stdout
// into a file), pinned to the proxy's cores, and times the start: from spawn until /readyz answers 200, which includes
// compiling the default policies.

import { closeSync, openSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { spawnPinned, waitFor200, type Child } from './processes.js';
import { nodeArgs } from './scripts.js';

export interface RunningChangegate {
  readonly child: Child;
  readonly url: string;
  readonly coldStartMs: number;
}

/** `nodeFlags` go before the script (e.g. `--expose-gc`), `env` on top of this process's. */
export interface StartExtras {
  readonly nodeFlags?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export async function startChangegate(config: Record<string, unknown> & { listen: string; admin: { listen: string } }, dir: string, cpus: string, extras: StartExtras = {}): Promise<RunningChangegate> {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(config));
  const started = performance.now();
  // BENCH_CPU_PROF=<dir>: each Changegate process (cluster workers too) writes a .cpuprofile
  // when it stops, into <dir>/<instance>.
  const profileDir = process.env['BENCH_CPU_PROF'];
  const profile = profileDir === undefined || profileDir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(resolve(profileDir), basename(dir))}`];
  // The log goes where an operator's log shipper would read it: a file on the instance's disk.
  const log = openSync(join(dir, 'stdout.log'), 'a');
  const child = spawnPinned(cpus, process.execPath, [...profile, ...(extras.nodeFlags ?? []), ...nodeArgs('src/cli'), 'serve', '--config', file], { ...process.env, ...extras.env }, log);
  closeSync(log);
  try {
    await waitFor200(`http://${config.admin.listen}/readyz`);
  } catch (e) {
    await child.stop();
    throw e;
  }
  return { child, url: `http://${config.listen}`, coldStartMs: performance.now() - started };
}
