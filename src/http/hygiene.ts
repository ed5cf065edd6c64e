// The request-hygiene layer in one call, in the order the server must run it, before routing
// or authentication read anything:
//
//   request id -> request line and framing -> target normalization -> client and forwarding
//
// The id comes first so that even a refused request gets an error body and log line with an
// id. `upstreamRequestHeaders` is the header half: it strips what the client may not send and
// adds X-Forwarded-* and X-Request-Id; identity headers are stamped on its result afterwards.

import type { IncomingMessage } from 'node:http';
import { ChangegateError, isChangegateError } from '../errors.js';
import { clientInfo, forwardedHeaders, type ForwardedClientInfo } from './forwarded.js';
import { upstreamHeaders, type HeaderOutput, type HeaderPolicy, type StripOptions } from './headers.js';
import { isAsteriskForm, normalizeTarget, type TargetLimits } from './normalize.js';
import { checkRequestHead } from './request-line.js';
import { requestId } from './request-id.js';
import type { TrustedProxies } from './trusted-proxies.js';
import type { NormalizedTarget } from './types.js';

export interface HygieneConfig {
  readonly trusted: TrustedProxies;
  readonly limits: TargetLimits;
}

export type Admission =
  | { readonly kind: 'admitted'; readonly requestId: string; readonly target: NormalizedTarget; readonly client: ForwardedClientInfo }
  /** `OPTIONS *`: the server answers it itself; it has no path to route. */
  | { readonly kind: 'asterisk'; readonly requestId: string; readonly client: ForwardedClientInfo }
  | { readonly kind: 'refused'; readonly requestId: string; readonly error: ChangegateError };

export type HygieneRequest = Pick<IncomingMessage, 'method' | 'url' | 'httpVersion' | 'headers' | 'rawHeaders' | 'socket'>;

export function admitRequest(req: HygieneRequest, config: HygieneConfig): Admission {
  const id = requestId(req, config.trusted);
  try {
    checkRequestHead(req);
    const url = req.url ?? '';
    if (req.method === 'OPTIONS' && isAsteriskForm(url)) {
      return { kind: 'asterisk', requestId: id, client: clientInfo(req, config.trusted) };
    }
    const target = normalizeTarget(url, config.limits);
    return { kind: 'admitted', requestId: id, target, client: clientInfo(req, config.trusted) };
  } catch (e) {
    if (!isChangegateError(e)) throw e;
    return { kind: 'refused', requestId: id, error: e };
  }
}

/** Client headers minus everything stripped, plus X-Forwarded-* and X-Request-Id. */
export function upstreamRequestHeaders(
  req: Pick<IncomingMessage, 'headers'>,
  client: ForwardedClientInfo,
  id: string,
  policy?: HeaderPolicy,
  options?: StripOptions,
): HeaderOutput {
  const out = upstreamHeaders(req.headers, policy, options);
  const fwd = forwardedHeaders(client);
  for (const name in fwd) out[name] = fwd[name]!;
  out['x-request-id'] = id;
  return out;
}
