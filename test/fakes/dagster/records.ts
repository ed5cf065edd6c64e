// What the stand-in saw: every executed GraphQL operation (with the tags of the runs and
// backfills it created), every refused document, and every HTTP request. Tests assert on these
// to prove what the proxy forwarded.

import type { IncomingHttpHeaders } from 'node:http';
import type { Created } from './context.js';
import type { Tag } from './model.js';

export type Transport = 'get' | 'post-json' | 'post-graphql' | 'post-querystring' | 'ws';
export type OperationType = 'query' | 'mutation' | 'subscription';

/**
 * The request id, and the identity and credential headers as received (lower-case names):
 * X-Forwarded-User/-Email/-Groups/-Preferred-Username, X-Changegate-*, X-Gerrit-*, and
 * Authorization and Cookie, so tests can prove what the proxy stamped and what it stripped.
 */
export interface Received {
  readonly requestId: string | undefined;
  readonly identity: Readonly<Record<string, string>>;
}

export interface OperationRecord extends Received {
  readonly transport: Transport;
  readonly operationType: OperationType;
  readonly operationName: string | null;
  /** Root field names (not aliases) after expanding fragments. */
  readonly rootFields: readonly string[];
  readonly variables: Readonly<Record<string, unknown>>;
  /** Runs and backfills this operation created, with the tags they were stored with. */
  readonly created: readonly Created[];
  /** The tags of each run created, in order: the stamping tests' main assertion. */
  readonly runTags: readonly (readonly Tag[])[];
}

export interface RejectedRecord extends Received {
  readonly transport: Transport;
  readonly query: string;
  readonly errors: readonly string[];
}

export interface RequestRecord extends Received {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
}

export interface AssetReport extends Received {
  readonly kind: 'materialization' | 'check' | 'observation';
  readonly assetKey: readonly string[];
  readonly body: unknown;
}

const IDENTITY = /^(x-forwarded-(user|email|groups|preferred-username)|x-changegate-.+|x-gerrit-.+|authorization|cookie)$/;

export function received(headers: IncomingHttpHeaders): Received {
  const identity: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !IDENTITY.test(name)) continue;
    identity[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const id = headers['x-request-id'];
  return { requestId: Array.isArray(id) ? id[0] : id, identity };
}

export class Recorder {
  readonly operations: OperationRecord[] = [];
  readonly rejected: RejectedRecord[] = [];
  readonly requests: RequestRecord[] = [];
  readonly assetReports: AssetReport[] = [];

  /** Every run tag list received, across operations, in order. */
  allRunTags(): (readonly Tag[])[] {
    return this.operations.flatMap((o) => o.runTags);
  }

  clear(): void {
    this.operations.length = 0;
    this.rejected.length = 0;
    this.requests.length = 0;
    this.assetReports.length = 0;
  }
}
