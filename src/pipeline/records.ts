// Builds the policy input and the audit records from one exchange. Kept together so the
// audit record always says exactly what the policy saw.

import type { AuditSubject, CompletionRecord, DecisionRecord } from '../audit/types.js';
import { isAuthenticated, type AuthenticatedIdentity, type Identity } from '../identity/types.js';
import type { Decision, PolicyInput, SubjectInput } from '../policy/types.js';
import { Recent } from '../policy/recent.js';
import type { Classification, Exchange, ForwardOutcome } from './types.js';

// One subject object per identity object: the bearer authenticator hands out the same identity
// for a token while it is cached, and the policy engine serialises each subject object only once.
// Not a WeakMap: sessions build a new identity per request, and dead WeakMap keys are costly.
const subjects = new Recent<AuthenticatedIdentity, SubjectInput>(16);
const auditSubjects = new Recent<AuthenticatedIdentity, AuditSubject>(16);

export function subjectInput(identity: Identity): SubjectInput | null {
  return isAuthenticated(identity) ? subjects.getOrMake(identity, newSubject) : null;
}

/**
 * Two plain literals rather than one with a conditional spread of `email`: on Node 20 a spread
 * followed by more properties gives every result a new hidden class, which made building and
 * serialising the subject cost microseconds (measured) instead of tens of nanoseconds. Keys in
 * sorted order, as the policy input's JSON has them (see src/policy/input-json.ts).
 */
function newSubject(i: AuthenticatedIdentity): SubjectInput {
  const { groups, human, id, roles, username, via } = i;
  return i.email === undefined
    ? { groups, human, id, roles, username, via }
    : { email: i.email, groups, human, id, roles, username, via };
}

export function policyInput(exchange: Exchange, identity: Identity, classification: Classification): PolicyInput {
  return {
    subject: subjectInput(identity),
    action: classification.action,
    resource: classification.resource,
    request: {
      method: exchange.req.method ?? 'GET',
      path: exchange.target.path,
      ip: exchange.client.ip,
      requestId: exchange.requestId,
    },
  };
}

export function decisionRecord(
  exchange: Exchange,
  identity: Identity,
  classification: Classification,
  decision: Decision,
): DecisionRecord {
  return {
    kind: 'decision',
    time: new Date().toISOString(),
    requestId: exchange.requestId,
    subject: auditSubject(identity),
    action: classification.action,
    resource: classification.resource,
    ...(classification.change === undefined ? {} : { change: classification.change }),
    decision: { allow: decision.allow, reasons: decision.reasons, revision: decision.revision },
    // Keys in sorted order, as in the subject: the audit chain's canonical JSON then takes the
    // object as it is instead of writing it out by hand (src/audit/canonical.ts).
    request: {
      ip: exchange.client.ip,
      method: exchange.req.method ?? 'GET',
      path: exchange.target.path,
      userAgent: exchange.client.userAgent,
    },
  };
}

/** Who the audit record names, remembered per identity object like the policy's subject. */
function auditSubject(identity: Identity): AuditSubject | null {
  return isAuthenticated(identity) ? auditSubjects.getOrMake(identity, newAuditSubject) : null;
}

/** Sorted keys (email, id, roles, tokenId, via), optional ones left out rather than undefined. */
function newAuditSubject(i: AuthenticatedIdentity): AuditSubject {
  const tokenId = 'tokenId' in i ? i.tokenId : undefined;
  return {
    ...(i.email === undefined ? {} : { email: i.email }),
    id: i.id,
    roles: i.roles,
    ...(tokenId === undefined ? {} : { tokenId }),
    via: i.via,
  };
}

export function completionRecord(exchange: Exchange, outcome: ForwardOutcome): CompletionRecord {
  return {
    kind: 'completion',
    time: new Date().toISOString(),
    requestId: exchange.requestId,
    status: outcome.status,
    bytesIn: Number(exchange.req.headers['content-length'] ?? 0) || 0,
    bytesOut: outcome.bytesOut,
    durationMs: Math.round(outcome.durationMs * 1000) / 1000,
    ...(outcome.learned === undefined ? {} : { learned: outcome.learned }),
    ...(outcome.error === undefined ? {} : { error: outcome.error.code }),
  };
}
