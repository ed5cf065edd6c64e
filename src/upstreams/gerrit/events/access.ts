// Who may post webhook events: the plugin proves itself with a shared secret in the URL
// (`?secret=`), by posting from an allowed network, or both. Each check that is configured must
// pass. The secret is compared in constant time over SHA-256 digests, so neither its bytes nor
// its length leak through timing.

import { createHash, timingSafeEqual } from 'node:crypto';
import { ChangegateError } from '../../../errors.js';
import { TrustedProxies } from '../../../http/trusted-proxies.js';

export interface WebhookAccessConfig {
  readonly secret?: string;
  /** CIDRs or addresses the plugin posts from. */
  readonly allow?: readonly string[];
}

/** How the caller proved itself, for the audit record's reasons. */
export type WebhookProof = 'gerrit_webhook_secret' | 'gerrit_webhook_allowlist';

export type AccessResult = { readonly ok: true; readonly proofs: readonly WebhookProof[] } | { readonly ok: false; readonly error: ChangegateError };

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export class WebhookAccess {
  readonly #secret: Buffer | undefined;
  readonly #allow: TrustedProxies | undefined;

  constructor(config: WebhookAccessConfig) {
    this.#secret = config.secret === undefined ? undefined : digest(config.secret);
    this.#allow = config.allow === undefined || config.allow.length === 0 ? undefined : TrustedProxies.parse(config.allow);
    // Deny by default: with neither check configured nobody may post (the config schema refuses it too).
    if (this.#secret === undefined && this.#allow === undefined) throw new TypeError('webhooks: configure a secret, an allow list, or both');
  }

  /** `query` is the raw query string of the request; `peer` the socket's remote address. */
  check(query: string, peer: string | undefined): AccessResult {
    const proofs: WebhookProof[] = [];
    if (this.#allow !== undefined) {
      if (!this.#allow.contains(peer)) return refuse('forbidden', 'this address may not post Gerrit webhook events');
      proofs.push('gerrit_webhook_allowlist');
    }
    if (this.#secret !== undefined) {
      const given = new URLSearchParams(query).getAll('secret');
      if (given.length === 0) return refuse('unauthenticated', 'the webhook URL must carry the shared secret as ?secret=');
      if (given.length > 1 || !timingSafeEqual(digest(given[0] ?? ''), this.#secret)) return refuse('forbidden', 'the webhook secret is wrong');
      proofs.push('gerrit_webhook_secret');
    }
    return { ok: true, proofs };
  }
}

function refuse(code: 'unauthenticated' | 'forbidden', reason: string): AccessResult {
  return { ok: false, error: new ChangegateError(code, reason) };
}
