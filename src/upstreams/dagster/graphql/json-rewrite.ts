// The one response rewrite a GraphQL query asks the forwarder for, however many in-place
// rewrites apply to it (permission answers per user; changedReasons on a branch deployment): the
// answer is parsed once, each rewrite edits it, and it is serialised again only if one changed
// something. Answers several megabytes large (a whole asset graph) are not parsed twice.

import type { ResponseRewrite } from '../../../pipeline/types.js';

/** Edits a parsed GraphQL answer in place; returns how many values it changed. */
export type JsonRewrite = (response: unknown) => number;

export function jsonResponseRewrite(rewrites: readonly JsonRewrite[], maxBytes: number): ResponseRewrite | undefined {
  if (rewrites.length === 0) return undefined;
  return {
    maxBytes,
    rewrite: (body) => {
      let response: unknown;
      try {
        response = JSON.parse(body.toString('utf8'));
      } catch {
        return body;
      }
      let changed = 0;
      for (const rewrite of rewrites) {
        try {
          changed += rewrite(response);
        } catch {
          // The forwarder must still answer. These are UI hints only (every mutation behind a
          // button is decided on its own), so what the others made of the answer stands.
        }
      }
      return changed > 0 ? Buffer.from(JSON.stringify(response), 'utf8') : body;
    },
  };
}
