// A Dagster webserver stand-in for tests and the demo, built from the real GraphQL SDL
// (schema.graphql beside this file). It serves what `dagster-webserver --path-prefix <prefix>`
// serves: GraphQL over every HTTP transport the webserver reads and over `graphql-ws`, the REST
// routes, a page at `<prefix>/`, and at `<prefix>/__stand-in/permissions` a page that renders the
// UI's PermissionsQuery as buttons (what the browser test reads). Every query is validated against
// the schema; every executed operation is recorded with the tags of the runs it created.
//
//   const dagster = await startFakeDagster();           // 127.0.0.1, any port, prefix /dagster
//   startFakeDagster({ definitions: [{ name: 'finance', jobs: ['ledger_job'], assets: [{ key: ['ledger'] }] }] })
//   startFakeDagster({ workspaceFile: '<checkout>/workspace.yaml' })   // sidecars: DEFINITIONS.md
//   As a spawned `dagster-webserver` (a branch deployment): webserver-main.ts, DEFINITIONS.md.
//   dagster.url                                          http://127.0.0.1:<port>/dagster
//   dagster.recorder.operations / .rejected / .requests / .assetReports
//   dagster.model.runs                                   launched runs, by id

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleGraphqlHttp } from './http-graphql.js';
import { BodyTooLarge, sendJson, sendText } from './http-util.js';
import { StaticSource, type LocationDefinitions } from './definitions.js';
import { DagsterModel, type LocationDef } from './model.js';
import { received, Recorder } from './records.js';
import { handleRoute } from './routes.js';
import { dagsterSchema } from './schema.js';
import { WorkspaceFileSource } from './workspace-file.js';
import { GraphqlWsEndpoint } from './ws.js';

export { DagsterModel, DEFAULT_LOCATIONS, REPOSITORY } from './model.js';
export type { StoredRun, Tag, JobRef, LocationDef } from './model.js';
export { Recorder } from './records.js';
export type { AssetDef, PartitionsDef, LocationDefinitions, LoadedLocationDefs, FailedLocationDefs } from './definitions.js';
export { writeSidecar, writeWorkspace } from './workspace-write.js';
export { WorkspaceFileError } from './workspace-file.js';
export { dagsterSchema, schemaPath } from './schema.js';
export type { OperationRecord, RejectedRecord, RequestRecord, AssetReport, Transport } from './records.js';
export { SUBPROTOCOL } from './ws.js';
export { UI_PERMISSIONS_QUERY } from './html.js';

interface ServerOptions {
  /** Default 0 (any free port); the demo uses 3000. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** `--path-prefix`: starts with `/`, no trailing `/`; '' for none. Default /dagster. */
  readonly pathPrefix?: string;
  /** Send `ka` frames on WebSockets this often. Default never, like the real webserver. */
  readonly keepAliveMs?: number;
}

/** Where the code locations come from: one of these at most. */
type DefinitionsOption =
  /** Fixed locations with two seeded runs (default DEFAULT_LOCATIONS): the proxy tests' instance. */
  | { readonly locations?: readonly LocationDef[]; readonly definitions?: never; readonly workspaceFile?: never }
  /** In-memory definitions with assets and load errors; `redefine` + reload changes them. No seeded runs. */
  | { readonly definitions: readonly LocationDefinitions[]; readonly locations?: never; readonly workspaceFile?: never }
  /** A Dagster workspace.yaml whose locations are read from JSON sidecars (DEFINITIONS.md), again on reload. No seeded runs. */
  | { readonly workspaceFile: string; readonly locations?: never; readonly definitions?: never };

export type FakeDagsterOptions = ServerOptions & DefinitionsOption;

export interface FakeDagster {
  /** Origin and prefix: `http://127.0.0.1:<port><prefix>`. */
  readonly url: string;
  readonly port: number;
  readonly pathPrefix: string;
  readonly graphqlPath: string;
  readonly model: DagsterModel;
  readonly recorder: Recorder;
  /**
   * Replaces in-memory `definitions` as a code change would: they take effect when the location
   * (or the workspace) is reloaded, or at once with `{ reload: true }`. TypeError for other sources.
   */
  redefine(definitions: readonly LocationDefinitions[], options?: { readonly reload?: boolean }): void;
  close(): Promise<void>;
}

function checkPrefix(prefix: string): string {
  if (prefix !== '' && (!prefix.startsWith('/') || prefix.endsWith('/'))) {
    throw new TypeError(`pathPrefix must start with / and must not end with / (got ${JSON.stringify(prefix)})`);
  }
  return prefix;
}

/**
 * The path below the prefix ('/' for the prefix itself), or undefined when outside it. The path is
 * percent-decoded first, %2F included, as uvicorn hands Starlette its routing path: an encoded
 * `/dagster/%67raphql` reaches GraphQL on the real server, so it does here too.
 */
function below(prefix: string, rawPath: string): string | undefined {
  let pathname = rawPath;
  try {
    pathname = decodeURIComponent(rawPath);
  } catch {
    // A malformed escape stays as sent (Python's unquote leaves it too).
  }
  if (pathname === prefix) return '/';
  if (pathname.startsWith(`${prefix}/`)) return pathname.slice(prefix.length);
  return undefined;
}

export async function startFakeDagster(options: FakeDagsterOptions = {}): Promise<FakeDagster> {
  const prefix = checkPrefix(options.pathPrefix ?? '/dagster');
  dagsterSchema();
  const staticSource = options.definitions === undefined ? undefined : new StaticSource(options.definitions);
  const model = new DagsterModel(staticSource ?? (options.workspaceFile === undefined ? options.locations : new WorkspaceFileSource(options.workspaceFile)));
  const recorder = new Recorder();
  const ws = new GraphqlWsEndpoint({ model, recorder, ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }) });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://dagster.invalid');
    recorder.requests.push({ ...received(req.headers), method: req.method ?? 'GET', url: req.url ?? '/', contentType: req.headers['content-type'] });
    const rest = below(prefix, url.pathname);
    const work = async (): Promise<void> => {
      if (rest === undefined) {
        if (url.pathname === '/' && prefix !== '') {
          res.writeHead(302, { location: `${prefix}/` }).end();
          return;
        }
        return sendText(res, 404, 'Not Found');
      }
      if (rest === '/graphql') return handleGraphqlHttp(req, res, url, model, recorder);
      return handleRoute(req, res, url, rest, prefix, model, recorder);
    };
    work().catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (e instanceof BodyTooLarge) return sendJson(res, 413, { errors: [{ message: e.message }] });
      sendJson(res, 500, { errors: [{ message: e instanceof Error ? e.message : String(e) }] });
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://dagster.invalid');
    recorder.requests.push({ ...received(req.headers), method: `${req.method ?? 'GET'} (upgrade)`, url: req.url ?? '/', contentType: undefined });
    if (below(prefix, url.pathname) !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    ws.upgrade(req, socket, head);
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}${prefix}`,
    port,
    pathPrefix: prefix,
    graphqlPath: `${prefix}/graphql`,
    model,
    recorder,
    redefine: (definitions, opts = {}) => {
      if (staticSource === undefined) throw new TypeError('redefine needs a stand-in started with `definitions`');
      staticSource.redefine(definitions);
      if (opts.reload === true) model.reloadAll();
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        ws.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
