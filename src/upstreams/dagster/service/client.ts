// Changegate speaking to a Dagster webserver on its own behalf (not relaying a client): asking a
// branch deployment which code locations loaded, and, on merge, reloading production's locations
// and launching the configured jobs. Answers are hostile bytes like any other: bounded in time
// and size, read field by field.

import { Pool } from 'undici';
import { collect } from '../../../http/collect.js';

export interface LocationLoad {
  readonly name: string;
  readonly loaded: boolean;
  readonly error?: string;
}

export interface DagsterServiceOptions {
  /** Origin of the webserver (no path). */
  readonly url: string;
  /** Its --path-prefix ('' for none). */
  readonly pathPrefix: string;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

const WORKSPACE = `query ChangegateWorkspace {
  workspaceOrError {
    __typename
    ... on Workspace { locationEntries { name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } }
    ... on PythonError { message }
  }
}`;

const RELOAD = `mutation ChangegateReload($location: String!) {
  reloadRepositoryLocation(repositoryLocationName: $location) {
    __typename
    ... on WorkspaceLocationEntry { name loadStatus locationOrLoadError { __typename ... on PythonError { message } } }
    ... on PythonError { message }
    ... on UnauthorizedError { message }
    ... on RepositoryLocationNotFound { message }
    ... on ReloadNotSupported { message }
  }
}`;

const LAUNCH = `mutation ChangegateLaunch($p: ExecutionParams!) {
  launchRun(executionParams: $p) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidStepError { invalidStepKey }
    ... on InvalidOutputError { invalidOutputName }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on PipelineNotFoundError { message }
    ... on RunConflict { message }
    ... on UnauthorizedError { message }
    ... on PresetNotFoundError { message }
    ... on ConflictingExecutionParamsError { message }
    ... on NoModeProvidedError { message }
    ... on InvalidSubsetError { message }
  }
}`;

/** Requests in flight at once to one webserver from this client; more wait for a connection. */
const CONNECTIONS = 8;

export class DagsterServiceClient {
  /** Keep-alive connections to the webserver. Redirects are not followed: a 3xx is refused. */
  readonly #pool: Pool;
  readonly #path: string;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;

  constructor(o: DagsterServiceOptions) {
    const endpoint = new URL(`${o.url.replace(/\/+$/, '')}${o.pathPrefix.replace(/\/+$/, '')}/graphql`);
    this.#pool = new Pool(endpoint.origin, { connections: CONNECTIONS });
    this.#path = endpoint.pathname + endpoint.search;
    this.#timeoutMs = o.timeoutMs ?? 10_000;
    this.#maxBytes = o.maxBytes ?? 8 * 1024 * 1024;
  }

  /** Closes its connections; for a client made for one call. */
  close(): Promise<void> {
    return this.#pool.close();
  }

  /** Every code location of the workspace and whether it loaded. */
  async locations(): Promise<LocationLoad[]> {
    const data = await this.#graphql(WORKSPACE, {});
    const ws = record(data['workspaceOrError']);
    if (ws['__typename'] !== 'Workspace') throw new Error(`the workspace could not be read: ${text(ws['message']) ?? String(ws['__typename'])}`);
    const entries = Array.isArray(ws['locationEntries']) ? (ws['locationEntries'] as unknown[]) : [];
    return entries.slice(0, 500).map((raw) => locationLoad(record(raw)));
  }

  /** Reloads one code location; resolves to its load status after the reload. */
  async reload(location: string): Promise<LocationLoad> {
    const data = await this.#graphql(RELOAD, { location });
    const r = record(data['reloadRepositoryLocation']);
    if (r['__typename'] !== 'WorkspaceLocationEntry') return { name: location, loaded: false, error: `${String(r['__typename'])}: ${text(r['message']) ?? 'no message'}` };
    return locationLoad(r);
  }

  /** Launches a job with tags; resolves to the run id, or rejects with Dagster's reason. */
  async launch(p: { location: string; repository: string; job: string; tags: Readonly<Record<string, string>> }): Promise<string> {
    const params = {
      selector: { repositoryLocationName: p.location, repositoryName: p.repository, jobName: p.job },
      executionMetadata: { tags: Object.entries(p.tags).map(([key, value]) => ({ key, value })) },
    };
    const data = await this.#graphql(LAUNCH, { p: params });
    const r = record(data['launchRun']);
    const runId = text(record(r['run'])['runId']);
    if (r['__typename'] === 'LaunchRunSuccess' && runId !== undefined) return runId;
    throw new Error(`${String(r['__typename'])}: ${text(r['message']) ?? 'the launch was refused'}`);
  }

  async #graphql(query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await collect(
      this.#pool,
      { path: this.#path, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query, variables }) },
      { timeoutMs: this.#timeoutMs, maxBytes: this.#maxBytes, peer: 'Dagster' },
    );
    if (!answer.complete) throw new Error(`Dagster's answer (${answer.status}) broke off`);
    let json: unknown;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch {
      throw new Error(`Dagster answered ${answer.status} with something other than JSON`);
    }
    const errors = record(json)['errors'];
    if (Array.isArray(errors) && errors.length > 0) throw new Error(`Dagster: ${text(record(errors[0])['message']) ?? 'GraphQL error'}`);
    if (answer.status < 200 || answer.status >= 300) throw new Error(`Dagster answered ${answer.status}`);
    return record(record(json)['data']);
  }
}

function locationLoad(e: Record<string, unknown>): LocationLoad {
  const name = text(e['name']) ?? '(unnamed)';
  const loe = record(e['locationOrLoadError']);
  if (loe['__typename'] === 'PythonError') return { name, loaded: false, error: text(loe['message']) ?? 'failed to load' };
  if (e['loadStatus'] === 'LOADING') return { name, loaded: false, error: 'still loading' };
  return { name, loaded: loe['__typename'] === 'RepositoryLocation' };
}


function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v.slice(0, 2000) : undefined;
}
