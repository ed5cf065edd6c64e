// The environment a branch deployment's webserver (and its cleanup command) runs with: the names
// Dagster+ sets in a branch deployment (docs.dagster.io, "Built-in environment variables"), so
// code written for Dagster+ runs unchanged, and Changegate's own.
//
// Everything here comes from Gerrit, and the commit's author, email and message from whoever
// pushed the patch set: hostile. Two rules follow:
// - Identifiers (change number, Change-Id, project, branch, patch set, SHA, timestamp, URL) must
//   have their documented form, or BranchEnvError is thrown: a deployment must never start under
//   a wrong identity, and a malformed one means the change source is broken.
// - Free text (author name, author email, message) is made safe instead of refused, because its
//   author controls it and it is informational only: refusing would let a commit message make
//   its own deployment impossible. NUL bytes are removed (an environment string ends at NUL, and
//   Node's spawn refuses one), lone UTF-16 surrogates become U+FFFD (they cannot be encoded), and
//   the length is bounded in UTF-8 bytes (Linux refuses an exec whose single environment string
//   exceeds 128 KiB, MAX_ARG_STRLEN), cut on a code point boundary.

import { branchDeploymentName, type BranchChange } from './change.js';
import { parseCommitTimestamp } from './timestamp.js';
import { shadowSuffix } from './shadow-suffix.js';

export interface BranchEnvInput extends BranchChange {
  /** Where the deployment is served (the link posted on the change). */
  readonly deploymentUrl: string;
}

export class BranchEnvError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'BranchEnvError';
  }
}

/** DAGSTER_CLOUD_GIT_MESSAGE is cut to this many UTF-8 bytes. */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/** DAGSTER_CLOUD_GIT_AUTHOR_NAME and _EMAIL are cut to this many UTF-8 bytes. */
export const MAX_AUTHOR_BYTES = 1024;
/** Longest project or branch name accepted. */
const MAX_NAME_CHARS = 1024;
const MAX_URL_CHARS = 2048;
const MAX_CHANGE_NUMBER = 2 ** 31 - 1;

const CHANGE_ID = /^I[0-9a-f]{40}$/;
/** SHA-1, or SHA-256 for repositories in that object format. */
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

export function branchDeploymentEnv(input: BranchEnvInput): Record<string, string> {
  const number = positiveInt('number', input.number, MAX_CHANGE_NUMBER);
  const patchset = positiveInt('patchset', input.patchset, MAX_CHANGE_NUMBER);
  if (!CHANGE_ID.test(input.id)) throw new BranchEnvError('id', 'a Change-Id is I followed by 40 lowercase hex digits');
  if (!SHA.test(input.commit.sha)) throw new BranchEnvError('commit.sha', 'a commit SHA is 40 (or 64) lowercase hex digits');
  if (input.status !== 'OPEN' && input.status !== 'MERGED' && input.status !== 'CLOSED') throw new BranchEnvError('status', 'must be OPEN, MERGED or CLOSED');
  const project = name('project', input.project);
  const branch = name('branch', input.branch);
  const url = deploymentUrl(input.deploymentUrl);
  const timestamp = parseCommitTimestamp(input.commit.timestamp);
  if (timestamp === undefined) throw new BranchEnvError('commit.timestamp', 'expected ISO-8601 with a zone, "YYYY-MM-DD hh:mm:ss[.f]" (UTC), or Unix seconds');
  const deploymentName = branchDeploymentName(number);
  return {
    DAGSTER_CLOUD_IS_BRANCH_DEPLOYMENT: '1',
    DAGSTER_CLOUD_DEPLOYMENT_NAME: deploymentName,
    DAGSTER_CLOUD_PULL_REQUEST_ID: String(number),
    DAGSTER_CLOUD_PULL_REQUEST_STATUS: input.status,
    DAGSTER_CLOUD_GIT_SHA: input.commit.sha,
    DAGSTER_CLOUD_GIT_TIMESTAMP: String(timestamp),
    DAGSTER_CLOUD_GIT_AUTHOR_EMAIL: freeText(input.commit.authorEmail, MAX_AUTHOR_BYTES),
    DAGSTER_CLOUD_GIT_AUTHOR_NAME: freeText(input.commit.authorName, MAX_AUTHOR_BYTES),
    DAGSTER_CLOUD_GIT_MESSAGE: freeText(input.commit.message, MAX_MESSAGE_BYTES),
    DAGSTER_CLOUD_GIT_BRANCH: branch,
    DAGSTER_CLOUD_GIT_REPO: project,
    CHANGEGATE_SHADOW_SUFFIX: shadowSuffix({ isBranchDeployment: true, change: number, name: deploymentName }),
    CHANGEGATE_GERRIT_PROJECT: project,
    CHANGEGATE_GERRIT_CHANGE_ID: input.id,
    CHANGEGATE_GERRIT_PATCHSET: String(patchset),
    CHANGEGATE_DEPLOYMENT_URL: url,
  };
}

function positiveInt(field: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new BranchEnvError(field, `must be an integer from 1 to ${max}`);
  return value;
}

/** Gerrit project and branch names: any text but controls (git refuses them in ref names). */
function name(field: string, value: string): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_NAME_CHARS || CONTROL.test(value) || LONE_SURROGATE.test(value)) {
    throw new BranchEnvError(field, `must be 1 to ${MAX_NAME_CHARS} characters without control characters`);
  }
  return value;
}

function deploymentUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = value.length <= MAX_URL_CHARS && !/[\s\u0000-\u001f\u007f]/.test(value) ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new BranchEnvError('deploymentUrl', `must be an absolute http(s) URL of at most ${MAX_URL_CHARS} characters, without spaces or controls`);
  return value;
}

/** Removes NUL, replaces lone surrogates, and cuts to `maxBytes` of UTF-8 on a code point boundary. */
export function freeText(value: string, maxBytes: number): string {
  const clean = String(value).replaceAll('\u0000', '').replace(LONE_SURROGATES, '\uFFFD');
  if (Buffer.byteLength(clean, 'utf8') <= maxBytes) return clean;
  let bytes = 0;
  let end = 0;
  for (const ch of clean) {
    // 1 byte below U+0080, 2 below U+0800, 3 in the BMP, 4 for an astral character (2 UTF-16 units).
    const cp = ch.codePointAt(0)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return clean.slice(0, end);
}
