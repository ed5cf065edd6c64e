// Reads a policy's answer. The policy's `decision` document must be {allow: boolean, reasons:
// [string]}; anything else is a broken policy and denies, so a typo can never allow.

import type { Decision } from './types.js';

export const REASON_POLICY_ERROR = 'policy_error';
export const REASON_POLICY_UNDEFINED = 'policy_undefined';
export const REASON_POLICY_MALFORMED = 'policy_result_malformed';

export function denied(reason: string, revision: string): Decision {
  return { allow: false, reasons: [reason], revision };
}

/** Interprets an opa-wasm result set: `[{result: <decision document>}]`. */
export function decisionFromResultSet(resultSet: unknown, revision: string): Decision {
  if (!Array.isArray(resultSet) || resultSet.length === 0) return denied(REASON_POLICY_UNDEFINED, revision);
  if (resultSet.length > 1) return denied(REASON_POLICY_MALFORMED, revision);
  const doc = (resultSet[0] as { result?: unknown } | null)?.result;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return denied(REASON_POLICY_MALFORMED, revision);
  const { allow, reasons } = doc as { allow?: unknown; reasons?: unknown };
  if (typeof allow !== 'boolean') return denied(REASON_POLICY_MALFORMED, revision);
  const list = reasons === undefined ? [] : reasons;
  if (!Array.isArray(list) || !list.every((r): r is string => typeof r === 'string')) {
    return denied(REASON_POLICY_MALFORMED, revision);
  }
  // Reasons are a set in Rego; sorting keeps audit records and cache entries canonical.
  return { allow, reasons: [...list].sort(), revision };
}
