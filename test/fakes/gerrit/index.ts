// A Gerrit stand-in for tests and the demo: real git (http-backend and hooks) behind Gerrit's
// URLs, Gerrit's REST shapes, refs/for/* turned into changes. See server.ts for identity rules.
//
//   const gerrit = await startFakeGerrit({ projects: ['demo', 'external/bison'] });
//   gerrit.url            http://127.0.0.1:<port>
//   gerrit.received       every request (method, url, identity header, request id, ...)
//   gerrit.pushes         every refs/for push (commands, options, change numbers)
//   gerrit.changes        change number -> change

import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { changeEvent, deliver, type GerritEvent } from './events.js';
import { GerritModel, type Change } from './model.js';
import type { PushRecord } from './receive.js';
import { Repos, tempRoot } from './repos.js';
import { CALLBACK_PREFIX, createFront, newCallbackSecret, type ReceivedRequest } from './server.js';

export type { Change, ChangeStatus, Account } from './model.js';
export type { PushRecord } from './receive.js';
export type { ReceivedRequest } from './server.js';
export type { GerritEvent, GerritEventType } from './events.js';
export { XSSI_PREFIX } from './rest.js';
export { COMMIT_MSG_HOOK } from './hooks.js';

export interface FakeGerritOptions {
  /** Where the bare repositories live; default a temporary directory removed on close. */
  readonly dir?: string;
  /** Default 0 (any free port); the demo uses 8081. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Projects to create at start (each a bare repo with an initial commit on master). */
  readonly projects?: readonly string[];
  /** Gerrit's auth.httpHeader. Default X-Forwarded-User. */
  readonly userHeader?: string;
  /** gerrit.canonicalWebUrl, used in push output and fetch info. Default the stand-in's own URL. */
  readonly webUrl?: string;
  /** Where to POST events, as the webhooks plugin would. */
  readonly webhookUrl?: string;
  /**
   * Gerrit HTTP tokens (user name -> token). When set, `/a/` and git requests may authenticate
   * with Basic, the way a service account does; a wrong token is a 401. The identity header
   * still wins when present (trustContainerAuth).
   */
  readonly tokens?: Readonly<Record<string, string>>;
  /**
   * Projects whose changes only the listed user names may see (Gerrit's Read permission): to
   * anyone else, anonymous included, every change there is `404 Not found: <id>` and queries
   * leave it out. Projects not listed are readable by all.
   */
  readonly readAccess?: Readonly<Record<string, readonly string[]>>;
  /**
   * The Query Limit capability (default 500): a change query answers at most this many, whatever
   * `n` asks for, with `_more_changes` when more match, as Gerrit's QueryProcessor caps it.
   */
  readonly queryLimit?: number;
}

export interface WebhookDelivery {
  readonly type: string;
  readonly url: string;
  readonly result: number | string;
}

export interface FakeGerrit {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly received: ReceivedRequest[];
  readonly pushes: PushRecord[];
  readonly changes: ReadonlyMap<number, Change>;
  /** Every event, delivered or not. */
  readonly events: GerritEvent[];
  readonly deliveries: WebhookDelivery[];
  setWebhookUrl(url: string | undefined): void;
  readonly model: GerritModel;
  createProject(name: string): Promise<void>;
  /** Point change links at the proxy once its port is known. */
  setWebUrl(url: string): void;
  close(): Promise<void>;
}

export async function startFakeGerrit(options: FakeGerritOptions = {}): Promise<FakeGerrit> {
  const temp = options.dir === undefined ? await tempRoot('changegate-gerrit-') : undefined;
  const dir = options.dir ?? temp?.dir ?? '';
  await mkdir(dir, { recursive: true });
  const repos = new Repos(dir);
  await repos.installScripts();
  const model = new GerritModel();
  const received: ReceivedRequest[] = [];
  const pushes: PushRecord[] = [];
  const events: GerritEvent[] = [];
  const deliveries: WebhookDelivery[] = [];
  let webhookUrl = options.webhookUrl;
  const secret = newCallbackSecret();
  let port = 0;
  const host = options.host ?? '127.0.0.1';
  let webUrl = options.webUrl?.replace(/\/+$/, '');
  const own = (): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const server = createFront(
    {
      model,
      repos,
      userHeader: options.userHeader ?? 'X-Forwarded-User',
      received,
      pushes,
      webUrl: () => webUrl ?? own(),
      callbackUrl: () => `${own()}${CALLBACK_PREFIX}${secret}`,
      tokens: options.tokens ?? {},
      readAccess: options.readAccess ?? {},
      queryLimit: options.queryLimit ?? 500,
    },
    secret,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  model.notify = (type, change, extra) => {
    const event = changeEvent(type, change, model, webUrl ?? own(), extra);
    events.push(event);
    const target = webhookUrl;
    if (target !== undefined) {
      deliver(target, event, webUrl ?? own(), (result) => deliveries.push({ type, url: target, result: typeof result === 'number' ? result : result.message }));
    }
  };
  const createProject = async (name: string): Promise<void> => {
    if (model.projects.has(name)) return;
    await repos.create(name);
    model.projects.add(name);
  };
  for (const p of options.projects ?? []) await createProject(p);
  return {
    url: own(),
    port,
    dir,
    received,
    pushes,
    changes: model.changes,
    events,
    deliveries,
    setWebhookUrl: (url) => {
      webhookUrl = url;
    },
    model,
    createProject,
    setWebUrl: (url) => {
      webUrl = url.replace(/\/+$/, '');
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await temp?.remove();
    },
  };
}
