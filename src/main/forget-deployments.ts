// Stops every branch-deployment webserver the registry in stateDir names and forgets them all
// (registry records and checkouts). For `changegate demo` only: its Gerrit lives in a temporary
// directory and dies with it, while a proxy's stop() leaves webservers running on purpose (the
// next start adopts them). Adopting the last demo's deployments would serve changes that no
// longer exist, and Ctrl-C would leave webservers behind.

import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { removeCheckouts } from '../deployments/checkout.js';
import { servingOf } from '../deployments/controller.js';
import { Registry } from '../deployments/registry.js';
import { launcherFor } from './deployments.js';

/** Resolves with how many webservers were stopped; nothing to do without `deployments`. */
export async function forgetDeployments(config: Config): Promise<number> {
  const d = config.deployments;
  if (d === undefined) return 0;
  const registry = await Registry.open(config.stateDir);
  const records = registry.list();
  if (records.length === 0) return 0;
  const launcher = await launcherFor(d);
  let stopped = 0;
  for (const record of records) {
    const serving = servingOf(record.state);
    if (serving !== undefined) {
      // stop() checks the handle still names our process (a pid can be reused), and is idempotent.
      await launcher.stop(serving.handle);
      stopped++;
    }
    await removeCheckouts(resolve(d.launcher.workdir), record.change.number);
    await registry.delete(record.change.number);
  }
  return stopped;
}
