// The branch-deployment loop's vocabulary: a Gerrit change as the loop sees it, the deployment
// built for one of its patch sets, and the two seams the controller drives without knowing what
// is behind them: where changes come from (Gerrit, through its service account) and how a
// webserver is started (a local process, or a Deployment and a Service in Kubernetes).
//
// This folder names no upstream: src/main wires Gerrit's change source and Dagster's webserver
// into it.

/** The commit a patch set points at, as Dagster+'s DAGSTER_CLOUD_GIT_* variables describe it. */
export interface CommitInfo {
  readonly sha: string;
  /** ISO-8601 or Gerrit's "YYYY-MM-DD hh:mm:ss.fffffffff" (UTC); the env gets Unix seconds. */
  readonly timestamp: string;
  readonly authorName: string;
  readonly authorEmail: string;
  readonly message: string;
}

export type ChangeStatus = 'OPEN' | 'MERGED' | 'CLOSED';

/** One Gerrit change and its current patch set. */
export interface ChangeSnapshot {
  readonly number: number;
  /** The Change-Id (I + 40 hex). */
  readonly id: string;
  readonly project: string;
  /** The target branch, without refs/heads/. */
  readonly branch: string;
  /** MERGED for a submitted change, CLOSED for an abandoned one (Dagster+'s words). */
  readonly status: ChangeStatus;
  /** The owner's Gerrit user name (what the identity header carries), or their email when there is none. */
  readonly owner: string;
  /** User names of the change's reviewers (CC excluded). */
  readonly reviewers: readonly string[];
  readonly patchset: number;
  /** refs/changes/NN/N/P */
  readonly ref: string;
  readonly commit: CommitInfo;
}

/** Where changes come from: Gerrit, asked with its service account. */
export interface ChangeSource {
  /** Every open change of the projects (globs allowed), with its current patch set. */
  openChanges(projects: readonly string[]): Promise<readonly ChangeSnapshot[]>;
  /** One change by number, whatever its status; undefined when Gerrit has none (or hides it). */
  change(number: number): Promise<ChangeSnapshot | undefined>;
  /** The git URL to fetch a project's refs from (service account credentials in the URL are fine: it never reaches a log). */
  fetchUrl(project: string): string;
  /** Posts a review message on a patch set, with an optional vote, tagged `tag`. */
  post(message: ChangeMessage): Promise<void>;
}

export interface ChangeMessage {
  readonly change: number;
  readonly patchset: number;
  readonly tag: string;
  readonly message: string;
  readonly labels?: Readonly<Record<string, number>>;
}

/** Everything a launcher needs to start one webserver for one patch set. */
export interface LaunchSpec {
  /** `gerrit-change-{change}`: unique, DNS-safe, the Dagster+ deployment name. */
  readonly name: string;
  readonly change: number;
  readonly patchset: number;
  /** The working tree of the patch set ({workdir}/{change}/{patchset}); absolute. */
  readonly checkout: string;
  /** The path the webserver serves under (its --path-prefix), e.g. /dagster/changes/42. */
  readonly pathPrefix: string;
  /** The environment the webserver (and the cleanup) runs with: Dagster+'s names and ours. */
  readonly env: Readonly<Record<string, string>>;
  /** Placeholder values for the command, env and template: change, patchset, pathPrefix, checkout, name (and port, set by the process launcher). */
  readonly placeholders: Readonly<Record<string, string>>;
  /** Give up waiting for the webserver to answer after this long. */
  readonly readyTimeoutMs: number;
}

/** A started webserver: where to forward to, and how to stop it. */
export interface RunningWebserver {
  /** Origin the proxy forwards to (http://127.0.0.1:PORT, or the Service's cluster address). */
  readonly url: string;
  /** What the launcher knows to find it again after a restart (pid, port; namespace and names). */
  readonly handle: Readonly<Record<string, string | number>>;
}

/** Why a start failed, with the launcher's last output for the page and the Gerrit message. */
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'LaunchError';
  }
}

export interface CleanupResult {
  readonly ok: boolean;
  readonly exitCode: number | null;
  /** The last few KiB of its output. */
  readonly output: string;
}

/** Starts and stops webservers. One per `deployments.launcher.kind`. */
export interface Launcher {
  readonly kind: 'process' | 'kubernetes';
  /**
   * Starts the webserver and resolves once it answers HTTP at `{url}{pathPrefix}/server_info`;
   * rejects with LaunchError (and leaves nothing running) on exit, failure or readyTimeoutMs.
   */
  start(spec: LaunchSpec, signal?: AbortSignal): Promise<RunningWebserver>;
  /** Stops what `start` started (idempotent; a handle of a process already gone is fine). */
  stop(handle: RunningWebserver['handle']): Promise<void>;
  /** Whether what the handle names still runs (after a restart: keep it, or start again). */
  alive(handle: RunningWebserver['handle']): Promise<boolean>;
  /** Runs `deployments.cleanup.command` with the deployment's environment; never rejects. */
  cleanup(spec: LaunchSpec, timeoutMs: number): Promise<CleanupResult>;
}
