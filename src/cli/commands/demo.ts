// `changegate demo`: the embedded default (proxy, admin listener, development IdP) plus the test
// stand-ins for Gerrit (:8081) and Dagster (:3000, prefix /dagster), so a newcomer can click
// through everything in a browser. The stand-ins live under test/fakes/; they are found relative
// to this file, which works from src/ (tsx) and from dist/src/ (compiled, beside dist/test/).
// A missing or failing stand-in is reported and the demo runs without it.
// The demo Gerrit's open change gets a branch deployment (demo-deployments.ts): the reconcile at
// start deploys it and posts its link on the change.

import { fileURLToPath } from 'node:url';
import type { Config } from '../../config/schema.js';
import { DEV_MACHINE_CLIENT_ID, DEV_MACHINE_CLIENT_SECRET, DEV_USERS } from '../../identity/dev-users.js';
import { createLogger } from '../../observability/logger.js';
import { parseArgs, UsageError } from '../args.js';
import type { Command, CliIo } from '../command.js';
import { demoDeploymentSecrets, deploymentBanner, openDemoChanges, standInWebserver, webhookUrl, withBranchDeployments, type DemoDeploymentSecrets, type OpenChange } from './demo-deployments.js';

const USAGE = `Usage: changegate demo

Runs the embedded development default (proxy on :8080, admin on :9901, development identity
provider on :8090) together with the test stand-ins for Gerrit (:8081) and Dagster (:3000,
path prefix /dagster), all on loopback. The demo Gerrit's open change gets a branch
deployment (a Dagster stand-in webserver of its own, at /dagster/changes/<change>/). Prints
where everything runs and how to sign in. SIGTERM or SIGINT stops everything, the branch
deployments' webservers included; a second signal exits immediately.`;

interface StandIn {
  readonly url: string;
  close(): Promise<void>;
}

interface StandInSpec {
  readonly label: string;
  readonly module: string;
  readonly factory: string;
  readonly options: Record<string, unknown>;
  /** Runs once it is up (Gerrit's change links should point at the proxy). */
  readonly after?: (handle: Record<string, unknown>) => void;
}

/** The embedded default's fixed ports (src/config/embedded.ts, loaded lazily: it pulls in oidc-provider). */
interface Ports {
  readonly ingress: number;
  readonly admin: number;
  readonly idp: number;
  readonly gerrit: number;
  readonly dagster: number;
}

const publicUrl = (ports: Ports): string => `http://127.0.0.1:${ports.ingress}`;

function gerritSpec(ports: Ports, secrets: DemoDeploymentSecrets): StandInSpec {
  return {
    label: 'Gerrit stand-in',
    // The demo Gerrit: projects demo and external/bison, and bob's open change in demo.
    module: '../../../test/fakes/gerrit/demo.js',
    factory: 'startDemoGerrit',
    options: { port: ports.gerrit, tokens: { [secrets.serviceAccount.username]: secrets.serviceAccount.token } },
    after: (h) => {
      // Change links in push output should point at the proxy, the only door.
      if (typeof h['setWebUrl'] === 'function') (h['setWebUrl'] as (u: string) => void)(publicUrl(ports));
      // Events go to the admin listener, as the webhooks plugin posts them. The proxy is not up
      // yet; its reconcile at start covers what was missed.
      if (typeof h['setWebhookUrl'] === 'function') (h['setWebhookUrl'] as (u: string) => void)(webhookUrl(ports.admin, secrets.webhookSecret));
    },
  };
}

function dagsterSpec(ports: Ports): StandInSpec {
  return { label: 'Dagster stand-in', module: '../../../test/fakes/dagster/index.js', factory: 'startFakeDagster', options: { port: ports.dagster, pathPrefix: '/dagster', locations: PRODUCTION_LOCATIONS } };
}

/**
 * Production's code locations: the stand-in's defaults, with the ledger asset master defines
 * (test/fakes/gerrit/demo.ts), so the demo change's tracked changes are its own: invoices is new.
 */
const PRODUCTION_LOCATIONS = [
  { name: 'demo_location', jobs: ['demo_job', 'nightly_etl'], schedules: [['daily_demo_schedule', 'nightly_etl']], sensors: [['new_file_sensor', 'demo_job']] },
  {
    name: 'finance',
    jobs: ['ledger_job', 'payroll_job', 'smoke_test'],
    schedules: [['month_end_close', 'ledger_job']],
    sensors: [['invoice_sensor', 'payroll_job']],
    assets: [{ key: ['finance', 'ledger'], opVersion: 'v1', group: 'accounting', owners: ['bob@example.test'] }],
  },
];

/** The module, or undefined when that very file is absent (a build without the test tree). */
async function importIfPresent(url: URL): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(url.href)) as Record<string, unknown>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // tsx maps .js to .ts, so compare without the extension.
    const stem = fileURLToPath(url).replace(/\.[cm]?[jt]s$/, '');
    if (err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(stem)) return undefined;
    throw e;
  }
}

function isStandIn(v: unknown): v is StandIn & Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r['url'] === 'string' && typeof r['close'] === 'function';
}

async function startStandIn(spec: StandInSpec, io: CliIo): Promise<StandIn | undefined> {
  try {
    const mod = await importIfPresent(new URL(spec.module, import.meta.url));
    const start = mod?.[spec.factory];
    if (typeof start !== 'function') {
      io.stderr.write(`changegate demo: the ${spec.label} is not in this build; running without it\n`);
      return undefined;
    }
    const handle: unknown = await (start as (o: unknown) => Promise<unknown>)(spec.options);
    if (!isStandIn(handle)) throw new Error(`${spec.factory} returned no url/close handle`);
    spec.after?.(handle);
    return handle;
  } catch (e) {
    io.stderr.write(`changegate demo: the ${spec.label} did not start (${e instanceof Error ? e.message : String(e)}); running without it\n`);
    return undefined;
  }
}

function banner(ports: Ports, gerrit: StandIn | undefined, dagster: StandIn | undefined, changes: readonly OpenChange[] | undefined): string {
  const proxyUrl = publicUrl(ports);
  const users = DEV_USERS.filter((u) => u.username !== 'gus').map((u) => `${u.username} (${u.groups.join(', ') || 'no groups'})`).join(', ');
  const idp = `http://127.0.0.1:${ports.idp}`;
  return [
    '',
    'changegate demo is running (loopback only; Ctrl-C stops everything)',
    `  Gerrit, through Changegate   ${proxyUrl}/${gerrit === undefined ? '   (stand-in not running: 502)' : ''}`,
    `  Dagster, through Changegate  ${proxyUrl}/dagster/${dagster === undefined ? '   (stand-in not running: 502)' : ''}`,
    `  sign in                      ${proxyUrl}/.changegate/login  (any password)`,
    `      dev users: ${users}`,
    ...deploymentBanner(proxyUrl, changes),
    `  admin listener               http://127.0.0.1:${ports.admin}/healthz  /readyz  /metrics`,
    `  development IdP              ${idp}`,
    `  stand-ins (direct, no proxy) ${gerrit?.url ?? '-'}  ${dagster?.url ?? '-'}`,
    `  a CI token                   curl -s -u ${DEV_MACHINE_CLIENT_ID}:${DEV_MACHINE_CLIENT_SECRET} -d grant_type=client_credentials ${idp}/token`,
    `      then                     curl -H "Authorization: Bearer <access_token>" '${proxyUrl}/dagster/graphql?query=%7B__typename%7D'`,
    '',
  ].join('\n');
}

/** Resolves with the first SIGTERM/SIGINT; a second one exits the process at once. */
function untilSignal(io: CliIo): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) {
        io.stderr.write(`changegate demo: second ${signal}, exiting without draining\n`);
        process.exit(130);
      }
      received = true;
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

async function closeAll(handles: readonly (StandIn | undefined)[]): Promise<void> {
  await Promise.allSettled(handles.map((h) => h?.close()));
}

export const demoCommand: Command = {
  name: ['demo'],
  summary: 'Run the embedded default with the Gerrit and Dagster stand-ins, to click through in a browser',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { positionals } = parseArgs(args, {});
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const stopped = untilSignal(io);
    // Loaded here, not at the top: every other command would otherwise pay for oidc-provider and the proxy.
    const { EMBEDDED_PORTS, loadEmbeddedConfig } = await import('../../config/embedded.js');
    const secrets = demoDeploymentSecrets();
    const gerrit = await startStandIn(gerritSpec(EMBEDDED_PORTS, secrets), io);
    const dagster = await startStandIn(dagsterSpec(EMBEDDED_PORTS), io);
    // Branch deployments need the demo Gerrit (their changes) and the stand-in's webserver main.
    const webserver = gerrit === undefined ? undefined : standInWebserver();
    let proxy: { close(): Promise<void> } | undefined;
    let embedded: { close(): Promise<void> } | undefined;
    let config: Config | undefined;
    const { forgetDeployments } = await import('../../main/forget-deployments.js');
    try {
      const { startChangegate } = await import('../../main/server.js');
      const started = await loadEmbeddedConfig({
        env: io.env,
        cwd: io.cwd,
        ...(webserver === undefined ? {} : { extend: (raw: Record<string, unknown>) => withBranchDeployments(raw, { secrets, webserver }) }),
      });
      embedded = started;
      config = started.config;
      // The last demo's deployments were of changes its Gerrit took with it.
      await forgetDeployments(config);
      // Asked before the proxy starts, so the banner follows readiness at once (the e2e test reads it then).
      const changes = gerrit === undefined || webserver === undefined ? undefined : await openDemoChanges(gerrit.url);
      const logger = createLogger({ level: config.log.level });
      proxy = await startChangegate(config, { logger });
      io.stderr.write(banner(EMBEDDED_PORTS, gerrit, dagster, changes));
      const signal = await stopped;
      io.stderr.write(`changegate demo: ${signal}, stopping\n`);
      return 0;
    } finally {
      await proxy?.close();
      // The proxy leaves webservers running for its next start to adopt; the demo's Gerrit is gone by then.
      if (config !== undefined) await forgetDeployments(config).catch((e: unknown) => io.stderr.write(`changegate demo: could not stop the branch deployments (${e instanceof Error ? e.message : String(e)})\n`));
      await embedded?.close();
      await closeAll([dagster, gerrit]);
    }
  },
};
