// The Gerrit classifier: git smart-HTTP URLs go to the push/fetch classifier, everything else
// to the REST endpoint table. Built once from the config (see gerritClassifierFromConfig).

import type { Config } from '../../config/schema.js';
import type { Classification, Classifier, ClassifyRequest } from '../../pipeline/types.js';
import { GerritChangeSource, type ChangeSource } from './changes.js';
import { classifyGit } from './git/classify.js';
import { gitTarget } from './git/paths.js';
import { classifyRest, type ImpactProvider } from './rest/classify.js';

export interface GerritClassifierOptions {
  /** The Gerrit route's path prefix ('/' when Gerrit is mounted at the root). */
  readonly pathPrefix: string;
  /** Largest REST body or push command list the classifier reads (limits.maxClassifiedBodyBytes). */
  readonly maxClassifiedBodyBytes: number;
  /** Where submit and review decisions read the change; absent = those requests fail closed. */
  readonly changes?: ChangeSource;
  /** What the change does to the asset graph, for submit decisions (resource.change.impact). */
  readonly impact?: ImpactProvider;
}

export function createGerritClassifier(options: GerritClassifierOptions): Classifier {
  return {
    classify(request: ClassifyRequest): Promise<Classification> {
      const { method, target, req, identity } = request;
      const git = gitTarget(target.path, options.pathPrefix);
      if (git !== undefined) return classifyGit({ method, path: target.path, query: target.query, req }, git, options.maxClassifiedBodyBytes);
      return classifyRest(
        { method, path: target.path, query: target.query, req, identity },
        { pathPrefix: options.pathPrefix, maxBodyBytes: options.maxClassifiedBodyBytes, ...(options.changes === undefined ? {} : { changes: options.changes }), ...(options.impact === undefined ? {} : { impact: options.impact }) },
      );
    },
  };
}

/** The classifier for a configured Gerrit upstream; `usernameHeader` is Gerrit's auth.httpHeader. */
export function gerritClassifierFromConfig(gerrit: GerritConfig, maxClassifiedBodyBytes: number, usernameHeader: string, impact?: ImpactProvider): Classifier {
  const account = gerrit.serviceAccount;
  const changes =
    account !== undefined
      ? new GerritChangeSource({ url: gerrit.url, serviceAccount: account, usernameHeader, timeoutMs: Math.min(gerrit.timeoutMs, 10_000) })
      : undefined;
  return createGerritClassifier({
    pathPrefix: gerrit.pathPrefix,
    maxClassifiedBodyBytes,
    ...(changes === undefined ? {} : { changes }),
    ...(impact === undefined ? {} : { impact }),
  });
}

/** `upstreams.gerrit` in the config. */
export type GerritConfig = NonNullable<Config['upstreams']['gerrit']>;
