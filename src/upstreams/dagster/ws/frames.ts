// Client frames of subscriptions-transport-ws (subprotocol `graphql-ws`), the protocol the
// Dagster UI speaks to `<prefix>/graphql`. Anything that is not one of these four frames is
// refused: a frame we cannot read is a frame we cannot judge.

import { obj, str } from '../graphql/values.js';

export interface StartPayload {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName: string | undefined;
}

export type ClientFrame =
  | { readonly type: 'connection_init' }
  | { readonly type: 'start'; readonly id: string; readonly payload: StartPayload }
  | { readonly type: 'stop'; readonly id: string }
  | { readonly type: 'connection_terminate' };

export type FrameResult = { readonly ok: true; readonly frame: ClientFrame } | { readonly ok: false; readonly id: string | undefined; readonly reason: string };

export function parseClientFrame(text: string): FrameResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, id: undefined, reason: 'the frame is not JSON' };
  }
  const frame = obj(value);
  const type = str(frame?.['type']);
  const id = frame?.['id'] === undefined ? undefined : str(frame['id']);
  if (frame === undefined || type === undefined) return { ok: false, id: undefined, reason: 'the frame has no type' };
  if (type === 'connection_init' || type === 'connection_terminate') return { ok: true, frame: { type } };
  if (id === undefined || id === '') return { ok: false, id: undefined, reason: `a ${type} frame needs a string id` };
  if (type === 'stop') return { ok: true, frame: { type, id } };
  if (type !== 'start') return { ok: false, id, reason: `unknown frame type "${type}"` };
  const payload = obj(frame['payload']);
  const query = str(payload?.['query']);
  if (query === undefined) return { ok: false, id, reason: 'a start frame needs payload.query' };
  const variables = payload?.['variables'] ?? {};
  if (variables !== null && obj(variables) === undefined) return { ok: false, id, reason: 'payload.variables must be an object' };
  // The client sends operationName; the Python server reads operation_name. Either may be
  // what executes, so when both are sent they must agree.
  const names = [payload?.['operationName'], payload?.['operation_name']].filter((n) => n !== undefined && n !== null);
  if (names.some((n) => typeof n !== 'string')) return { ok: false, id, reason: 'the operation name must be a string' };
  if (new Set(names).size > 1) return { ok: false, id, reason: 'operationName and operation_name disagree' };
  return { ok: true, frame: { type, id, payload: { query, variables: obj(variables) ?? {}, operationName: (names[0] as string | undefined) || undefined } } };
}

/** The server-to-client frame that ends one operation with an error. */
export function errorFrame(id: string | undefined, message: string): string {
  return JSON.stringify({ type: 'error', ...(id === undefined ? {} : { id }), payload: { message } });
}
