// `changegate serve [--config FILE]`: load the config (a bad one exits 2 before any port is
// opened), start the proxy, and on SIGTERM/SIGINT drain and stop. A second signal exits at once.

import type { Config } from '../../config/schema.js';
import { loadConfig } from '../../config/load.js';
import { createLogger, type Logger } from '../../observability/logger.js';
import { parseArgs, UsageError } from '../args.js';
import type { Command, CliIo } from '../command.js';
import { currentWorker, forWorker, superviseWorkers, workerCount } from '../../main/cluster.js';
import { workerViews } from '../../main/cluster-ipc.js';
import { startChangegate } from '../../main/server.js';

const USAGE = `Usage: changegate serve [--config FILE]

Runs the proxy. The config file comes from --config, else the CHANGEGATE_CONFIG environment
variable, else the embedded development default (loopback only, with a development identity
provider). A bad config prints one line per problem and exits 2 before any port is opened.
SIGTERM or SIGINT drains in-flight requests and exits; a second signal exits immediately.

Options:
  -c, --config FILE   the YAML config file`;

interface Configured {
  readonly config: Config;
  /** Stops what came with the config (the embedded default's development IdP). */
  close(): Promise<void>;
}

/** The config file, or the embedded default, imported only when used: it loads oidc-provider. */
async function configure(file: string | undefined, io: CliIo): Promise<Configured> {
  const config = await loadConfig({ file, env: io.env, cwd: io.cwd });
  if (config !== undefined) return { config, close: async () => undefined };
  const { loadEmbeddedConfig } = await import('../../config/embedded.js');
  return loadEmbeddedConfig({ env: io.env, cwd: io.cwd });
}

/**
 * Resolves with the first SIGTERM/SIGINT; a second one exits the process. A cluster worker
 * answers SIGTERM only: Ctrl-C reaches the whole process group, and the primary relays it as
 * SIGTERM, which must not count as the second, forcing signal.
 */
function untilSignal(logger: Logger, worker: boolean): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) {
        logger.warn({ event: 'shutdown_forced' }, `second ${signal}: exiting without draining`);
        process.exit(130);
      }
      received = true;
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    if (worker) process.on('SIGINT', () => undefined);
    else process.on('SIGINT', onSignal);
  });
}

export const serveCommand: Command = {
  name: ['serve'],
  summary: 'Run the proxy (config from --config, CHANGEGATE_CONFIG or the embedded default)',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { flags, positionals } = parseArgs(args, { config: { type: 'string', short: 'c' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const configured = await configure(flags.config, io);
    const { close } = configured;
    const logger = createLogger({ level: configured.config.log.level });
    const workers = workerCount(configured.config.workers);
    const role = currentWorker();
    if (role === undefined && workers > 1) return superviseWorkers(configured.config, workers, logger);
    const config = role === undefined ? configured.config : forWorker(configured.config, role);
    const stopped = untilSignal(logger, role !== undefined);
    const handle = await startChangegate(config, {
      logger: role === undefined ? logger : logger.child({ worker: role.index }),
      ...(role === undefined ? {} : { clusterViews: (registry, readiness) => workerViews(role.index, registry, readiness) }),
    });
    const signal = await stopped;
    logger.info({ event: 'shutdown' }, `${signal}: draining and stopping`);
    await handle.close();
    await close();
    logger.info({ event: 'stopped' }, 'stopped');
    // A worker's IPC channel to the primary would keep it alive after the drain.
    if (role !== undefined) process.disconnect?.();
    return 0;
  },
};
