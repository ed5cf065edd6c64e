// The policy input as the policy sees it (JSON) and as the decision cache keys it, built from
// parts so that neither needs a JSON.stringify of the whole input on every request: the subject
// is serialised once per subject object (policyInput reuses one per identity), and a cache hit
// only needs a short key, not the input's JSON.

import { Recent } from './recent.js';
import type { PolicyInput, RequestInput, SubjectInput } from './types.js';

/*
 * Tripwires: every field of the input must reach both the JSON and the key (the request id only
 * the JSON). A field added to PolicyInput or RequestInput fails to compile here until it is
 * added below; forgetting it in the key would let one decision answer for different inputs.
 */
const INPUT_FIELDS: Record<keyof PolicyInput, true> = { action: true, request: true, resource: true, subject: true };
const REQUEST_FIELDS: Record<keyof RequestInput, true> = { ip: true, method: true, path: true, requestId: true };
void INPUT_FIELDS;
void REQUEST_FIELDS;

interface SubjectEntry {
  readonly json: string;
  /** Stands for the subject in cache keys: equal subjects get equal ids, different ones never. */
  readonly id: number;
}

const ANONYMOUS: SubjectEntry = { json: 'null', id: 0 };

/** How many distinct subjects are remembered by content before that memory starts over. */
const MAX_INTERNED = 10_000;

/** How many subject objects are remembered: the hottest bearer clients. */
const RECENT_OBJECTS = 16;

/**
 * Serialises subjects, once per subject object, and numbers them by content. Ids only grow, so
 * forgetting the content table (to bound it) can cost cache hits, never give a wrong one.
 */
export class SubjectTable {
  readonly #byObject = new Recent<SubjectInput, SubjectEntry>(RECENT_OBJECTS);
  readonly #byJson = new Map<string, number>();
  #next = 1;

  entry(subject: SubjectInput | null): SubjectEntry {
    if (subject === null) return ANONYMOUS;
    const known = this.#byObject.get(subject);
    if (known !== undefined) return known;
    const json = JSON.stringify(subject);
    let id = this.#byJson.get(json);
    if (id === undefined) {
      if (this.#byJson.size >= MAX_INTERNED) this.#byJson.clear();
      id = this.#next++;
      this.#byJson.set(json, id);
    }
    const entry = { json, id };
    this.#byObject.set(subject, entry);
    return entry;
  }
}

/** `<length>:<text>`: self-delimiting, so concatenations of these never collide. */
function field(s: string): string {
  return `${s.length}:${s}`;
}

/**
 * Everything the decision depends on, the request id excepted: that differs on every request and
 * is correlation, not a decision input. Injective: the subject id ends at the space, each string
 * is length-prefixed, and the resource's JSON is the rest.
 */
export function decisionKey(subject: SubjectEntry, input: PolicyInput, resourceJson: string): string {
  const r = input.request;
  return `${subject.id} ${field(input.action)}${field(r.method)}${field(r.path)}${field(r.ip)}${resourceJson}`;
}

const q = JSON.stringify;

/** The input document. Keys in sorted order: the Wasm parser then appends instead of inserting. */
export function inputJson(subject: SubjectEntry, input: PolicyInput, resourceJson: string): string {
  const r = input.request;
  return (
    `{"action":${q(input.action)},"request":{"ip":${q(r.ip)},"method":${q(r.method)},"path":${q(r.path)},` +
    `"requestId":${q(r.requestId)}},"resource":${resourceJson},"subject":${subject.json}}`
  );
}
