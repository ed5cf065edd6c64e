// The demo's branch deployments: every open change of the demo Gerrit's `demo` project gets its
// own Dagster webserver, the Dagster stand-in started as `dagster-webserver` by the process
// launcher from the change's checkout (test/fakes/dagster/webserver-main, DEFINITIONS.md). The
// demo Gerrit gets a service account (the controller reads open changes and posts the link with
// it) and posts its events to the admin listener, as the webhooks plugin would. Secrets are made
// per run: everything listens on loopback, but nothing here should be guessable either.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The demo Gerrit's project whose changes are deployed (test/fakes/gerrit/demo.ts). */
export const DEMO_PROJECT = 'demo';
export const DEMO_PATH_PREFIX = '/dagster/changes/{change}';

export interface DemoDeploymentSecrets {
  readonly serviceAccount: { readonly username: string; readonly token: string };
  readonly webhookSecret: string;
}

export function demoDeploymentSecrets(): DemoDeploymentSecrets {
  return { serviceAccount: { username: 'changegate-svc', token: randomBytes(24).toString('hex') }, webhookSecret: randomBytes(24).toString('hex') };
}

/**
 * How to start the Dagster stand-in as a webserver: node on its compiled main (beside dist/src),
 * or through tsx when the demo itself runs from source. Undefined in a build without the test tree.
 */
export function standInWebserver(): readonly string[] | undefined {
  const compiled = fileURLToPath(new URL('../../../test/fakes/dagster/webserver-main.js', import.meta.url));
  if (existsSync(compiled)) return [process.execPath, compiled];
  const source = compiled.replace(/\.js$/, '.ts');
  if (!import.meta.url.endsWith('.ts') || !existsSync(source)) return undefined;
  try {
    return [process.execPath, '--import', import.meta.resolve('tsx'), source];
  } catch {
    return undefined;
  }
}

export interface BranchDeploymentOptions {
  readonly secrets: DemoDeploymentSecrets;
  readonly webserver: readonly string[];
}

/** The embedded config plus the Gerrit service account, its webhooks, and `deployments`. */
export function withBranchDeployments(raw: Record<string, unknown>, o: BranchDeploymentOptions): Record<string, unknown> {
  const upstreams = raw['upstreams'] as Record<string, Record<string, unknown>>;
  const stateDir = String(raw['stateDir']);
  return {
    ...raw,
    upstreams: { ...upstreams, gerrit: { ...upstreams['gerrit'], serviceAccount: o.secrets.serviceAccount, webhooks: { secret: o.secrets.webhookSecret } } },
    deployments: {
      projects: [DEMO_PROJECT],
      pathPrefix: DEMO_PATH_PREFIX,
      launcher: {
        kind: 'process',
        command: [...o.webserver, '-w', 'workspace.yaml', '-h', '127.0.0.1', '-p', '{port}', '--path-prefix', '{pathPrefix}'],
        workdir: join(stateDir, 'deployments', 'checkouts'),
        env: { DAGSTER_HOME: '{checkout}/.dagster' },
        readyTimeoutSeconds: 60,
      },
      maxConcurrent: 5,
      reconcileSeconds: 60,
    },
  };
}

/** Where the demo Gerrit should post its events: the admin listener, the secret in the query. */
export function webhookUrl(adminPort: number, secret: string): string {
  return `http://127.0.0.1:${adminPort}/gerrit/webhooks?secret=${secret}`;
}

export interface OpenChange {
  readonly number: number;
  readonly subject: string;
  readonly owner: string;
}

/** The deployed project's open changes, as Gerrit's REST API lists them (for the banner; [] when it cannot say). */
export async function openDemoChanges(gerritUrl: string): Promise<OpenChange[]> {
  try {
    const res = await fetch(`${gerritUrl}/changes/?q=status:open&o=DETAILED_ACCOUNTS`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return [];
    // Gerrit prefixes JSON with )]}' against XSSI.
    const list = JSON.parse((await res.text()).replace(/^\)\]\}'\n/, '')) as unknown;
    if (!Array.isArray(list)) return [];
    return (list as Record<string, unknown>[])
      .filter((c) => c['project'] === DEMO_PROJECT && typeof c['_number'] === 'number')
      .map((c) => ({ number: c['_number'] as number, subject: String(c['subject'] ?? ''), owner: String((c['owner'] as Record<string, unknown> | undefined)?.['username'] ?? '') }));
  } catch {
    return [];
  }
}

/** The banner's lines about branch deployments. */
export function deploymentBanner(publicUrl: string, changes: readonly OpenChange[] | undefined): string[] {
  if (changes === undefined) return ['  branch deployments           off (they need the Gerrit stand-in and the Dagster stand-in\'s webserver-main)'];
  const lines = [`  branch deployments           ${publicUrl}/.changegate/deployments  (JSON: /.changegate/api/deployments)`];
  for (const c of changes) {
    lines.push(`      change ${c.number} (${c.owner}: "${c.subject}")  ${publicUrl}${DEMO_PATH_PREFIX.replace('{change}', String(c.number))}/   the link is posted on ${publicUrl}/c/${DEMO_PROJECT}/+/${c.number} once it is ready`);
  }
  return lines;
}
